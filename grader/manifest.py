"""The course manifest (``course.toml``): tasks, exercises, points, files, doc anchors."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from grader import KIT_ROOT

MANIFEST_PATH = KIT_ROOT / "course.toml"
KNOWN_BACKENDS = ("mongodb", "kafka", "mysql")


class ManifestError(Exception):
    """The manifest is missing or malformed, or a task id does not exist."""


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    points: int
    anchor: str


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
        """Find a task by ``01``, ``1``, its slug (``user``) or its label (``01-user``)."""
        wanted = key.strip().lower()
        for task in self.tasks:
            if wanted in (task.id, task.slug, task.label) or (wanted.isdigit() and int(wanted) == int(task.id)):
                return task
        valid = ", ".join(f"{t.id} ({t.slug})" for t in self.tasks)
        raise ManifestError(f"There is no task {key!r}. Valid tasks: {valid}.")


def load(path: Path = MANIFEST_PATH) -> Course:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"The course manifest {path} is missing.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"The course manifest {path} is not valid TOML: {exc}") from None
    try:
        tasks = tuple(
            Task(
                id=t["id"],
                slug=t["slug"],
                title=t["title"],
                kind=t.get("kind", "code"),
                doc=t["doc"],
                files=tuple(t.get("files", [])),
                public_tests=t["public_tests"],
                hidden_tests=t.get("hidden_tests", ""),
                exercises=tuple(Exercise(e["id"], e["title"], int(e["points"]), e["anchor"]) for e in t["exercises"]),
                backends=tuple(t.get("backends", [])),
            )
            for t in data["tasks"]
        )
        course = data["course"]
        result = Course(course["title"], course["starter"], course["solutions"], tasks)
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"The course manifest {path} is malformed: missing or bad field {exc}.") from None
    _check_unique(result)
    for task in result.tasks:
        unknown = [b for b in task.backends if b not in KNOWN_BACKENDS]
        if unknown:
            raise ManifestError(f"Task {task.id} needs unknown backends {unknown}; known: {', '.join(KNOWN_BACKENDS)}.")
    return result


def _check_unique(course: Course) -> None:
    seen: set[str] = set()
    for task in course.tasks:
        for exercise in task.exercises:
            if exercise.id in seen:
                raise ManifestError(f"Exercise id {exercise.id} appears twice in the manifest.")
            if not exercise.id.startswith(task.id + "."):
                raise ManifestError(f"Exercise {exercise.id} does not belong to task {task.id}.")
            seen.add(exercise.id)
