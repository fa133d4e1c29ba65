"""Renderers of a TaskResult (grader/grading/results.py). Each reads the one results model and
decides nothing: scores, statuses and totals are the model's.

    terminal    compact(result, console, ...)       one line per exercise, then each unfinished
                                                    exercise's first problem in full (the default)
                scorecard(result, console, ...)     ... and a table of every test (--verbose)
    commands    grade(task, ...) -> str, hint(..)   the make commands the kit prints for a learner
    jsonfile    write_json(result, path)            the kit's own JSON results (grade --json)
    junit       write_junit(result, path)           JUnit XML, for CI test reports
    gradescope  write_gradescope(result, path)      Gradescope's autograder results.json
    markdown    markdown_summary(result) -> str     a Markdown scorecard
                append_step_summary(result, env)    ... appended to $GITHUB_STEP_SUMMARY
    common      inert(text) -> str                  learner text without escape sequences and
                                                    control characters (every renderer above
                                                    but jsonfile applies it; so does the CLI
                                                    to the learner text it prints itself)

Callers import the package (``from grader import render; render.scorecard(...)``), not
the modules.
"""

from grader.render import commands
from grader.render.common import inert
from grader.render.gradescope import gradescope_results, write_gradescope
from grader.render.jsonfile import write_json
from grader.render.junit import junit_element, write_junit
from grader.render.markdown import append_step_summary, markdown_summary
from grader.render.terminal import (
    MESSAGE_CHARS, STATUS_STYLE, compact, reduce_message, scorecard, started, stub_exercise,
)

__all__ = [
    "MESSAGE_CHARS", "STATUS_STYLE", "append_step_summary", "commands", "gradescope_results", "inert",
    "junit_element", "markdown_summary", "scorecard", "compact", "reduce_message", "started", "stub_exercise",
    "write_gradescope", "write_json", "write_junit",
]
