"""The ``grade`` command. Thin: every command parses options and calls a plain module.
What it prints for a learner names the make form of a command (``make grade TASK=01``,
grader/render/commands.py): ``grade`` itself is in .venv/bin, not on a new shell's PATH.

    grade 01 [--impl starter|solutions|PATH]   (grade 01.4: only exercise 01.4) [--stack embedded|local|services] [--json PATH]
    grade doctor          the Task 00 environment check
    grade selftest        solutions earn full marks, the starter earns zero, everything agrees
    grade list            the tasks and exercises
    grade progress        the last result of each task
    grade hint 01.4       the next hint of an exercise (one more each time)
    grade watch 01        grade again on every save of the task's files
    grade serve [--impl PATH] [--port 8000]   the platform with your files (the compose app service)
    grade batch --task 01 FORK... [--out DIR] [--jobs N]   grade many forks (trusted), write a gradebook
    grade release OUT [--commit REV]   a learner copy of the kit, from a commit: no hidden tests, no solutions
    grade new-task 02 supplier "Supplier accounts" [--exercises N]
                          for course authors: lay out a new task by the conventions
"""

import dataclasses
import os
import re
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from grader import render, stacks
from grader.render import commands
from grader.desk import state
from grader.grading import install, isolation, manifest, provenance, runner, tree
from grader.grading.manifest import ManifestError
from grader.grading.protocol import EXIT_NOT_GRADED
from grader.grading.tree import TreeError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Grade course tasks and check the kit.")
console = Console()
err = Console(stderr=True)
COMMANDS = {"task", "doctor", "selftest", "list", "progress", "mutants", "new-task", "serve", "analytics", "batch", "release",
            "hint", "watch"}
STACKS = ("embedded", "local", "services")


