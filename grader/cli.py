"""The ``grade`` command. Thin: every command parses options and calls a plain module.

    grade 01 [--impl starter|solutions|PATH] [--stack embedded|local|services] [--json PATH]
    grade doctor          the Task 00 environment check
    grade selftest        solutions earn full marks, the starter earns zero, everything agrees
    grade list            the tasks and exercises
    grade progress        the last result of each task
"""

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from grader import install, manifest, render, runner, state, tree
from grader.manifest import ManifestError
from grader.tree import TreeError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Grade course tasks and check the kit.")
console = Console()
err = Console(stderr=True)
COMMANDS = {"task", "doctor", "selftest", "list", "progress"}
STACKS = ("embedded", "local", "services")


def _fail(message: str) -> None:
    err.print(f"[red]grade:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _check_install(task: manifest.Task) -> None:
    """Refuse to grade on a broken install: a scorecard full of import errors would mislead."""
    lost = install.missing(install.GRADER_MODULES + (install.APP_MODULES if task.kind == "code" else ()))
    if lost:
        _fail(f"broken install: {', '.join(lost)} cannot be imported. Run `make setup` (or `pip install -e .`).")


def _check_writable(path: Path) -> None:
    """Refuse an output path we could not write, before spending time on grading."""
    target = path.expanduser()
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        _fail(f"--json {path}: that is a folder; give a file name.")
    if not parent.is_dir():
        _fail(f"--json {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        _fail(f"--json {path}: cannot write there (permission denied).")


def _load_course() -> manifest.Course:
    try:
        return manifest.load()
    except ManifestError as exc:
        _fail(str(exc))


def grade_task(
    task_key: str, impl: str, stack: str, json_path: Optional[Path], test_timeout: float, total_timeout: float,
    jobs: int = runner.RunOptions.jobs,
) -> None:
    if stack not in STACKS:
        _fail(f"--stack must be one of {', '.join(STACKS)}, not {stack!r}.")
    course = _load_course()
    if json_path is not None:
        _check_writable(json_path)
    try:
        task = course.find(task_key)
        _check_install(task)
        chosen = tree.resolve_impl(impl, course)
        options = runner.RunOptions(stack=stack, test_timeout=test_timeout, total_timeout=total_timeout,
                                    jobs=max(1, jobs))
        with Progress(
            TextColumn(f"Grading task {task.id}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as bar:
            job = bar.add_task("tests", total=None)
            result = runner.grade(
                task, chosen, course, options,
                progress=lambda done, total, _name: bar.update(job, completed=done, total=total),
            )
    except (ManifestError, TreeError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        err.print("grade: interrupted; every test process was stopped and nothing was saved.")
        raise typer.Exit(130)
    render.scorecard(result, console)
    if state.worth_keeping(result, chosen):
        state.save(result)
    if json_path is not None:
        try:
            render.write_json(result, json_path)
        except OSError as exc:
            _fail(f"--json {json_path}: could not write the results ({exc.strerror or exc}).")
        console.print(f"Results written to {json_path}", highlight=False, markup=False)


@app.command("task")
def task_command(
    task: str = typer.Argument(..., help="Task id (01 or 1) or slug (user)."),
    impl: str = typer.Option("starter", "--impl", help="starter, solutions, or a directory laid out like starter/."),
    stack: str = typer.Option("embedded", "--stack", help="embedded (in-process self-check, default), local (real "
                              "servers started here, your app in its own process) or services (servers at MONGODB_URL...)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the results as JSON to this file."),
    test_timeout: float = typer.Option(10.0, "--test-timeout", help="Seconds one test may run."),
    total_timeout: float = typer.Option(300.0, "--total-timeout", help="Seconds the whole run may take."),
    jobs: int = typer.Option(runner.RunOptions.jobs, "--jobs", help="Test processes to run side by side."),
) -> None:
    """Grade one task and print its scorecard."""
    grade_task(task, impl, stack, json_path, test_timeout, total_timeout, jobs)


@app.command("doctor")
def doctor_command(
    stack: str = typer.Option("embedded", "--stack", help="embedded, local or services."),
    json_path: Optional[Path] = typer.Option(None, "--json"),
) -> None:
    """Check this machine (Task 00): Python, dependencies, the app, the database."""
    grade_task("00", "starter", stack, json_path, 10.0, 120.0)


@app.command("selftest")
def selftest_command() -> None:
    """Test the tests: solutions earn full marks, the starter earns zero, and the manifest,
    docs and test markers agree. Exits 1 when anything is wrong."""
    from grader import selftest

    ok = selftest.run(_load_course(), console)
    raise typer.Exit(0 if ok else 1)


@app.command("list")
def list_command() -> None:
    """List the tasks and their exercises."""
    course = _load_course()
    table = Table(title=course.title)
    for column in ("Task", "Exercise", "Title", "Points", "Doc"):
        table.add_column(column)
    for task in course.tasks:
        table.add_row(f"{task.id} ({task.slug})", "", f"[bold]{task.title}[/bold]", str(task.possible), task.doc)
        for exercise in task.exercises:
            table.add_row("", exercise.id, exercise.title, str(exercise.points), task.doc_link(exercise))
    console.print(table)


@app.command("progress")
def progress_command() -> None:
    """Show the last grading result of each task."""
    course = _load_course()
    saved = state.load()
    table = Table(title="Your progress (last grading run per task)")
    for column in ("Task", "Title", "Score", "Impl", "Stack"):
        table.add_column(column)
    for task in course.tasks:
        entry = saved.get(task.id)
        score = f"{entry['total']:g} / {entry['possible']}" if entry else "not graded yet"
        table.add_row(task.id, task.title, score, entry["impl"] if entry else "", entry["stack"] if entry else "")
    console.print(table)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and not args[0].startswith("-"):
        args.insert(0, "task")  # "grade 01 ..." means "grade task 01 ..."
    app(args=args, prog_name="grade")


if __name__ == "__main__":
    main()
