"""``grade analytics``: run the analytics service with a learner's files, taken as grading
takes them (only the files the tasks name, valid Python), on the starter. The compose stack's
``analytics`` service runs this on the learner's folder, so the replica it keeps is the
learner's own work; parts still stubs run as the kit's stand-ins (starter/analytics/service.py).

Nothing here decides a verdict: this process lays the tree out, runs ``python -m analytics``
in it, passes SIGTERM and SIGINT on, and removes the tree when the service ends.
"""

import os
import signal
import subprocess
import sys

from grader.grading import tree
from grader.grading.manifest import Course


def files(course: Course) -> list[str]:
    """Every learner file the analytics service and the app's publisher are made of."""
    return list(dict.fromkeys(rel for task in course.tasks for rel in task.files
                              if rel.startswith("analytics/") and tree.is_module(rel)))


def run(impl: tree.Impl, course: Course, say=print) -> int:
    built = tree.lay_out(impl, files(course), course, strict=True, prefix="grade-analytics-")
    try:
        for rel, why in built.refused.items():
            say(f"{rel} was not taken ({why}); the starter's version runs instead.")
        say(f"Analytics service on {impl.label}: {', '.join(t.path for t in built.taken) or 'the starter only'}.")
        env = {**os.environ, "PYTHONPATH": str(built.root)}
        proc = subprocess.Popen([sys.executable, "-m", "analytics"], cwd=built.root, env=env)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda n, _f: proc.send_signal(n))
        return proc.wait()
    finally:
        tree.remove(built.root)
