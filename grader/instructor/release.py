"""``grade release OUT [--commit REV]``: the learner's copy of the kit, without what learners
must not see, built from a commit.

Left out: the reference solutions, every task's hidden tests, the kit's own tests (they use
the solutions), the reviewed equivalent mutants and must breakers (they quote the solutions' code), CI and
instructor files.

In a git checkout the release is built from a commit (``HEAD`` unless ``--commit`` names
another): the files that commit holds, read with git (``git ls-tree``, ``git cat-file``),
never from the working tree. So an uncommitted edit (an instructor's half-solved starter file)
does not go in, and nothing an instructor keeps beside the kit (a gradebook, a student's
fork) comes along; the command names the files whose working copy differs from the commit
and the files not committed at all, as warnings. When the kit is not a git checkout, its
files are copied as they are (but caches and virtualenvs), and the command says so.

The copy holds ``release.toml``: from it the grader knows it runs in a learner release, and
every scorecard says that the hidden tests were not run. Before it returns, the release is
checked: every learner file of the starter (each task's ``files`` under ``starter/``) must be
the stub (grader/checks/consistency.py: its methods only raise NotImplementedError), and no file may
be, or contain, a solution or a hidden test.
"""

import datetime
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from grader import KIT_ROOT
from grader.grading.tree import is_module
from grader.grading.provenance import MARKER, is_release
from grader.grading.manifest import Course, ManifestError, loads

# Besides the solutions and the hidden tests, which come from course.toml.
LEFT_OUT = ("tests", ".github", ".ci", "scripts", "grader/checks/equivalent_mutants.toml", "grader/checks/must_breakers.toml")
JUNK = ("__pycache__", ".pytest_cache", ".venv", ".git", ".grade-state.json")
README_NOTE = """> **Learner release.** This copy of the kit has no reference solutions and no hidden tests:
> `make grade` scores the public tests and says so. The instructor sections below describe
> the full kit, which your instructor grades with.

"""
GIT_TIMEOUT = 120
LISTED = 5  # paths named in a warning; the rest are counted
_BLOB_MODES = {"100644": 0o644, "100755": 0o755}  # symbolic links (120000) and submodules (160000) stay out


class ReleaseError(Exception):
    """The release cannot be written (the destination is not empty, the kit is incomplete, a
    starter file is not the stub)."""


@dataclass
class Written:
    """What ``write`` wrote: the files, where they came from, and what the instructor should know."""
    files: list[str]
    source: str  # "commit 1a2b3c4d5e6f (HEAD)", or the working tree and why
    warnings: list[str] = field(default_factory=list)


def withheld(course: Course) -> list[str]:
    """Paths (files or folders, relative to the kit) that a learner release leaves out."""
    hidden = [t.hidden_tests for t in course.tasks if t.hidden_tests]
    return [course.solutions, *hidden, *LEFT_OUT]


def _working_files(kit_root: Path) -> list[str]:
    """Every file of a kit that is not a git checkout, but caches, virtualenvs and links."""
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


# -- reading a commit -------------------------------------------------------------------------

def _git(kit_root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=kit_root, input=stdin, capture_output=True, timeout=GIT_TIMEOUT)


def _not_a_checkout(kit_root: Path) -> str:
    """Why the kit cannot be read from git (empty: it can)."""
    try:
        done = _git(kit_root, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError):
        return "git is not available"
    if done.returncode != 0 or done.stdout.strip() != b"true":
        return "the kit is not a git checkout"
    return ""


def _resolve(kit_root: Path, commit: str) -> str:
    if not commit or commit.startswith("-"):
        raise ReleaseError(f"--commit {commit!r}: give a commit (a hash, a branch, a tag, HEAD).")
    done = _git(kit_root, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}")
    sha = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not sha:
        raise ReleaseError(f"--commit {commit}: no such commit in the kit's git repository.")
    return sha


