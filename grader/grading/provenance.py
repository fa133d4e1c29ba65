"""What a result was computed from, so an instructor can tell later exactly what was
graded and by which tests: the sha256 of every learner file taken, the kit's commit, and
one hash over the test suites that ran; and whether this copy of the kit is a learner
release (``grade release`` writes its marker)."""

import hashlib
import subprocess
from dataclasses import asdict
from pathlib import Path

from grader import KIT_ROOT

MARKER = "release.toml"  # at the top of a learner release: what it was built from
NO_HIDDEN_TESTS = ("Hidden tests were not run: this is the learner release of the kit, which has only the public "
                   "tests. Your instructor's grading also runs hidden tests of the doc's rules, so it can score lower.")


def is_release(kit_root: Path = KIT_ROOT) -> bool:
    return (kit_root / MARKER).is_file()


def kit_commit(kit_root: Path) -> str:
    """The kit's git commit, with "-modified" when the checkout has local changes."""
    try:
        head = subprocess.run(["git", "-C", str(kit_root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
        if not head:
            return "unknown (not a git checkout)"
        dirty = subprocess.run(["git", "-C", str(kit_root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (git is not available)"
    return head + ("-modified" if dirty else "")


def suite_hash(test_dirs: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in test_dirs:
        for path in sorted(folder.rglob("*.py")):
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def record(taken, test_dirs: list[Path], kit_root: Path) -> dict:
    return {
        "learner_files": [asdict(t) for t in taken],
        "kit_commit": kit_commit(kit_root),
        "suite_sha256": suite_hash(test_dirs),
    }
