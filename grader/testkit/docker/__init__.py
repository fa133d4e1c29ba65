"""Task D01 (the Docker task): the learner's compose file and Dockerfiles read as data.

``project()`` reads the graded tree's three learner files once per test process;
``verdict()`` turns a rule's problems into the test's failure message. See README.md beside
this file for the parsers and the vendored Compose schema.
"""

from functools import cache

from grader.testkit.docker import checks


@cache
def project() -> checks.Project:
    return checks.Project(checks.environ_root())


def verdict(problems: list[str], doing: str, expected: str, exercise: str) -> None:
    """Fail with what the test read, what it expected and what it found, and the doc section."""
    if problems:
        found = "; ".join(problems[:4]) + (f"; and {len(problems) - 4} more" if len(problems) > 4 else "")
        # "..., got ...": the grader keeps a hidden test's message up to ", got " on the real stacks
        raise AssertionError(f"{doing}: expected {expected}, got {found} ({exercise} in {checks.DOC})")
