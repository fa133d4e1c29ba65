"""Build the tree a task is graded against.

The tree is a fresh temporary copy of the kit's ``starter/`` (and ``shared/``, so the app
needs nothing else from the kit), with the files the task names, and only those, taken
from the chosen source: nothing (the starter as it is), ``solutions/``, or a learner's
folder laid out like ``starter/`` (or a whole fork of the kit).

A learner file is taken only if it is a regular file (not a link, and not reached through
one), at most MAX_BYTES, UTF-8, and valid Python. A file that is refused keeps the
starter's version in the tree and is reported with the reason; the grader then treats its
module as one that does not import.
"""

import ast
import hashlib
import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader import KIT_ROOT
from grader.grading.manifest import Course, Task

MAX_BYTES = 256 * 1024
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc")


class TreeError(Exception):
    """The chosen implementation cannot be used (missing directory or files)."""


@dataclass(frozen=True)
class Impl:
    label: str  # what the scorecard shows: "starter", "solutions" or the path
    source: Path | None  # where learner files come from; None = the starter itself
    kind: str = "learner"  # "starter", "solutions" or "learner"


@dataclass
class Taken:
    path: str
    sha256: str
    bytes: int


@dataclass
class Built:
    root: Path
    taken: list[Taken] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # rel path -> why, in plain words


def resolve_impl(choice: str, course: Course, kit_root: Path = KIT_ROOT) -> Impl:
    if choice == "starter":
        return Impl("starter", None, "starter")
    if choice == "solutions":
        if not (kit_root / course.solutions).is_dir():
            raise TreeError(f"IMPL=solutions: this kit has no {course.solutions}/ folder (a learner release has none).")
        return Impl("solutions", kit_root / course.solutions, "solutions")
    path = Path(choice).expanduser().absolute()
    if not path.is_dir():
        raise TreeError(f"IMPL={choice}: no such directory. Use starter, solutions or a directory laid out like starter/.")
    if not (path / "backend").is_dir() and (path / course.starter / "backend").is_dir():
        path = path / course.starter  # a whole checkout of the kit, e.g. a learner's fork
    return Impl(str(path), path)


def is_module(rel: str) -> bool:
    """Whether a learner file is Python code the app or a service imports; other learner
    files (Task D01's compose file and Dockerfiles) are data, read by the tests alone."""
    return rel.endswith(".py")


def module_name(rel: str) -> str:
    """The module a learner file is imported as: backend/services/auth.py -> backend.services.auth."""
    return rel.removesuffix(".py").replace("/", ".")


def check_file(source: Path, rel: str) -> tuple[bytes | None, str]:
    """The file's bytes, or None and why it cannot be taken."""
    path = source / rel
    # Every step from the source folder to the file must be a real folder, not a link.
    current = source
    for part in Path(rel).parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return None, f"{rel} is missing"
        if stat.S_ISLNK(mode):
            return None, f"{rel} was not taken: {current.relative_to(source)} is a symbolic link (send the file itself)"
    if not stat.S_ISREG(mode):
        return None, f"{rel} was not taken: it is not a regular file"
    size = os.lstat(path).st_size
    if size > MAX_BYTES:
        return None, f"{rel} was not taken: it is {size} bytes, more than the {MAX_BYTES} allowed"
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"{rel} was not taken: it is not UTF-8 text (byte {exc.start})"
    if not is_module(rel):
        return data, ""  # a learner file that is data (a compose file, a Dockerfile): read, never run
    try:
        ast.parse(text, filename=rel)
    except SyntaxError as exc:
        where = f"{rel}, line {exc.lineno}" if exc.lineno else rel
        return data, f"{where}: SyntaxError: {exc.msg}. Nothing in this file can run until it is fixed."
    except ValueError as exc:  # e.g. a NUL byte
        return None, f"{rel} was not taken: {exc}"
    return data, ""