def _tree(kit_root: Path, sha: str) -> dict[str, tuple[int, str]]:
    """The kit's files at commit ``sha``: path (relative to the kit) -> (mode, blob id)."""
    done = _git(kit_root, "ls-tree", "-r", "-z", sha)  # from the kit's folder: its files, relative to it
    if done.returncode != 0:
        raise ReleaseError(f"git ls-tree {sha[:12]} failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    files = {}
    for entry in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        info, rel = entry.split("\t", 1)
        mode, kind, blob = info.split()
        if kind == "blob" and mode in _BLOB_MODES:
            files[rel] = (_BLOB_MODES[mode], blob)
    return files


def _blobs(kit_root: Path, ids: set[str]) -> dict[str, bytes]:
    """The contents of git objects, in one ``git cat-file --batch``."""
    order = sorted(ids)
    done = _git(kit_root, "cat-file", "--batch", stdin="".join(f"{i}\n" for i in order).encode())
    if done.returncode != 0:
        raise ReleaseError(f"git cat-file failed: {done.stderr.decode('utf-8', 'replace').strip()}")
    data, at, found = done.stdout, 0, {}
    for blob in order:
        line_end = data.index(b"\n", at)
        header = data[at:line_end].split()
        if len(header) != 3 or header[1] != b"blob":
            raise ReleaseError(f"git cat-file could not read {blob}: {data[at:line_end].decode('utf-8', 'replace')}")
        size = int(header[2])
        found[blob] = data[line_end + 1:line_end + 1 + size]
        at = line_end + 1 + size + 1  # the content, then a newline
    return found


def _committed_course(kit_root: Path, sha: str, tree: dict[str, tuple[int, str]]) -> Course:
    if "course.toml" not in tree:
        raise ReleaseError(f"commit {sha[:12]} has no course.toml in the kit's folder; is it a commit of the kit?")
    text = _blobs(kit_root, {tree["course.toml"][1]})[tree["course.toml"][1]]
    try:
        return loads(text.decode("utf-8"), f"course.toml of commit {sha[:12]}")
    except (ManifestError, UnicodeDecodeError) as exc:
        raise ReleaseError(str(exc)) from None


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:LISTED]) + (f" and {len(paths) - LISTED} more" if len(paths) > LISTED else "")


def _untracked(kit_root: Path, left_out: list[str]) -> list[str]:
    done = _git(kit_root, "ls-files", "--others", "--exclude-standard", "-z")
    if done.returncode != 0:
        return []
    return sorted(rel for rel in done.stdout.decode("utf-8", "surrogateescape").split("\0")
                  if rel and not _under(rel, left_out) and not any(part in JUNK for part in rel.split("/")))


# -- writing ----------------------------------------------------------------------------------

def _learner_files(courses: list[Course]) -> list[str]:
    """Each task's learner files, as paths of the starter (``starter/backend/services/auth.py``)."""
    return sorted({f"{c.starter}/{rel}" for c in courses for t in c.tasks for rel in t.files})


def _not_stubs(out: Path, courses: list[Course]) -> list[str]:
    """The learner files of the starter, in the release at ``out``, that are not the stub."""
    from grader.checks import consistency

    problems = []
    for rel in _learner_files(courses):
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel} is missing (a learner file of course.toml)")
            continue
        if not is_module(rel):
            continue  # a data file (Task D01's compose file, Dockerfiles): the leak check covers a copied solution
        try:
            bodies = consistency.stub_bodies(path)
        except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
            problems.append(f"{rel} cannot be read as Python ({type(exc).__name__}); it must be the stub")
            continue
        if bodies:
            what = "has a body" if len(bodies) == 1 else "have bodies"
            problems.append(f"{rel} is not the stub: {_listed(bodies)} {what} (starter methods only raise "
                            "NotImplementedError)")
    return problems