def _fail(message: str) -> None:
    # a path may hold "[x]", a learner's file name an escape sequence
    err.print(f"[red]grade:[/red] {escape(render.inert(message))}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _check_install(task: manifest.Task) -> None:
    """Refuse to grade on a broken install: a scorecard full of import errors would mislead."""
    lost = install.missing(install.GRADER_MODULES + (install.APP_MODULES if task.kind == "code" else ()))
    if lost:
        _fail(f"broken install: {', '.join(lost)} cannot be imported. Run `make setup` (or `pip install -e .`).")


def _check_writable(path: Path, option: str = "--json") -> None:
    """Refuse an output path we could not write, before spending time on grading."""
    target = path.expanduser()
    parent = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        _fail(f"{option} {path}: that is a folder; give a file name.")
    if not parent.is_dir():
        _fail(f"{option} {path}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        _fail(f"{option} {path}: cannot write there (permission denied).")


# The files a grading can write besides the scorecard: option -> (renderer, what it is).
OUTPUTS = {
    "--json": (render.write_json, "Results"),
    "--junit": (render.write_junit, "JUnit XML"),
    "--gradescope": (render.write_gradescope, "Gradescope results"),
}


def _load_course() -> manifest.Course:
    try:
        return manifest.load()
    except ManifestError as exc:
        _fail(str(exc))


# An exercise id as a learner may type it: 01.4, 1.4, m1.2 (the task part as course.find takes it).
EXERCISE_KEY = re.compile(r"\s*([A-Za-z]*\d+)\.(\d+)\s*")


def _task_or_exercise(course: manifest.Course, key: str) -> tuple[manifest.Task, tuple[str, ...]]:
    """``01`` (or ``1``, ``user``) is the task; ``01.4`` (or ``1.4``) only that exercise of it."""
    found = EXERCISE_KEY.fullmatch(key)
    if not found:
        return course.find(key), ()
    task = course.find(found.group(1))
    for exercise in task.exercises:
        if int(exercise.id.rpartition(".")[2]) == int(found.group(2)):
            return task, (exercise.id,)
    listed = ", ".join(f"{e.id} {e.title}" for e in task.exercises)
    raise ManifestError(f"There is no exercise {key.strip()} in Task {task.id} ({task.title}); "
                        f"its exercises are {listed}.")


def _check_stack(stack: str, allowed: tuple[str, ...] = STACKS, command: str = "grade") -> None:
    """A stack by the make variable that sets it (the CLI's --stack)."""
    if stack not in allowed:
        named = [f"STACK={s}" for s in allowed]
        given = ", ".join(named[:-1]) + " or " + named[-1]
        what = "there is no such stack" if stack not in STACKS else f"make {command} does not run on it"
        _fail(f"STACK={stack}: {what}; give {given} (embedded is the default).")


def _check_impl(impl: str) -> None:
    if not impl.strip():
        _fail("IMPL is empty: give IMPL=starter (your files in starter/, the default), IMPL=solutions or "
              "IMPL=<a folder laid out like starter/>.")


def grade_task(
    task_key: str, impl: str, stack: str, json_path: Optional[Path], test_timeout: float, total_timeout: float,
    jobs: int = runner.RunOptions.jobs, junit_path: Optional[Path] = None, gradescope_path: Optional[Path] = None,
    verbose: bool = False, doctor: bool = False,
) -> None:
    if not task_key.strip():
        _fail(f"give a task: {commands.grade('01')}")
    _check_stack(stack)
    _check_impl(impl)
    course = _load_course()
    outputs = {o: p for o, p in (("--json", json_path), ("--junit", junit_path), ("--gradescope", gradescope_path))
               if p is not None}
    for option, path in outputs.items():
        _check_writable(path, option)
    try:
        task, exercises = _task_or_exercise(course, task_key)
        if doctor and stack == stacks.SERVICES:
            # The doctor's database check pings MONGODB_URL itself and says how to fix what it
            # finds; checking the backends first would leave even Python and the dependencies
            # "not graded" when MongoDB is down.
            task = dataclasses.replace(task, backends=())
        _check_install(task)
        chosen = tree.resolve_impl(impl, course)
        options = runner.RunOptions(stack=stack, test_timeout=test_timeout, total_timeout=total_timeout,
                                    jobs=max(1, jobs), exercises=exercises)
        if stack == stacks.LOCAL and task.files:
            isolation.enter()  # before the progress bar's thread: namespaces belong to threads
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
    again = (commands.doctor(stack, verbose=True) if doctor
             else commands.grade(exercises[0] if exercises else task.id, chosen.label, stack, verbose=True))
    show(result, course, unrecorded=state.not_recorded(result, chosen, exercises), verbose=verbose,
         verbose_command=again)
    _write_outputs(result, outputs)
    if not result.graded:  # nothing was judged: a stack that was not ready is never a score
        raise typer.Exit(EXIT_NOT_GRADED)


def show(result, course: manifest.Course, unrecorded: str, verbose: bool = False, verbose_command: str = "") -> None:
    """Keep the result as the learner's progress unless ``unrecorded`` says why not (see
    state.not_recorded), then print the scorecard: compact, or every test (``verbose``), and
    that line. ``verbose_command`` is the command the compact scorecard names for every test."""
    from grader.desk import docsite, hints

    owners = hints.stub_owners(course)  # a method -> its exercise: for "read" and "stuck?"
    stuck: set[str] = set()
    if not unrecorded:
        begun = {e.id for e in result.exercises if render.started(e, owners)}
        entry = state.save(result, started=begun)
        # The hint is offered for an exercise the learner has started (not every failure is a
        # method still raising NotImplementedError) and has not passed several gradings in a
        # row, where a ladder exists.
        streaks = entry["not_passed_in_a_row"]
        stuck = {e for e in begun if streaks.get(e, 0) >= state.STUCK_AFTER and hints.for_exercise(course, e)}
        try:
            state.write_progress(course)
        except OSError as exc:  # the docs site's progress is a convenience: say so, go on
            err.print(f"grade: could not update the progress file ({exc.strerror or exc}).", highlight=False,
                      markup=False)
    base = docsite.served_url()
    link = lambda doc: docsite.link(doc, base)  # noqa: E731
    docs = {e.id: task.doc_link(e) for task in course.tasks for e in task.exercises}
    if verbose:
        render.scorecard(result, console, link=link, docs=docs, owners=owners)
    else:
        render.compact(result, console, link=link, stuck=frozenset(stuck), verbose_command=verbose_command,
                       docs=docs, owners=owners)
    if unrecorded:
        console.print(Text(render.inert(unrecorded), style="dim"), soft_wrap=True)  # a command to copy whole


def _write_outputs(result, outputs: dict[str, Path]) -> None:
    """The files asked for, then the job summary when running in GitHub Actions. One that
    cannot be written is reported (exit 2) after the others are written: nothing is lost."""
    problems = []
    for option, path in outputs.items():
        write, what = OUTPUTS[option]
        try:
            write(result, path.expanduser())
        except OSError as exc:
            problems.append(f"{option} {path}: could not write the file ({exc.strerror or exc}).")
            continue
        console.print(f"{what} written to {path}", highlight=False, markup=False)
    try:
        render.append_step_summary(result)
    except OSError as exc:
        problems.append(f"GITHUB_STEP_SUMMARY: could not append the scorecard ({exc.strerror or exc}).")
    if problems:
        _fail(" ".join(problems))


@app.command("task")
def task_command(
    task: str = typer.Argument(..., help="Task id (01 or 1) or slug (user); an exercise id (01.4 or 1.4) grades "
                               "only it."),
    impl: str = typer.Option("starter", "--impl", help="starter, solutions, or a directory laid out like starter/."),
    stack: str = typer.Option("embedded", "--stack", help="embedded (in-process self-check, default), local (real "
                              "servers started here, your app in its own process) or services (servers at MONGODB_URL...)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the results as JSON to this file."),
    test_timeout: float = typer.Option(10.0, "--test-timeout", help="Seconds one test may run."),
    total_timeout: float = typer.Option(300.0, "--total-timeout", help="Seconds the whole run may take."),
    jobs: int = typer.Option(runner.RunOptions.jobs, "--jobs", help="Test processes to run side by side."),
    junit_path: Optional[Path] = typer.Option(None, "--junit", help="Also write JUnit XML (one testcase per test, "
                                              "the exercise as its classname) to this file."),
    gradescope_path: Optional[Path] = typer.Option(None, "--gradescope", help="Also write Gradescope's results.json "
                                                   "(hidden tests visible after publishing) to this file."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Every test of every exercise: its name, outcome "
                                 "and message in full (make: VERBOSE=1)."),
) -> None:
    """Grade one task and print its scorecard. With GITHUB_STEP_SUMMARY set (GitHub Actions),
    a Markdown scorecard is also appended to that file."""
    grade_task(task, impl, stack, json_path, test_timeout, total_timeout, jobs, junit_path, gradescope_path, verbose)


@app.command("doctor")
def doctor_command(
    stack: str = typer.Option("embedded", "--stack", help="embedded, local or services."),
    json_path: Optional[Path] = typer.Option(None, "--json"),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Every check with its message in full."),
) -> None:
    """Check this machine (Task 00): Python, dependencies, the app, the database."""
    grade_task("00", "starter", stack, json_path, 10.0, 120.0, verbose=verbose, doctor=True)


@app.command("selftest")
def selftest_command(tasks: list[str] = typer.Argument(None, help="Only these tasks (e.g. 03); every task by default.")) -> None:
    """Test the tests: solutions earn full marks, the starter earns zero, and the manifest,
    docs and test markers agree. Exits 1 when anything is wrong."""
    from grader.checks import selftest

    if provenance.is_release():
        _fail("this is the learner release of the kit: it has no solutions or hidden tests to check.")
    course = _load_course()
    try:
        chosen = [course.find(task).id for task in tasks or []]
    except ManifestError as exc:
        _fail(str(exc))
    ok = selftest.run(course, console, chosen or None)
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
        if not isinstance(entry, dict) or "total" not in entry:  # nothing, or only the hints shown
            entry = None
        score = f"{entry['total']:g} / {entry['possible']}" if entry else "not graded yet"
        table.add_row(task.id, task.title, score, Text(render.inert(str(entry["impl"])) if entry else ""),
                      Text(render.inert(str(entry["stack"])) if entry else ""))
    console.print(table)


@app.command("mutants")
def mutants_command(
    task: str = typer.Argument(..., help="Task id (01 or 1) or slug (user)."),
    jobs: int = typer.Option(runner.RunOptions.jobs, "--jobs", help="Mutants graded side by side."),
    function: Optional[str] = typer.Option(None, "--function", help="Only mutants in functions whose qualified "
                                           "name contains this (e.g. validate_password or AuthService.login)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Grade at most this many mutants."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the report as JSON to this file."),
    stack: str = typer.Option("embedded", "--stack", help="embedded (fastest) or local (real servers: also kills "
                              "mutants only a real database tells apart, such as a bad sort direction)."),
) -> None:
    """For course authors: how many mutants of the solution do the tests kill?

    Grades first-order mutants of the task's reference solution (grader/checks/mutants.py); exits 0
    whenever grading worked (it is a report), 1 when the solution itself is not full marks."""
    from grader.checks import mutants

    if stack not in STACKS[:2]:
        _fail(f"--stack must be embedded or local, not {stack!r}.")
    if provenance.is_release():
        _fail("this is the learner release of the kit: it has no solutions to make mutants of.")
    course = _load_course()
    if json_path is not None:
        _check_writable(json_path)
    try:
        chosen = course.find(task)
        _check_install(chosen)
        with Progress(
            TextColumn(f"Mutants of task {chosen.id}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as bar:
            job = bar.add_task("mutants", total=None)
            options = dataclasses.replace(mutants.OPTIONS, stack=stack)
            report = mutants.run(chosen, course, jobs=max(1, jobs), function=function, limit=limit, options=options,
                                 progress=lambda done, total, _id: bar.update(job, completed=done, total=total))
    except (ManifestError, mutants.UsageError) as exc:
        _fail(str(exc))
    except mutants.BaselineError as exc:
        err.print(f"[red]grade mutants:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        err.print("grade mutants: interrupted; nothing was written.")
        raise typer.Exit(130)
    mutants.render(report, console)
    if json_path is not None:
        try:
            mutants.write_json(report, json_path)
        except OSError as exc:
            _fail(f"--json {json_path}: could not write the report ({exc.strerror or exc}).")
        console.print(f"Report written to {json_path}", highlight=False, markup=False)


@app.command("hint")
def hint_command(
    exercise: str = typer.Argument(..., help="The exercise: 01.4 (or 1.4)."),
    show_all: bool = typer.Option(False, "--all", help="Every hint of the exercise at once."),
) -> None:
    """Show the next hint for an exercise, one more each time (the doc's hint ladder)."""
    from rich.markdown import Markdown

    from grader.desk import docsite, hints

    if not exercise.strip():
        _fail(f"give an exercise: {commands.hint('01.1')}")
    course = _load_course()
    try:
        task, chosen = _task_or_exercise(course, exercise)
    except ManifestError as exc:
        _fail(str(exc))
    if not chosen:
        _fail(f"{exercise} is a task; name one of its exercises: `{commands.hint(task.exercises[0].id)}` "
              f"({', '.join(e.id for e in task.exercises)}).")
    found = task.exercise(chosen[0])
    ladder = hints.for_exercise(course, found.id)
    where = docsite.link(task.doc_link(found), docsite.served_url())
    if not ladder:
        console.print(f"{found.id} {found.title} has no hints; read {where}", highlight=False, markup=False)
        return
    shown = range(len(ladder)) if show_all else [state.next_hint(task.id, found.id, len(ladder))]
    for index in shown:
        console.print(Text(f"Hint {index + 1} of {len(ladder)} for {found.id} {found.title}", style="bold"))
        console.print(Markdown(ladder[index]))
    if not show_all and shown[0] == len(ladder) - 1:
        console.print("That is the last hint. The section's rules and examples say the rest.", highlight=False,
                      markup=False)
    console.print(Text(f"read {where}", style="cyan"))


@app.command("watch")
def watch_command(
    task: str = typer.Argument(..., help="Task id (01 or 1) or slug (user); 01.4 (or 1.4) watches one exercise."),
    impl: str = typer.Option("starter", "--impl", help="starter (your work in starter/) or a directory laid out "
                             "like starter/."),
    stack: str = typer.Option("embedded", "--stack", help="embedded (fastest) or local."),
    poll: bool = typer.Option(False, "--poll", help="Do not use the system's file events at all, only look at "
                              "the files every half second (which the loop always does too)."),
) -> None:
    """Grade again each time you save one of the task's files; Ctrl-C stops."""
    from grader.desk import watch

    if not task.strip():
        _fail(f"give a task: {commands.watch('01')}")
    _check_stack(stack, STACKS[:2], "watch")
    _check_impl(impl)
    course = _load_course()
    try:
        chosen, exercises = _task_or_exercise(course, task)
        _check_install(chosen)
        source = tree.resolve_impl(impl, course)
    except (ManifestError, TreeError) as exc:
        _fail(str(exc))
    if not chosen.files:
        _fail(f"task {chosen.id} has no files of yours to watch; `{commands.grade(chosen.id)}` checks it.")
    options = runner.RunOptions(stack=stack, exercises=exercises)

    def grade_once() -> None:
        result = runner.grade(chosen, source, course, options)
        show(result, course, unrecorded=state.not_recorded(result, source, exercises),
             verbose_command=commands.grade(exercises[0] if exercises else chosen.id, source.label, stack,
                                            verbose=True))

    watch.run(grade_once, watch.watched_files(chosen, source, course), say=lambda text: console.print(
        Text(render.inert(text), style="dim")), poll=poll)


@app.command("serve")
def serve_command(
    impl: str = typer.Option("starter", "--impl", help="starter, solutions, or a directory laid out like starter/."),
    task: Optional[str] = typer.Option(None, "--task", help="Take only this task's files (default: every task's "
                                       "files the directory has)."),
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8080, "--port", help="8080: the docs site (make docs) has 8000."),
    reload: bool = typer.Option(False, "--reload", help="Restart with your files each time you save one."),
) -> None:
    """Run the platform with your files, taken as grading takes them (Swagger UI at /docs).
    The compose stack's app service runs this."""
    from grader.desk import serve, watch

    course = _load_course()
    try:
        tasks = [course.find(task)] if task else [t for t in course.tasks if t.files]
        chosen = tree.resolve_impl(impl, course)
    except (ManifestError, TreeError) as exc:
        _fail(str(exc))
    files = [f for t in tasks for f in watch.watched_files(t, chosen, course)] if reload else []
    err.print(f"Serving {chosen.label} at http://{host}:{port} (Swagger UI at /docs); Ctrl-C stops it.",
              highlight=False, markup=False)
    try:
        code = serve.run(lambda: serve.build(chosen, course, tasks), host, port, reload_files=files,
                         say=lambda line: err.print(render.inert(line), highlight=False, markup=False))
    except TreeError as exc:  # the tree could not be laid out (an incomplete kit)
        _fail(str(exc))
    raise typer.Exit(code)


@app.command("analytics")
def analytics_command(
    impl: str = typer.Option("starter", "--impl", help="starter, solutions, or a directory laid out like starter/."),
) -> None:
    """Run the analytics service with your files, taken as grading takes them (needs Kafka and
    MySQL: the settings are the service's, see starter/analytics/service.py). The compose
    stack's analytics service runs this."""
    from grader.desk import analytics

    course = _load_course()
    try:
        chosen = tree.resolve_impl(impl, course)
        code = analytics.run(chosen, course, say=lambda line: err.print(render.inert(line), highlight=False,
                                                                        markup=False))
    except TreeError as exc:
        _fail(str(exc))
    raise typer.Exit(code)


@app.command("batch")
def batch_command(
    forks: list[str] = typer.Argument(..., help="Fork folders (a whole checkout or a folder laid out like "
                                      "starter/), or text files listing them, one per line."),
    task: str = typer.Option(..., "--task", help="The task to grade: 01, 1 or user."),
    out: Path = typer.Option(Path("gradebook"), "--out", help="Folder for gradebook.csv and one JSON per fork."),
    jobs: int = typer.Option(1, "--jobs", help="Forks graded side by side."),
    test_timeout: float = typer.Option(10.0, "--test-timeout", help="Seconds one test may run."),
    total_timeout: float = typer.Option(300.0, "--total-timeout", help="Seconds one fork's grading may take."),
) -> None:
    """For instructors: grade many forks of one task in the trusted mode (--stack local; run as
    root for the full sandbox) and write a gradebook. A fork that breaks grading gets a row
    with the reason; the batch goes on."""
    from grader.instructor import batch

    course = _load_course()
    try:
        chosen = course.find(task)
        _check_install(chosen)
        listed = batch.read_forks(forks)
    except (ManifestError, batch.BatchError) as exc:
        _fail(str(exc))
    out = out.expanduser()
    if out.exists() and not out.is_dir():
        _fail(f"--out {out}: that is a file; give a folder.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".grade-batch-probe"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        _fail(f"--out {out}: cannot write there ({exc.strerror or exc}).")
    if os.geteuid() != 0:
        err.print("grade batch: not running as root: each fork's app runs in its own process but as your user "
                  "(the trust column says so). Run as root for official grading.", highlight=False, markup=False)
    try:
        with Progress(
            TextColumn(f"Grading {len(listed)} forks of task {chosen.id}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True,
        ) as bar:
            job = bar.add_task("forks", total=len(listed))
            rows = batch.run(chosen, listed, out, jobs=max(1, jobs), total_timeout=total_timeout,
                             test_timeout=test_timeout, progress=lambda done, total, _n: bar.update(job, completed=done))
    except KeyboardInterrupt:
        err.print(f"grade batch: interrupted; the gradebook in {out} lists the forks graded so far.")
        raise typer.Exit(130)
    table = Table(title=f"Task {chosen.id}: {len(rows)} forks")
    for column in ("Fork", "Status", "Total", "Reason"):
        table.add_column(column, overflow="fold")
    for row in rows:
        total = f"{row.results.get('total', 0):g} / {chosen.possible}" if row.results else "-"
        table.add_row(Text(render.inert(row.fork.name)), row.status, total, Text(render.inert(row.reason)[:160]))
    console.print(table)
    console.print(f"Gradebook: {out / 'gradebook.csv'} (and one JSON per fork in {out})", highlight=False,
                  markup=False)


@app.command("release")
def release_command(
    out: Path = typer.Argument(..., help="A new (or empty) folder for the learner copy of the kit."),
    commit: Optional[str] = typer.Option(None, "--commit", help="The commit to build the release from (default: "
                                         "HEAD). Uncommitted edits never go in."),
) -> None:
    """For instructors: write the learner copy of the kit from a commit: no solutions, no hidden
    tests, no kit tests, and the starter's learner files must be the stubs. Grading from it
    says plainly that hidden tests were not run."""
    from grader import KIT_ROOT
    from grader.instructor import release

    course = _load_course()
    try:
        written = release.write(out, course, commit=commit)
    except release.ReleaseError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{out}: could not write the release ({exc.strerror or exc}).")
    console.print(f"Wrote the learner release to {out} from {written.source} ({len(written.files)} files; left out: "
                  f"{', '.join(p for p in release.withheld(course) if (KIT_ROOT / p).exists())}).", highlight=False,
                  markup=False)
    for warning in written.warnings:
        console.print(Text("warning: ", style="yellow").append(render.inert(warning)))


@app.command("new-task")
def new_task_command(
    task_id: str = typer.Argument(..., help="The new task's id: 02, or M01 for a lettered track."),
    slug: str = typer.Argument(..., help="Its slug, also the learner module's name: supplier."),
    title: str = typer.Argument(..., help='Its title: "Supplier accounts".'),
    exercises: int = typer.Option(2, "--exercises", help="How many exercises to lay out."),
) -> None:
    """For course authors: write a new task's doc, learner file (starter and solution), one
    public and one hidden test file per exercise, and its course.toml entry, all as
    placeholders to fill in. Refuses, writing nothing, when any of it exists already."""
    from grader import KIT_ROOT
    from grader.checks import scaffold

    try:
        written = scaffold.new_task(KIT_ROOT, task_id, slug, title, exercises)
    except scaffold.ScaffoldError as exc:
        _fail(str(exc))
    for path in written:
        console.print(f"wrote {path.relative_to(KIT_ROOT)}", highlight=False, markup=False)
    console.print("Next: replace every TODO (docs/maintainers.md, \"Adding a task or an exercise\"), then run "
                  "`make verify`.", highlight=False, markup=False)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and not args[0].startswith("-"):
        args.insert(0, "task")  # "grade 01 ..." means "grade task 01 ..."
    app(args=args, prog_name="grade")


if __name__ == "__main__":
    main()
