"""The rich scorecard: the terminal view of a TaskResult, for people."""

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.results import PARTIAL, PASS, STATUS_ERROR, STATUS_NEEDS_SERVICES, TaskResult

STATUS_STYLE = {PASS: "green", PARTIAL: "yellow", STATUS_ERROR: "magenta", STATUS_NEEDS_SERVICES: "cyan"}
MESSAGE_CHARS = 400


def _points(value: float) -> str:
    return f"{value:g}"


def scorecard(result: TaskResult, console: Console) -> None:
    title = Text(f"Task {result.task} - {result.title}   ")
    title.append(f"impl: {result.impl}   stack: {result.stack}", style="dim")  # Text: a path may hold "[/]"
    for notice in result.notices:
        console.print(Panel(Text(notice), title="Before the scores", border_style="magenta"))
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
            message = exercise.first_problem
            if len(message) > MESSAGE_CHARS:
                message = message[:MESSAGE_CHARS] + "..."
            detail.append(message)
            detail.append(f"\nsee {exercise.doc}", style="dim")
        table.add_row(
            Text(f"{exercise.id} ", style="bold").append(exercise.title, style="default"),
            f"{_points(exercise.score)} / {exercise.possible}",
            label,
            detail,
        )
    console.print(table)
    console.print(
        f"[bold]Total: {_points(result.total)} / {result.possible}[/bold]   "
        f"({sum(e.status == PASS for e in result.exercises)} of {len(result.exercises)} exercises complete, "
        f"{result.duration:.1f} s)"
    )
    if result.trust:
        console.print(Text(result.trust[:1].upper() + result.trust[1:] + ".", style="dim"))
