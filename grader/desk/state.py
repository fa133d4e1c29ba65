"""A learner's progress, kept between gradings:

    .grade-state.json      per task: the last result (total, stack, and per exercise its
                           status and points), how many gradings in a row each exercise
                           has not passed, and how many of its hints ``grade hint`` showed
    .grade/progress.json   the same, for the docs site's progress page and badges
                           (every task of the course, graded or not; see docs/)

Both are git-ignored, and written whole through a temporary file, so a reader never sees
half of one. Only gradings of the learner's own working folder are kept (``not_recorded``).
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from grader import KIT_ROOT
from grader.grading.results import PASS, TaskResult
from grader.render import commands

# GRADE_STATE moves it (the kit's own tests keep theirs in a temporary folder).
STATE_PATH = Path(os.environ.get("GRADE_STATE") or KIT_ROOT / ".grade-state.json")
PROGRESS_SCHEMA = 1
NOT_GRADED = "not graded"
# Names the learner's working folder when it is not the kit's starter/ (see working_folder).
WORK_ENV = "GRADE_WORK"
STUCK_AFTER = 3  # gradings in a row that do not pass an exercise before the scorecard offers a hint


def load(path: Path | None = None) -> dict:
    path = STATE_PATH if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, OSError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _folder(path: Path) -> Path:
    """A folder as grading takes it: a whole checkout of the kit stands for its starter/."""
    path = path.expanduser().absolute()
    if not (path / "backend").is_dir() and (path / "starter" / "backend").is_dir():
        path = path / "starter"
    return path.resolve()


def working_folder(kit_root: Path = KIT_ROOT) -> Path:
    """The learner's own work: the kit's starter/, or the folder GRADE_WORK names (for a
    learner who keeps their work outside the kit and grades it with --impl PATH)."""
    named = os.environ.get(WORK_ENV, "").strip()
    return _folder(Path(named)) if named else (kit_root / "starter").resolve()


def not_recorded(result: TaskResult, impl, exercises=(), kit_root: Path = KIT_ROOT) -> str:
    """Why this grading is not kept as the learner's progress, in one line for the
    scorecard; "" when it is kept. Progress is the learner's own work, graded whole: not
    the reference solutions, a kit fixture or any other folder (they would replace, and
    most often lower, the learner's result), nor one exercise alone, nor a run that could
    not grade anything (a stack that was down)."""
    named = os.environ.get(WORK_ENV, "").strip()
    again = commands.grade(result.task, named or commands.DEFAULT_IMPL)
    if not result.graded:
        return "Not recorded as your progress: nothing was graded."
    if impl.kind == "solutions":
        return f"Not recorded as your progress: these are the reference solutions; `{again}` grades your work."
    own = working_folder(kit_root)
    source = (kit_root / "starter").resolve() if impl.source is None else _folder(Path(impl.source))
    if source != own:
        if named:
            return (f"Not recorded as your progress: {impl.label} is not your working folder, {own} "
                    f"({WORK_ENV}); `{again}` grades your work.")
        return (f"Not recorded as your progress: {impl.label} is not your working folder, starter/; "
                f"`{again}` grades your work (set {WORK_ENV}=PATH if it lives elsewhere).")
    if exercises:
        return (f"Not recorded as your progress: only {', '.join(exercises)} was graded; `{again}` grades "
                "and records the whole task.")
    return ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save(result: TaskResult, path: Path | None = None, started: set[str] | None = None) -> dict:
    """Record ``result`` as its task's latest; return the task's entry. ``started``: the
    exercises the learner has begun (None: all); a grading of one not begun does not count
    towards offering its hint."""
    path = STATE_PATH if path is None else path
    data = load(path)
    before = data.get(result.task) if isinstance(data.get(result.task), dict) else {}
    streaks = before.get("not_passed_in_a_row") or {}
    entry = {
        "impl": result.impl,
        "stack": result.stack,
        "total": result.total,
        "possible": result.possible,
        "graded_at": _now(),
        "exercises": {e.id: e.status for e in result.exercises},
        "points": {e.id: e.score for e in result.exercises},
        "not_passed_in_a_row": {e.id: 0 if e.status == PASS or (started is not None and e.id not in started)
                                else int(streaks.get(e.id, 0)) + 1 for e in result.exercises},
        "hints_shown": before.get("hints_shown") or {},
    }
    data[result.task] = entry
    _write(path, data)
    return entry


def next_hint(task_id: str, exercise_id: str, count: int, path: Path | None = None) -> int:
    """Record that one more hint of the exercise was shown; return its index (0-based),
    staying on the last one once all ``count`` hints were shown."""
    path = STATE_PATH if path is None else path
    data = load(path)
    entry = data.setdefault(task_id, {})
    shown = entry.setdefault("hints_shown", {})
    index = min(int(shown.get(exercise_id, 0)), max(count - 1, 0))
    shown[exercise_id] = index + 1
    _write(path, data)
    return index


def progress(course, saved: dict) -> dict:
    """The docs site's progress file: every task of the course, its last grading if any."""
    tasks = {}
    for task in course.tasks:
        entry = saved.get(task.id) if isinstance(saved.get(task.id), dict) else {}
        graded = "total" in entry
        statuses, points = entry.get("exercises") or {}, entry.get("points") or {}
        tasks[task.id] = {
            "title": task.title, "doc": task.doc, "graded": graded,
            "total": entry.get("total", 0), "possible": task.possible, "stack": entry.get("stack", ""),
            "graded_at": entry.get("graded_at", ""),
            "exercises": {e.id: {"title": e.title, "anchor": e.anchor,
                                 "status": statuses.get(e.id, NOT_GRADED) if graded else NOT_GRADED,
                                 "score": points.get(e.id, 0) if graded else 0, "possible": e.points}
                          for e in task.exercises},
        }
    return {"schema": PROGRESS_SCHEMA, "updated": _now(), "tasks": tasks}


def progress_path(state_path: Path | None = None) -> Path:
    """Where the progress file of a state file lives: ``.grade/progress.json`` beside it."""
    return (STATE_PATH if state_path is None else state_path).parent / ".grade" / "progress.json"


def write_progress(course, state_path: Path | None = None) -> Path:
    path = progress_path(state_path)
    _write(path, progress(course, load(state_path)))
    return path
