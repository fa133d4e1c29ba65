"""Gradescope's autograder results (``/autograder/results/results.json``), as documented in
"Autograder Specifications", https://gradescope-autograders.readthedocs.io/en/latest/specs/

Only documented fields are written. One entry in ``tests`` per test: ``number`` is the
exercise id, ``max_score`` the test's share of the exercise's points (points * weight /
the exercise's total weight), ``score`` that share when the test passed, else 0. Hidden
tests are shown after grades are published, public ones at once. An exercise that could
not be graded gets one failed entry worth its points, carrying the problem.

The top-level ``score`` is ``TaskResult.total``, not a sum of the entries: Gradescope takes
a top-level score over the tests' sum, and the kit's own total is the one that counts.
All texts are plain text (``"text"`` formats): learner output is never read as HTML, and every
text from a result is ``inert`` (grader/render/common.py): no escape sequence or control
character but newline and tab.
"""

import json
from pathlib import Path

from grader.grading.protocol import FAILED, PASS, PASSED
from grader.render.common import clean, cut, inert, points
from grader.grading.results import ExerciseResult, TaskResult

OUTPUT_CHARS = 10_000  # per test; the run's output is built from short texts only
SHARE_DIGITS = 4
VISIBLE, AFTER_PUBLISHED, HIDDEN = "visible", "after_published", "hidden"


def _text(text: str) -> str:
    return clean(inert(text))


def _ungraded(exercise: ExerciseResult, max_score: float) -> dict:
    return {
        "name": _text(f"{exercise.id} {exercise.title}: could not be graded"),
        "number": exercise.id,
        "score": 0.0,
        "max_score": max_score,
        "status": "failed",
        "output": _text(cut(exercise.problem or "no tests ran for this exercise", OUTPUT_CHARS)),
        "visibility": VISIBLE,
        "tags": [exercise.id, "error"],
    }


def _entries(exercise: ExerciseResult) -> list[dict]:
    total_weight = sum(t.weight for t in exercise.tests)
    entries = []
    for test in exercise.tests:
        share = round(exercise.possible * test.weight / total_weight, SHARE_DIGITS) if total_weight else 0.0
        message = test.message or test.outcome
        if test.outcome not in (PASSED, FAILED):
            message = f"{test.outcome}: {message}" if test.message else test.outcome
        entries.append({
            "name": _text(test.name),
            "number": exercise.id,
            "score": share if test.outcome == PASSED else 0.0,
            "max_score": share,
            "status": "passed" if test.outcome == PASSED else "failed",
            "output": _text(cut(message, OUTPUT_CHARS)) if test.outcome != PASSED or test.message else "",
            "visibility": AFTER_PUBLISHED if test.hidden else VISIBLE,
            "tags": [exercise.id, test.outcome] + (["hidden"] if test.hidden else []),
        })
    if exercise.problem or not total_weight:
        # No share carries the exercise's points (no tests): this entry does, so the
        # max_scores still add up to the task's points. With tests, it only reports.
        entries.append(_ungraded(exercise, 0.0 if total_weight else float(exercise.possible)))
    return entries


def _output(result: TaskResult) -> str:
    complete = sum(e.status == PASS for e in result.exercises)
    lines = [
        f"Task {result.task} - {result.title}: {points(result.total)} / {result.possible}",
        f"{complete} of {len(result.exercises)} exercises complete ({result.duration:.1f} s)",
        f"impl: {result.impl}   stack: {result.stack}",
    ]
    if result.trust:
        lines.append(result.trust[:1].upper() + result.trust[1:] + ".")
    if result.notices:
        lines += ["", "Before the scores:"] + [f"- {notice}" for notice in result.notices]
    return _text("\n".join(lines))


def gradescope_results(result: TaskResult) -> dict:
    """The results.json document for ``result``."""
    return {
        "score": result.total,
        "execution_time": round(max(result.duration, 0.0), 2),
        "output": _output(result),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": VISIBLE,
        # The autograder's stdout can show what hidden tests did: for staff only.
        "stdout_visibility": HIDDEN,
        "extra_data": {
            "task": result.task,
            "impl": _text(result.impl),
            "stack": result.stack,
            "trust": _text(result.trust),
            "possible": result.possible,
            **{k: v for k, v in result.provenance.items() if isinstance(v, (str, int, float))},
        },
        "tests": [entry for exercise in result.exercises for entry in _entries(exercise)],
    }


def write_gradescope(result: TaskResult, path: Path) -> None:
    Path(path).write_text(json.dumps(gradescope_results(result), indent=2) + "\n", encoding="utf-8")
