"""The terminal views of a TaskResult, for people: ``compact`` (one line per exercise, the
default) and ``scorecard`` (the full table, ``--verbose``).

Every text of a result that learner code or a learner's folder can shape (messages, notices,
the impl's path) goes through ``inert`` (grader/render/common.py), and every text of a result
reaches rich as ``Text``, never as markup: a learner's message cannot move the cursor, rewrite
a line or style itself as a total. Only the kit's own numbers are printed as markup."""

import json
import re
from typing import Callable

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.render.common import inert, points
from grader.grading.results import PARTIAL, PASS, STATUS_ERROR, STATUS_NEEDS_SERVICES, TaskResult

STATUS_STYLE = {PASS: "green", PARTIAL: "yellow", STATUS_ERROR: "magenta", STATUS_NEEDS_SERVICES: "cyan"}
MESSAGE_CHARS = 400


def _trust_line(result: TaskResult) -> Text:
    return Text(result.trust[:1].upper() + result.trust[1:] + ".", style="dim")


def scorecard(result: TaskResult, console: Console) -> None:
    title = Text(f"Task {result.task} - {result.title}   ")
    title.append(inert(f"impl: {result.impl}   stack: {result.stack}"), style="dim")  # Text: a path may hold "[/]"
    for notice in result.notices:
        console.print(Panel(Text(inert(notice)), title="Before the scores", border_style="magenta"))
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("Exercise", ratio=2)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("What to look at", ratio=5, overflow="fold")
    for exercise in result.exercises:
        status = exercise.status
        label = Text(status, style=STATUS_STYLE.get(status, "red"))
        if exercise.decided_by_hidden:
            label.append(" (hidden)", style="dim")
        if exercise.tests:
            label.append(f"\n{exercise.passed}/{len(exercise.tests)} tests", style="dim")
        detail = Text()
        if status != PASS:
            message = inert(exercise.first_problem)
            if len(message) > MESSAGE_CHARS:
                message = message[:MESSAGE_CHARS] + "..."
            detail.append(message)
            detail.append(f"\nsee {exercise.doc}", style="dim")
        table.add_row(
            Text(f"{exercise.id} ", style="bold").append(exercise.title, style="default"),
            f"{points(exercise.score)} / {exercise.possible}",
            label,
            detail,
        )
    console.print(table)
    console.print(
        f"[bold]Total: {points(result.total)} / {result.possible}[/bold]   "
        f"({sum(e.status == PASS for e in result.exercises)} of {len(result.exercises)} exercises complete, "
        f"{result.duration:.1f} s)"
    )
    if result.trust:
        console.print(_trust_line(result))


# -- the compact scorecard (the default) ---------------------------------------------------

SYMBOL = {PASS: "✓", PARTIAL: "~", STATUS_NEEDS_SERVICES: "?"}
BODY_CHARS = 120  # a response body in a message, once reduced
_BODY = re.compile(r"(HTTP \d{3}) (\{.*)$", re.S)


def reduce_message(message: str) -> str:
    """The part of a message that explains: "what was done: expected X, got Y", with a
    response body cut to what matters. An error body is reduced to its code and message
    (the fields tests look at); another body to its first BODY_CHARS characters. What it
    returns is ``inert``: a body's JSON can spell an escape sequence as ``\\u001b``."""
    message = " ".join(inert(message).split())
    found = _BODY.search(message)
    if not found:
        return message
    raw = found.group(2)
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        shown = f"error {error.get('code')!r}: {str(error.get('message', ''))[:BODY_CHARS]}"
    else:
        shown = raw if len(raw) <= BODY_CHARS else raw[:BODY_CHARS] + "..."
    return inert(message[:found.start()] + f"{found.group(1)} {shown}")


def _beside(label: Text, text: Text) -> Table:
    """``text`` in a column of its own right of ``label``: each line of it, and each line it
    wraps onto, is indented, so none starts a line of the screen as the kit's lines do
    ("Total: ...")."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(label, text)
    return grid


def compact(result: TaskResult, console: Console, link: Callable[[str], str] = lambda doc: doc,
            stuck: frozenset[str] = frozenset()) -> None:
    """One line per exercise; the first exercise that is not complete gets its message in
    full, its doc section, and (when ``stuck``: it has not passed several gradings in a row)
    the hint command. ``link`` turns a doc anchor into what to show (the docs site's URL
    when it is served)."""
    header = Text(f"Task {result.task} - {result.title}", style="bold")
    header.append(inert(f"   impl: {result.impl}   stack: {result.stack}"), style="dim")
    console.print(header)
    for notice in result.notices:
        console.print(_beside(Text("!", style="magenta"), Text(inert(notice))))
    width = max((len(f"{e.id} {e.title}") for e in result.exercises), default=0)
    first = None
    for exercise in result.exercises:
        status = exercise.status
        style = STATUS_STYLE.get(status, "red")
        line = Text(f"{SYMBOL.get(status, '✗')} ", style=style)
        line.append(f"{exercise.id} ", style="bold").append(exercise.title.ljust(width - len(exercise.id) - 1))
        line.append(f" {points(exercise.score):>5} / {exercise.possible:<3}", style="default")
        line.append(f" {status:<8}", style=style)
        if exercise.decided_by_hidden:
            line.append(" (hidden)", style="dim")
        if status != PASS:
            first = first or exercise
            line.append("  " + reduce_message(exercise.first_problem), style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)
    if first is not None:
        console.print()
        label = Text(f"{first.id} {first.title}:", style="bold")
        console.print(_beside(label, Text(reduce_message(first.first_problem))))
        console.print(Text(f"  read {link(first.doc)}", style="cyan"))
        if first.id in stuck:
            console.print(Text(f"  stuck? `grade hint {first.id}` shows the next hint for this exercise",
                               style="yellow"))
    done = sum(e.status == PASS for e in result.exercises)
    console.print(Text(f"Total: {points(result.total)} / {result.possible}", style="bold").append(
        f"   ({done} of {len(result.exercises)} exercises complete, {result.duration:.1f} s; --verbose for every test)",
        style="default"))
    if result.trust:
        console.print(_trust_line(result))