def _git_root(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():  # a folder in a clone, or a file in a worktree
            return folder
    return None


def restore_hint(source: Path, rel: str, starter: Path) -> str:
    """How to get a deleted learner file back, from where it was taken: git when its folder
    is in a checkout (``git checkout -- starter/...`` from the kit's own folder), else the
    starter's stub."""
    source = source.absolute()
    root = _git_root(source)
    if root is not None:
        inside = (source / rel).relative_to(root).as_posix()
        here = root == Path.cwd().absolute()
        return f"restore it with `{'git' if here else f'git -C {root}'} checkout -- {inside}`"
    if source == starter.absolute():
        return f"take starter/{rel} from a fresh copy of the kit"
    return f"start again from the starter's stub: `cp {starter / rel} {source / rel}`"


def missing_file(source: Path, rel: str, starter: Path) -> str:
    return f"{rel} is missing; {restore_hint(source, rel, starter)}"


def build(impl: Impl, task: Task, course: Course, kit_root: Path = KIT_ROOT, *, strict: bool = False) -> Built:
    """Copy the starter and ``shared/`` into a fresh folder and lay the task's learner files
    over it. ``strict`` (the trusted stacks): a file that does not parse is not taken either.
    A folder given with --impl must have every file of the task (else it is likely not the
    folder meant); a file deleted from the kit's own starter is reported on each exercise."""
    if impl.source is not None:
        missing = [f for f in task.files if not os.path.lexists(impl.source / f)]
        if missing:
            # Some files there: the learner's folder, one file deleted; none: another folder.
            restore = "".join(f" {missing_file(impl.source, f, kit_root / course.starter)}."
                              for f in missing if len(missing) < len(task.files))
            raise TreeError(
                f"{impl.label} has no {', '.join(missing)}: task {task.id} needs "
                f"{', '.join(task.files)} (paths inside a tree laid out like starter/).{restore}"
            )
    return lay_out(impl, task.files, course, kit_root, strict=strict, prefix=f"grade-{task.id}-")


def lay_out(impl: Impl, files, course: Course, kit_root: Path = KIT_ROOT, *, strict: bool = False,
            prefix: str = "grade-") -> Built:
    """The starter and ``shared/`` in a fresh folder, with ``files`` taken from ``impl`` by the
    rules above. A file ``impl`` lacks keeps the starter's version (``build`` refuses that
    first; ``grade serve`` allows it, for a learner who has done some tasks only)."""
    starter = kit_root / course.starter
    if not starter.is_dir():
        raise TreeError(f"The starter directory {starter} is missing; the kit checkout is incomplete.")
    root = Path(tempfile.mkdtemp(prefix=prefix))
    built = Built(root)
    try:
        shutil.copytree(starter, root, dirs_exist_ok=True, ignore=_SKIP, symlinks=True)
        if (kit_root / "shared").is_dir():
            shutil.copytree(kit_root / "shared", root / "shared", ignore=_SKIP, symlinks=True)
        write_exercises(root, course)
        for rel in files:
            source = impl.source if impl.source is not None else starter
            if not os.path.lexists(source / rel):
                if not os.path.lexists(root / rel):  # deleted from the starter: nothing to fall back on
                    built.refused[rel] = missing_file(source, rel, starter)
                continue  # the starter's copy stays (see above)
            data, problem = check_file(source, rel)
            if data is not None and not (problem and strict):
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_bytes(data)
                built.taken.append(Taken(rel, hashlib.sha256(data).hexdigest(), len(data)))
            if problem and (data is None or strict):
                built.refused[rel] = problem  # (a syntax error alone is reported when importing)
    except BaseException:
        remove(root)
        raise
    return built


EXERCISES_FILE = "exercises.json"


def write_exercises(root: Path, course: Course) -> None:
    """What the app needs to say which exercise a stub belongs to (its 501 answer, see
    starter/backend/diagnostics.py), from the manifest: id -> title and doc section."""
    table = {e.id: {"title": e.title, "doc": t.doc_link(e)} for t in course.tasks for e in t.exercises}
    (root / EXERCISES_FILE).write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")


def rebuild(root: Path, impl: Impl, task: Task, course: Course, kit_root: Path = KIT_ROOT, *,
            strict: bool = False) -> None:
    """Lay a fresh tree out again in ``root`` (learner code deleted some of it)."""
    fresh = build(impl, task, course, kit_root, strict=strict)
    try:
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(fresh.root, root, dirs_exist_ok=True)
    finally:
        remove(fresh.root)


def solution_variant(task: Task, course: Course, rel: str, source: str, kit_root: Path = KIT_ROOT, *,
                     prefix: str = "variant-") -> Path:
    """A learner folder laid out like starter/: the task's solution files, with ``rel``
    holding ``source`` instead (a version of the solution that ``selftest`` grades: a
    degenerate method, a must breaker). Remove it with ``remove``."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    for name in task.files:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kit_root / course.solutions / name, target)
    (root / rel).write_text(source, encoding="utf-8")
    return root


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
