"""Must breakers, for scoring rule 6 (grader/checks/scoring.py): reviewed versions of a task's
solution that each break one rule the doc states as a must, the way a learner who skipped
that rule would, and nothing else. ``selftest`` grades each and fails when one costs less
than ``MUST_SHARE`` of the task's points, or when a must rule of the tests has no breaker.

They live in ``grader/checks/must_breakers.toml``: each entry names its task, the must rule in the
doc's words, the exercise whose tests should catch it, and an exact text replacement in one
learner file of the solution. They were written from the task docs, not from the tests, so
they check the tests against the doc rather than the other way round.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grader import KIT_ROOT
from grader.grading import tree
from grader.grading.manifest import Course, Task

FILE = KIT_ROOT / "grader" / "checks" / "must_breakers.toml"


class BreakerError(Exception):
    """An entry of the breakers file is malformed or no longer fits the solution."""


# The shapes of scoring rule 7: a break of a race (the manifest's ``races``) or of an ordered
# listing (its ``listings``), named by ``target``; see SHAPES in grader/checks/scoring.py.
READ_THEN_WRITE, NO_TIEBREAK, CURSOR_IGNORES_TIEBREAK = "read-then-write", "no-tiebreak", "cursor-ignores-tiebreak"


@dataclass(frozen=True)
class Breaker:
    task: str
    rule: str  # the must rule, as the doc's "Weighs most" list words it ("" for a shape break of no must)
    what: str  # the break, in one line
    exercise: str  # the exercise whose code it breaks, and whose tests should catch it
    file: str  # the learner file, relative to solutions/
    find: str
    replace: str
    shape: str = ""  # one of the shapes above, or "" for a plain must break
    target: str = ""  # for a shape: the race (rule) or listing (name) of the exercise it breaks

    @property
    def name(self) -> str:
        return f"{self.exercise} {self.rule or self.target}: {self.what}"


FIELDS = ("task", "rule", "what", "exercise", "file", "find", "replace")
SHAPE_FIELDS = ("shape", "target")


def load(path: Path | None = None) -> list[Breaker]:
    path = path or FILE
    if not path.is_file():
        return []
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("breaker", [])
    except tomllib.TOMLDecodeError as error:
        raise BreakerError(f"{path.name}: {error}") from error
    out = []
    for number, entry in enumerate(entries, 1):
        # every field is text; only the replacement may be empty (a break that deletes), and
        # the rule only for a shape break (a race or listing that is not a must)
        shaped = bool(entry.get("shape"))
        optional = {"replace", "rule"} if shaped else {"replace"}
        wanted = FIELDS + (SHAPE_FIELDS if shaped else ())
        missing = [f for f in wanted if not isinstance(entry.get(f), str) or (not entry[f] and f not in optional)]
        if missing:
            raise BreakerError(f"{path.name}: breaker {number} has no {', '.join(missing)}")
        if shaped and entry["shape"] not in (READ_THEN_WRITE, NO_TIEBREAK, CURSOR_IGNORES_TIEBREAK):
            raise BreakerError(f"{path.name}: breaker {number} has an unknown shape {entry['shape']!r}")
        out.append(Breaker(**{f: entry.get(f, "") for f in FIELDS + SHAPE_FIELDS}))
    return out


def for_task(task: Task, breakers: list[Breaker]) -> list[Breaker]:
    return [b for b in breakers if b.task == task.id]


def broken_source(breaker: Breaker, course: Course, kit_root: Path = KIT_ROOT) -> str:
    """The learner file with the break applied; the text to replace must occur exactly once,
    so a solution that moved on cannot silently turn a breaker into the solution itself."""
    text = (kit_root / course.solutions / breaker.file).read_text(encoding="utf-8")
    count = text.count(breaker.find)
    if count != 1:
        raise BreakerError(f"{breaker.name}: the text to replace occurs {count} times in "
                           f"{course.solutions}/{breaker.file} (it must occur once)")
    return text.replace(breaker.find, breaker.replace)


def write_tree(breaker: Breaker, task: Task, course: Course, kit_root: Path = KIT_ROOT) -> Path:
    """A learner folder (laid out like starter/): the solutions, with the one break."""
    if breaker.file not in task.files:
        raise BreakerError(f"{breaker.name}: {breaker.file} is not a learner file of task {task.id}")
    source = broken_source(breaker, course, kit_root)
    return tree.solution_variant(task, course, breaker.file, source, kit_root, prefix="breaker-")
