"""The names the grader's parts exchange, in one place: the events the pytest plugin (and
the test kit's fixtures) write for the runner, the outcome of a test, the status of an
exercise, and the version of the JSON results. A name used on both sides of a process
boundary lives here, so the two sides cannot drift apart."""

# Version of the JSON results (``grade --json``, ``TaskResult.to_dict``). Raise it when a
# field changes meaning or goes away; adding a field does not need a new version.
SCHEMA_VERSION = 2  # 2: the status "needs --stack local" is now "needs local stack"

# Event kinds: one JSON line each in the file named by GRADER_EVENTS (see grader/grading/plugin.py).
COLLECTED = "collected"  # tests: [{nodeid, exercise, weight, must, race, ties, server}], every test before sharding
COLLECT_ERROR = "collect_error"  # message: a test file that could not be collected
IMPORT_START = "import_start"  # file: a learner file is about to be imported
IMPORT = "import"  # file, ok, message: how that import ended
START = "start"  # nodeid: a test begins
RESULT = "result"  # nodeid, outcome, message, duration: a test's verdict
NOTICE = "notice"  # message: something about the whole run (written by grader/testkit/fixtures.py)
EVENT_KINDS = (COLLECTED, COLLECT_ERROR, IMPORT_START, IMPORT, START, RESULT, NOTICE)

# Test outcomes. NOT_RUN is the runner's own: the plugin never reports it.
PASSED, FAILED, ERROR, TIMEOUT, NEEDS_SERVICES, NOT_RUN = (
    "passed", "failed", "error", "timeout", "needs_services", "not_run",
)
OUTCOMES = (PASSED, FAILED, ERROR, TIMEOUT, NEEDS_SERVICES, NOT_RUN)

# Exercise statuses, as the scorecard and the JSON results show them.
PASS, PARTIAL, FAIL, STATUS_ERROR, STATUS_NEEDS_SERVICES = "pass", "partial", "fail", "error", "needs local stack"
STATUSES = (PASS, PARTIAL, FAIL, STATUS_ERROR, STATUS_NEEDS_SERVICES)

# Exit status of ``grade <task>`` when the grading completed but judged nothing (a stack that
# was not ready, no tests): never a score. ``grade batch`` reads it from its grading processes.
EXIT_NOT_GRADED = 3
