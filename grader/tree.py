"""Build the implementation tree a task is graded against.

The tree is a temporary copy of ``starter/`` with the learner-editable files of every
task taken from the chosen source: nothing (the starter as it is), ``solutions/``, or a
learner's directory laid out like ``starter/``.
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader import KIT_ROOT
from grader.manifest import Course, Task


class TreeError(Exception):
    """The chosen implementation cannot be used (missing directory or files)."""


@dataclass(frozen=True)
class Impl:
    label: str  # what the scorecard shows: "starter", "solutions" or the path
    source: Path | None  # where learner files come from; None = the starter itself


def resolve_impl(choice: str, course: Course, kit_root: Path = KIT_ROOT) -> Impl:
    if choice == "starter":
        return Impl("starter", None)
    if choice == "solutions":
        return Impl("solutions", kit_root / course.solutions)
    path = Path(choice).expanduser().resolve()
    if not path.is_dir():
        raise TreeError(f"--impl {choice}: no such directory. Use starter, solutions or a directory laid out like starter/.")
    if not (path / "backend").is_dir() and (path / course.starter / "backend").is_dir():
        path = path / course.starter  # a whole checkout of the kit, e.g. a learner's fork
    return Impl(str(path), path)


def build(impl: Impl, task: Task, course: Course, kit_root: Path = KIT_ROOT) -> Path:
    """Copy the starter into a fresh temporary directory and lay the learner files over it."""
    starter = kit_root / course.starter
    if not starter.is_dir():
        raise TreeError(f"The starter directory {starter} is missing; the kit checkout is incomplete.")
    if impl.source is not None:
        missing = [f for f in task.files if not (impl.source / f).is_file()]
        if missing:
            raise TreeError(
                f"{impl.label} has no {', '.join(missing)}: task {task.id} needs "
                f"{', '.join(task.files)} (paths inside a tree laid out like starter/)."
            )
    root = Path(tempfile.mkdtemp(prefix=f"grade-{task.id}-"))
    shutil.copytree(starter, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if impl.source is not None:
        for other in course.tasks:
            for rel in other.files:
                src = impl.source / rel
                if src.is_file():
                    (root / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, root / rel)
    return root


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
