"""The course manifest (``course.toml``): tasks, exercises, points, files, doc anchors.

Fields that follow a convention may be left out of the file (``load`` fills them in):
a task's doc is ``tasks/<id>-<slug>.md``; its tests are in ``grader/public/task<id>`` and
``grader/hidden/task<id>`` (the id in lower case; a hidden folder that does not exist means
no hidden tests, and ``hidden_tests = ""`` says so outright); an exercise's anchor is the
GitHub anchor of its doc heading ``## <id> <title>``."""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader import KIT_ROOT

MANIFEST_PATH = KIT_ROOT / "course.toml"
KNOWN_BACKENDS = ("mongodb", "kafka", "mysql")
FORMAT_VERSIONS = (1,)  # the values of [course] format_version this grader reads
# Task ids and slugs name folders and files (tasks/01-user.md, grader/public/task01, test_01_4_login.py).
TASK_ID = re.compile(r"[A-Za-z0-9]+")
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
# A task doc's exercise section: "## 01.4 Log in", "## M01.1 Daily sales" (<task id>.<number>).
EXERCISE_HEADING = re.compile(r"^##\s+([A-Za-z0-9]+\.\d+)\s+(.*?)\s*$")


class ManifestError(Exception):
    """The manifest is missing or malformed, or a task id does not exist."""


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower-case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


# The conventions, one function each: the scaffolder writes only fields that differ from them.
def default_doc(task_id: str, slug: str) -> str:
    return f"tasks/{task_id}-{slug}.md"


def default_public_tests(task_id: str) -> str:
    return f"grader/public/task{task_id.lower()}"


def default_hidden_tests(task_id: str) -> str:
    return f"grader/hidden/task{task_id.lower()}"


def default_anchor(exercise_id: str, title: str) -> str:
    return github_anchor(f"{exercise_id} {title}")


def task_key(text: str) -> str:
    """What two spellings of one task id share: case and leading zeros do not count,
    so "1", "01" and "001" are one key, and so are "m1" and "M01"."""
    text = text.strip().lower()
    match = re.fullmatch(r"([a-z]*)0*(\d+)", text)
    return f"{match.group(1)}{int(match.group(2))}" if match else text


PAGINGS = ("cursor", "skip", "none")  # how an ordered listing hands out its pages


@dataclass(frozen=True)
class Listing:
    """An endpoint that returns items in a stated order (scoring rule 7): its tests page
    through items that tie on the sort key, and its breakers drop the tiebreak."""
    name: str  # the endpoint, as the doc names it: "GET /communities/discover"
    paging: str  # one of PAGINGS


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    points: int
    anchor: str
    # Scoring rule 7 (grader/checks/scoring.py): the rules of this exercise that concurrent requests
    # race on, and the listings whose stated order its tests check with ties.
    races: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()


@dataclass(frozen=True)
class Task:
    id: str
    slug: str
    title: str
    kind: str  # "code" or "environment"
    doc: str
    files: tuple[str, ...]
    public_tests: str
    hidden_tests: str
    exercises: tuple[Exercise, ...] = field(default_factory=tuple)
    backends: tuple[str, ...] = ()  # what the local and services stacks must start or reach
    # The least per-test time limit (0: none): a pipeline test waits for a consumer group.
    test_seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.id}-{self.slug}"

    @property
    def possible(self) -> int:
        return sum(e.points for e in self.exercises)

    def exercise(self, exercise_id: str) -> Exercise | None:
        return next((e for e in self.exercises if e.id == exercise_id), None)

    def doc_link(self, exercise: Exercise) -> str:
        return f"{self.doc}#{exercise.anchor}"

    def test_dirs(self, root: Path = KIT_ROOT, include_hidden: bool = True) -> list[Path]:
        dirs = [self.public_tests] + ([self.hidden_tests] if include_hidden and self.hidden_tests else [])
        return [root / d for d in dirs if (root / d).is_dir()]


@dataclass(frozen=True)
class Course:
    title: str
    starter: str
    solutions: str
    tasks: tuple[Task, ...]

    def find(self, key: str) -> Task:
        """Find a task by ``01``, ``1``, ``m01`` (for ``M01``), its slug (``user``) or its
        label (``01-user``); case does not matter."""
        wanted = key.strip().lower()
        for task in self.tasks:
            if wanted in (task.slug.lower(), task.label.lower()) or task_key(wanted) == task_key(task.id):
                return task
        valid = ", ".join(f"{t.id} ({t.slug})" for t in self.tasks)
        raise ManifestError(f"There is no task {key!r}. Valid tasks: {valid}.")


