"""The results model: one TaskResult per grading run. Renderers (rich, JSON) read it;
nothing else decides scores or statuses."""

from dataclasses import asdict, dataclass, field

from grader.grading.manifest import Task
# Outcomes and statuses are defined in grader/grading/protocol.py; other modules import them from here too.
from grader.grading.protocol import (
    ERROR, FAIL, FAILED, NOT_RUN, PARTIAL, PASS, PASSED, SCHEMA_VERSION, STATUS_ERROR, STATUS_NEEDS_SERVICES, TIMEOUT,
)
from grader.grading.protocol import NEEDS_SERVICES

NOTICE_LIMIT = 2000


@dataclass
class TestResult:
    name: str
    outcome: str
    message: str = ""
    hidden: bool = False
    duration: float = 0.0
    weight: int = 1  # share of the exercise's points (see "Scoring" in grader/checks/scoring.py)
    must: str = ""  # the must-rule of the task doc this test checks, if any
    race: str = ""  # the manifest's race this test sends concurrent requests for, if any
    ties: str = ""  # the manifest's ordered listing this test pages through ties of, if any
    server: bool = False  # marked needs_services: it checks what only a real server shows (not run on embedded)


@dataclass
class ExerciseResult:
    id: str
    title: str
    possible: int
    doc: str
    tests: list[TestResult] = field(default_factory=list)
    # Set when the exercise could not be graded at all (e.g. no tests found).
    problem: str = ""

    @property
    def passed(self) -> int:
        return sum(t.outcome == PASSED for t in self.tests)

    @property
    def score(self) -> float:
        total = sum(t.weight for t in self.tests)
        if not total:
            return 0.0
        return round(self.possible * sum(t.weight for t in self.tests if t.outcome == PASSED) / total, 2)

    def missed(self, stack: str) -> list[TestResult]:
        """The tests a complete answer should have passed on ``stack``: all that did not pass,
        but a test marked for a real server is not missed on embedded, where it cannot run."""
        return [t for t in self.tests if t.outcome != PASSED
                and not (stack == "embedded" and t.server and t.outcome == NEEDS_SERVICES)]

    @property
    def needs_server(self) -> float:
        """The points held by tests this stack could not run (a real server grades them)."""
        total = sum(t.weight for t in self.tests)
        held = sum(t.weight for t in self.tests if t.outcome == NEEDS_SERVICES)
        return round(self.possible * held / total, 2) if total else 0.0

    @property
    def status(self) -> str:
        if self.problem or not self.tests:
            return STATUS_ERROR
        if self.passed == len(self.tests):
            return PASS
        if any(t.outcome == FAILED for t in self.tests):
            return PARTIAL if self.passed else FAIL
        if any(t.outcome in (ERROR, TIMEOUT, NOT_RUN) for t in self.tests):
            return PARTIAL if self.passed else STATUS_ERROR
        return STATUS_NEEDS_SERVICES

    @property
    def decided_by_hidden(self) -> bool:
        """True when every test that did not pass is a hidden one (public tests all pass)."""
        missed = [t for t in self.tests if t.outcome != PASSED]
        return bool(missed) and all(t.hidden for t in missed)

    @property
    def first_problem(self) -> str:
        if self.problem:
            return self.problem
        for test in self.tests:
            if test.outcome != PASSED:
                return test.message or test.outcome
        return ""

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "possible": self.possible,
            "status": self.status,
            "hidden": self.decided_by_hidden,
            "doc": self.doc,
            "message": self.first_problem,
            "tests": [asdict(t) for t in self.tests],
        }


@dataclass
class TaskResult:
    task: str
    title: str
    impl: str
    stack: str
    exercises: list[ExerciseResult]
    # Things that went wrong with the whole run, each shown once above the table.
    notices: list[str] = field(default_factory=list)
    duration: float = 0.0
    trust: str = ""  # how far the learner's code was kept from the verdicts (see grader/stacks/app.py)
    provenance: dict = field(default_factory=dict)  # learner file hashes, kit commit, suite hash
    hidden_tests_run: bool = True  # False in a learner release (no hidden tests) or with hidden tests left out
    stack_problem: str = ""  # why the stack was not ready (then nothing was graded), for the retry and the exit code
    stack_missing: bool = False  # a server the task needs is not installed: no retry

    @property
    def total(self) -> float:
        return round(sum(e.score for e in self.exercises), 2)

    @property
    def possible(self) -> int:
        return sum(e.possible for e in self.exercises)

    @property
    def needs_server(self) -> float:
        return round(sum(e.needs_server for e in self.exercises), 2)

    @property
    def graded(self) -> bool:
        """False when the run could not grade anything (a stack that is down, no tests)."""
        return any(not e.problem for e in self.exercises)

    def notice(self, message: str) -> None:
        message = message if len(message) <= NOTICE_LIMIT else message[:NOTICE_LIMIT] + " [... cut]"
        if message not in self.notices:
            self.notices.append(message)

    def not_graded(self, problem: str, notice: str = "") -> "TaskResult":
        """Mark every exercise as ungradable for one reason (shown once, as a notice)."""
        if notice:
            self.notice(notice)
        for exercise in self.exercises:
            exercise.problem = problem
        return self

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "task": self.task,
            "title": self.title,
            "impl": self.impl,
            "stack": self.stack,
            "total": self.total,
            "possible": self.possible,
            "graded": self.graded,
            "hidden_tests_run": self.hidden_tests_run,
            "duration_seconds": round(self.duration, 2),
            "trust": self.trust,
            **self.provenance,
            "notices": self.notices,
            "exercises": [e.to_dict() for e in self.exercises],
        }


def empty_result(task: Task, impl: str, stack: str) -> TaskResult:
    exercises = [ExerciseResult(e.id, e.title, e.points, task.doc_link(e)) for e in task.exercises]
    return TaskResult(task.id, task.title, impl, stack, exercises)
