"""The kit's own JSON results (``grade --json``): TaskResult.to_dict, written as is.

Named jsonfile, not json, so nothing in this package can shadow the standard library's json."""

import json
from pathlib import Path

from grader.grading.results import TaskResult


def write_json(result: TaskResult, path: Path) -> None:
    path.write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