def load(path: Path = MANIFEST_PATH) -> Course:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"The course manifest {path} is missing.") from None
    return loads(text, path)


def loads(text: str, path: Path | str = MANIFEST_PATH) -> Course:
    """Read a manifest from its text; ``path`` only names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"The course manifest {path} is not valid TOML: {exc}") from None
    _check_format(data, path)
    try:
        tasks = tuple(_task(t, path) for t in data["tasks"])
        course = data["course"]
        result = Course(course["title"], course["starter"], course["solutions"], tasks)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ManifestError(f"The course manifest {path} is malformed: missing or bad field {exc}.") from None
    _check_unique(result)
    for task in result.tasks:
        unknown = [b for b in task.backends if b not in KNOWN_BACKENDS]
        if unknown:
            raise ManifestError(f"Task {task.id} needs unknown backends {unknown}; known: {', '.join(KNOWN_BACKENDS)}.")
    return result


def _check_format(data: dict, path: Path | str) -> None:
    course = data.get("course")
    version = course.get("format_version") if isinstance(course, dict) else None
    supported = " or ".join(map(str, FORMAT_VERSIONS))
    if version is None:
        raise ManifestError(f"The course manifest {path} has no format_version in [course]; "
                            f"this grader reads format_version = {supported}.")
    if type(version) is not int or version not in FORMAT_VERSIONS:  # type(): true is not 1 here
        raise ManifestError(f"The course manifest {path} has format_version = {version!r}; this grader reads "
                            f"only {supported} (a newer kit needs a newer grader).")


def _task(t: dict, path: Path | str) -> Task:
    task_id, slug = t["id"], t["slug"]
    if not isinstance(task_id, str) or not TASK_ID.fullmatch(task_id):
        raise ManifestError(f"The course manifest {path}: task id {task_id!r} must be letters and digits "
                            'in quotes, like "01" or "M01".')
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise ManifestError(f"The course manifest {path}: task {task_id}'s slug {slug!r} must be lower-case "
                            "letters, digits, '-' and '_'.")
    hidden = t.get("hidden_tests")
    return Task(
        id=task_id,
        slug=slug,
        title=t["title"],
        kind=t.get("kind", "code"),
        doc=t.get("doc") or default_doc(task_id, slug),
        files=tuple(t.get("files", [])),
        public_tests=t.get("public_tests") or default_public_tests(task_id),
        hidden_tests=default_hidden_tests(task_id) if hidden is None else hidden,  # "" means none
        exercises=tuple(_exercise(e, path) for e in t["exercises"]),
        backends=tuple(t.get("backends", [])),
        test_seconds=float(t.get("test_seconds", 0)),
    )


def _exercise(e: dict, path: Path | str) -> Exercise:
    races = e.get("races", [])
    if not isinstance(races, list) or not all(isinstance(r, str) and r.strip() for r in races):
        raise ManifestError(f"The course manifest {path}: exercise {e['id']}'s races must be a list of rules in words.")
    listings = []
    for listing in e.get("listings", []):
        if not isinstance(listing, dict) or not isinstance(listing.get("name"), str) \
                or listing.get("paging") not in PAGINGS:
            raise ManifestError(f"The course manifest {path}: exercise {e['id']}'s listings must be tables "
                                f"{{name = \"GET /...\", paging = {' | '.join(map(repr, PAGINGS))}}}.")
        listings.append(Listing(listing["name"], listing["paging"]))
    return Exercise(e["id"], e["title"], int(e["points"]), e.get("anchor") or default_anchor(e["id"], e["title"]),
                    tuple(races), tuple(listings))


def _check_unique(course: Course) -> None:
    tasks: dict[str, str] = {}
    slugs: set[str] = set()
    for task in course.tasks:
        key = task_key(task.id)
        if key in tasks:
            raise ManifestError(f"Task ids {tasks[key]} and {task.id} are the same task id in the manifest.")
        if task.slug in slugs:
            raise ManifestError(f"The slug {task.slug!r} appears twice in the manifest.")
        tasks[key] = task.id
        slugs.add(task.slug)
    seen: set[str] = set()
    for task in course.tasks:
        for exercise in task.exercises:
            if exercise.id in seen:
                raise ManifestError(f"Exercise id {exercise.id} appears twice in the manifest.")
            if not isinstance(exercise.id, str) or not re.fullmatch(re.escape(task.id) + r"\.\d+", exercise.id):
                raise ManifestError(f"Exercise {exercise.id} does not belong to task {task.id}: "
                                    f"its exercise ids are {task.id}.1, {task.id}.2 and so on.")
            seen.add(exercise.id)
