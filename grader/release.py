"""``grade release OUT``: the learner's copy of the kit, without what learners must not see.

Left out: the reference solutions, every task's hidden tests, the kit's own tests (they use
the solutions), the reviewed equivalent mutants and must breakers (they quote the solutions' code), CI and
instructor files. In a git checkout only tracked files are considered, so nothing an
instructor keeps beside the kit (a gradebook, a student's fork) comes along.

The copy holds ``release.toml``: from it the grader knows it runs in a learner release, and
every scorecard says that the hidden tests were not run. Before it returns, the release is
checked: no file in it may be, or contain, a solution or a hidden test.
"""

import datetime
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from grader import KIT_ROOT
from grader.manifest import Course

MARKER = "release.toml"
NO_HIDDEN_TESTS = ("Hidden tests were not run: this is the learner release of the kit, which has only the public "
                   "tests. Your instructor's grading also runs hidden tests of the doc's rules, so it can score lower.")
# Besides the solutions and the hidden tests, which come from course.toml.
LEFT_OUT = ("tests", ".github", ".ci", "scripts", "grader/equivalent_mutants.toml", "grader/must_breakers.toml")
JUNK = ("__pycache__", ".pytest_cache", ".venv", ".git", ".grade-state.json")
README_NOTE = """> **Learner release.** This copy of the kit has no reference solutions and no hidden tests:
> `make grade` scores the public tests and says so. The instructor sections below describe
> the full kit, which your instructor grades with.

"""


class ReleaseError(Exception):
    """The release cannot be written (the destination is not empty, the kit is incomplete)."""


def is_release(kit_root: Path = KIT_ROOT) -> bool:
    return (kit_root / MARKER).is_file()


def withheld(course: Course) -> list[str]:
    """Paths (files or folders, relative to the kit) that a learner release leaves out."""
    hidden = [t.hidden_tests for t in course.tasks if t.hidden_tests]
    return [course.solutions, *hidden, *LEFT_OUT]


def _kit_files(kit_root: Path) -> list[str]:
    """The kit's files: the tracked ones in a git checkout, else every file but the junk."""
    try:
        listed = subprocess.run(["git", "-C", str(kit_root), "ls-files", "-z"], capture_output=True, timeout=30)
        if listed.returncode == 0 and listed.stdout:
            return sorted(p for p in listed.stdout.decode("utf-8", "replace").split("\0")
                          if p and (kit_root / p).is_file() and not (kit_root / p).is_symlink())
    except (OSError, subprocess.SubprocessError):
        pass
    found = []
    for folder, dirs, files in os.walk(kit_root):
        dirs[:] = [d for d in dirs if d not in JUNK and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if name not in JUNK and not name.endswith(".pyc") and not path.is_symlink():
                found.append(path.relative_to(kit_root).as_posix())
    return sorted(found)


def _under(rel: str, prefixes: list[str]) -> bool:
    return any(rel == p.rstrip("/") or rel.startswith(p.rstrip("/") + "/") for p in prefixes)


def write(out: Path, course: Course, kit_root: Path = KIT_ROOT) -> list[str]:
    """Write the learner release to ``out`` (new or empty); return the files written."""
    out = out.expanduser().absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder; give a new folder.")
    if out == kit_root or kit_root in out.parents:
        raise ReleaseError(f"{out} is inside the kit; write the release outside it.")
    if is_release(kit_root):
        raise ReleaseError("this kit is itself a learner release; make releases from the full kit.")
    left_out = withheld(course)
    files = [rel for rel in _kit_files(kit_root) if not _under(rel, left_out)]
    try:
        out.mkdir(parents=True, exist_ok=True)
        for rel in files:
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(kit_root / rel, target)
        readme = out / "README.md"
        if readme.is_file():
            readme.write_text(README_NOTE + readme.read_text(encoding="utf-8"), encoding="utf-8")
        from grader import provenance

        (out / MARKER).write_text(
            "# The learner release of the kit, written by `grade release`. The grader reads this file:\n"
            "# with it, every scorecard says that the hidden tests were not run.\n"
            "[release]\n"
            f'kit_commit = "{provenance.kit_commit(kit_root)}"\n'
            f'written = "{datetime.date.today().isoformat()}"\n'
            f"withheld = {left_out!r}\n".replace("'", '"'),
            encoding="utf-8")
        problems = leaks(out, course, kit_root)
        if problems:
            raise ReleaseError("the release would leak: " + "; ".join(problems[:5]))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return [*files, MARKER]


def _secret_files(course: Course, kit_root: Path) -> list[Path]:
    roots = [kit_root / course.solutions, *(kit_root / t.hidden_tests for t in course.tasks if t.hidden_tests)]
    return [p for root in roots if root.is_dir() for p in sorted(root.rglob("*")) if p.is_file()
            and "__pycache__" not in p.parts]


def leaks(release_root: Path, course: Course, kit_root: Path = KIT_ROOT) -> list[str]:
    """Why the release at ``release_root`` shows what learners must not see: a withheld
    path exists, or a file equals or contains a solution or hidden test file (renamed or
    pasted elsewhere). Empty when it is clean."""
    problems = [f"{rel} is in the release" for rel in withheld(course) if (release_root / rel).exists()]
    secrets = {}
    for path in _secret_files(course, kit_root):
        data = path.read_bytes()
        if len(data.strip()) >= 64:  # an empty __init__.py is in many places, and no secret
            secrets[path.relative_to(kit_root).as_posix()] = data
    digests = {hashlib.sha256(d).hexdigest(): rel for rel, d in secrets.items()}
    for path in sorted(release_root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        rel = path.relative_to(release_root).as_posix()
        if hashlib.sha256(data).hexdigest() in digests:
            problems.append(f"{rel} is a copy of {digests[hashlib.sha256(data).hexdigest()]}")
            continue
        for secret_rel, secret in secrets.items():
            if secret.strip() in data:
                problems.append(f"{rel} contains {secret_rel}")
    return problems
