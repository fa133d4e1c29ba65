"""Lets a course author run a task's tests with plain pytest, on the embedded stack:

    .venv/bin/python -m pytest grader/public/task01            # against the solutions
    GRADER_IMPL=starter .venv/bin/python -m pytest grader/hidden/task01

The app is assembled once per session in a temporary folder (starter/ with every learner file
of solutions/ laid over it, or starter/ alone). The grader's own test processes set all this
up themselves (GRADER_EVENTS is set there), so this file does nothing in them.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

_GRADER_CHILD = bool(os.environ.get("GRADER_EVENTS"))


def pytest_configure(config):
    if _GRADER_CHILD:
        return
    from grader import KIT_ROOT
    from grader.grading import manifest

    course = manifest.load()
    impl = os.environ.get("GRADER_IMPL", "solutions")
    root = Path(tempfile.mkdtemp(prefix="grader-plain-"))
    config.add_cleanup(lambda: shutil.rmtree(root, ignore_errors=True))
    shutil.copytree(KIT_ROOT / course.starter, root, dirs_exist_ok=True)
    if impl != "starter":
        source = KIT_ROOT / course.solutions if impl == "solutions" else Path(impl)
        for task in course.tasks:
            for rel in task.files:
                if (source / rel).is_file():
                    shutil.copyfile(source / rel, root / rel)
    sys.path[:0] = [str(root), str(KIT_ROOT)]
    config.pluginmanager.import_plugin("grader.grading.plugin")  # the exercise, weight and must markers
    config.pluginmanager.import_plugin("grader.testkit.fixtures")
