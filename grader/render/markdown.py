"""A Markdown scorecard, for CI pages that render Markdown: GitHub Actions' job summary
(the file named by GITHUB_STEP_SUMMARY), merge-request comments.

Learner output reaches the table (the first problem of an exercise), so every text from a
result is made ``inert`` (no escape sequence, no control character but newline and tab: a
job log or a terminal may show the file as it is) and escaped: HTML's ``& < >`` become
entities, backticks too, Markdown's punctuation is backslash-escaped, ``|`` cannot end a
cell and a newline cannot end a row.
The only HTML in the output is the kit's own ``<br>``.
"""

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from grader.render.common import clean, cut, inert, points
from grader.grading.results import PASS, TaskResult

MESSAGE_CHARS = 200
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;"}
# Inline punctuation Markdown (CommonMark, GFM, GitHub's math) gives meaning to: emphasis,
# links and images (nothing without "["), strikethrough, math, tables. A backslash makes
# each literal; GFM tables take "\|" as a pipe inside a cell. Block syntax ("#", "-", "1.",
# ">") needs nothing: every text from a result lands after fixed text on its line, and a
# newline in it becomes "<br>".
_PUNCTUATION = re.compile(r"([\\*_\[\]~|$])")


def escape(text: str) -> str:
    """``text`` as inline Markdown that shows it literally, on one line."""
    text = clean(inert(text))
    text = _PUNCTUATION.sub(r"\\\1", text)
    text = "".join(_ENTITIES.get(char, char) for char in text)
    return "<br>".join(line.strip() for line in text.split("\n"))


def _doc(doc: str, doc_base: str) -> str:
    label = escape(doc)
    if not doc_base:
        return f"see {label}"
    return f"see [{label}]({doc_base.rstrip('/')}/{quote(doc, safe='/#-._~')})"


def _status(exercise) -> str:
    status = escape(exercise.status)
    if exercise.decided_by_hidden:
        status += " (hidden)"
    if exercise.tests:
        status += f"<br>{exercise.passed}/{len(exercise.tests)} tests"
    return status


def markdown_summary(result: TaskResult, doc_base: str = "") -> str:
    """The scorecard as Markdown. ``doc_base``: a URL the exercises' doc paths are
    relative to (empty: show the paths as text)."""
    heading = f"## Task {escape(result.task)} - {escape(result.title)}: {points(result.total)} / {result.possible}"
    lines = [heading, ""]
    if result.trust:
        lines += [f"_{escape(result.trust[:1].upper() + result.trust[1:])}._", ""]
    for notice in result.notices:
        lines += [f"> **Before the scores:** {escape(notice)}", ""]
    lines += ["| Exercise | Points | Status | What to look at |", "| --- | ---: | --- | --- |"]
    for exercise in result.exercises:
        detail = ""
        if exercise.status != PASS:
            detail = f"{escape(cut(exercise.first_problem, MESSAGE_CHARS))}<br>{_doc(exercise.doc, doc_base)}"
        lines.append(
            f"| **{escape(exercise.id)}** {escape(exercise.title)} "
            f"| {points(exercise.score)} / {exercise.possible} | {_status(exercise)} | {detail} |"
        )
    complete = sum(e.status == PASS for e in result.exercises)
    total = (f"**Total: {points(result.total)} / {result.possible}** "
             f"({complete} of {len(result.exercises)} exercises complete, {result.duration:.1f} s)")
    lines += ["", total, ""]
    return "\n".join(lines)


def _doc_base(env: Mapping[str, str]) -> str:
    """Where the exercise docs of this commit are on GitHub, when the run is an Actions job."""
    server, repository, sha = (env.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server.startswith("https://") and repository and sha):
        return ""
    return f"{server.rstrip('/')}/{quote(repository, safe='/')}/blob/{quote(sha, safe='')}"


def append_step_summary(result: TaskResult, env: Mapping[str, str] = os.environ) -> bool:
    """Append the Markdown scorecard to $GITHUB_STEP_SUMMARY (GitHub Actions' job summary).

    Returns False, doing nothing, when the variable is unset or empty. A path that cannot
    be written raises OSError, for the caller to report."""
    target = env.get("GITHUB_STEP_SUMMARY", "")
    if not target:
        return False
    text = markdown_summary(result, doc_base=_doc_base(env))
    with Path(target).open("a", encoding="utf-8") as summary:
        if summary.tell():
            summary.write("\n")
        summary.write(text)
    return True