def write(out: Path, course: Course, kit_root: Path = KIT_ROOT, commit: str | None = None) -> Written:
    """Write the learner release to ``out`` (new or empty) from ``commit`` (default ``HEAD``),
    or from the kit's files when it is not a git checkout (``commit`` must then be None)."""
    out = out.expanduser().absolute()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder; give a new folder.")
    if out == kit_root or kit_root in out.parents:
        raise ReleaseError(f"{out} is inside the kit; write the release outside it.")
    if is_release(kit_root):
        raise ReleaseError("this kit is itself a learner release; make releases from the full kit.")
    why_not = _not_a_checkout(kit_root)
    courses, warnings, committed_secrets = [course], [], {}
    if why_not:
        if commit is not None:
            raise ReleaseError(f"--commit {commit}: {why_not}, so there is no commit to build from.")
        left_out = withheld(course)
        files = [rel for rel in _working_files(kit_root) if not _under(rel, left_out)]
        contents = {rel: ((kit_root / rel).read_bytes(), (kit_root / rel).stat().st_mode & 0o777) for rel in files}
        source = (f"the kit's files as they are ({why_not}, so uncommitted edits cannot be told apart "
                  "and go in too)")
        kit_commit = None
    else:
        sha = _resolve(kit_root, commit or "HEAD")
        tree = _tree(kit_root, sha)
        courses.append(_committed_course(kit_root, sha, tree))
        left_out = sorted({p for c in courses for p in withheld(c)})
        files = sorted(rel for rel in tree if not _under(rel, left_out))
        secret_roots = [c.solutions for c in courses] + [t.hidden_tests for c in courses for t in c.tasks
                                                         if t.hidden_tests]
        secrets = [rel for rel in tree if _under(rel, secret_roots)]
        blobs = _blobs(kit_root, {tree[rel][1] for rel in files + secrets})
        contents = {rel: (blobs[tree[rel][1]], tree[rel][0]) for rel in files}
        committed_secrets = {rel: blobs[tree[rel][1]] for rel in secrets}
        named = commit or "HEAD"
        source = f"commit {sha[:12]}" + (f" ({named})" if named != sha else "")
        kit_commit = sha
        differ = [rel for rel in files if not (kit_root / rel).is_file() or (kit_root / rel).is_symlink()
                  or (kit_root / rel).read_bytes() != contents[rel][0]]
        if differ:
            than = "uncommitted changes" if named == "HEAD" else f"changes since {named}"
            warnings.append(f"{len(differ)} file(s) have {than} in the working tree; the release has them as "
                            f"{source} holds them, without those changes: {_listed(differ)}")
        untracked = _untracked(kit_root, left_out)
        if untracked:
            warnings.append(f"{len(untracked)} file(s) of the kit are not committed, so the release leaves them "
                            f"out: {_listed(untracked)}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for rel in files:
            data, mode = contents[rel]
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            target.chmod(mode)
        problems = _not_stubs(out, courses)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise ReleaseError(f"{source}: {problems[0]}{more}; a release gives learners the stubs.")
        readme = out / "README.md"
        if readme.is_file():
            readme.write_text(README_NOTE + readme.read_text(encoding="utf-8"), encoding="utf-8")
        from grader.grading import provenance

        (out / MARKER).write_text(
            "# The learner release of the kit, written by `grade release`. The grader reads this file:\n"
            "# with it, every scorecard says that the hidden tests were not run.\n"
            "[release]\n"
            f'kit_commit = "{kit_commit or provenance.kit_commit(kit_root)}"\n'
            f'written = "{datetime.date.today().isoformat()}"\n'
            f"withheld = {left_out!r}\n".replace("'", '"'),
            encoding="utf-8")
        problems = leaks(out, course, kit_root, committed_secrets)
        if problems:
            raise ReleaseError("the release would leak: " + "; ".join(problems[:5]))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return Written([*files, MARKER], source, warnings)


def _secret_files(course: Course, kit_root: Path) -> list[Path]:
    roots = [kit_root / course.solutions, *(kit_root / t.hidden_tests for t in course.tasks if t.hidden_tests)]
    return [p for root in roots if root.is_dir() for p in sorted(root.rglob("*")) if p.is_file()
            and "__pycache__" not in p.parts]


def leaks(release_root: Path, course: Course, kit_root: Path = KIT_ROOT,
          committed: dict[str, bytes] | None = None) -> list[str]:
    """Why the release at ``release_root`` shows what learners must not see: a withheld
    path exists, or a file equals or contains a solution or hidden test file (renamed or
    pasted elsewhere): the kit's files, and ``committed`` (path -> contents: those of the
    commit the release was built from). Empty when it is clean."""
    problems = [f"{rel} is in the release" for rel in withheld(course) if (release_root / rel).exists()]
    secrets: dict[bytes, str] = {}  # contents -> a path that holds them
    found = [(path.relative_to(kit_root).as_posix(), path.read_bytes()) for path in _secret_files(course, kit_root)]
    for rel, data in found + sorted((committed or {}).items()):
        if len(data.strip()) >= 64:  # an empty __init__.py is in many places, and no secret
            secrets.setdefault(data, rel)
    digests = {hashlib.sha256(d).hexdigest(): rel for d, rel in secrets.items()}
    for path in sorted(release_root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        rel = path.relative_to(release_root).as_posix()
        if hashlib.sha256(data).hexdigest() in digests:
            problems.append(f"{rel} is a copy of {digests[hashlib.sha256(data).hexdigest()]}")
            continue
        for secret, secret_rel in secrets.items():
            if secret.strip() in data:
                problems.append(f"{rel} contains {secret_rel}")
    return problems
