"""The last result per task, kept in ``.grade-state.json`` (git-ignored) so progress can be
shown later (``grade progress``)."""

import json
from pathlib import Path

from grader import KIT_ROOT
from grader.results import TaskResult

STATE_PATH = KIT_ROOT / ".grade-state.json"


def load(path: Path = STATE_PATH) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def worth_keeping(result: TaskResult, impl) -> bool:
    """A learner's progress is their own work, graded: not the reference solutions, and not
    a run that could not grade anything (a stack that was down)."""
    return impl.kind != "solutions" and result.graded


def save(result: TaskResult, path: Path = STATE_PATH) -> None:
    data = load(path)
    data[result.task] = {
        "impl": result.impl,
        "stack": result.stack,
        "total": result.total,
        "possible": result.possible,
        "exercises": {e.id: e.status for e in result.exercises},
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
