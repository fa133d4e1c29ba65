"""Test the tests. For every task, on the embedded and the local stack: the solutions earn
full marks and the (pristine) starter earns zero, and every exercise has public tests; the
static checks of ``consistency`` pass; and the scoring rules of ``grader/checks/scoring.py`` hold
(weights, must tests named in the doc, degenerate methods earn next to nothing, breaking a
must rule costs at least its share). Tests marked ``needs_services`` run on local."""

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from grader import KIT_ROOT
from grader.checks import breakers, consistency, degenerate, scoring
from grader.grading import runner, tree
from grader.grading.manifest import Course, Task
from grader.grading.results import PASSED, ExerciseResult, TaskResult, TestResult


@dataclass
class Check:
    name: str
    problems: list[str] = field(default_factory=list)


STACKS = ("embedded", "local")


def _grade(task: Task, course: Course, impl: str, stack: str) -> TaskResult:
    return runner.grade(task, tree.resolve_impl(impl, course), course, runner.RunOptions(stack=stack))


def check_task(task: Task, course: Course, stack: str = "embedded",
               graded: dict[str, TaskResult] | None = None) -> Iterator[Check]:
    """The checks of one task on one stack, each as soon as it is known; ``graded``, when
    given, receives the solutions' grading under the task's id (its tests' must rules and
    shapes are read from it)."""
    reference = "solutions" if task.files else "starter"  # an environment task has no learner files
    solved = _grade(task, course, reference, stack)
    if graded is not None:
        graded[task.id] = solved
    on = f"task {task.id} on {stack}"
    full = Check(f"{on}: " + ("solutions earn" if task.files else "the starter earns") + " full marks")
    full.problems += [f"notice: {n}" for n in solved.notices]
    for exercise in solved.exercises:
        missed = exercise.missed(stack)  # a test marked for a real server is earned on local
        if exercise.problem or missed:
            full.problems.append(f"{exercise.id} earned {exercise.score}/{exercise.possible}: "
                                 f"{exercise.problem or missed[0].message or missed[0].outcome}")
    public = Check(f"{on}: every exercise has public tests")
    for exercise in solved.exercises:
        if not any(not t.hidden for t in exercise.tests):
            public.problems.append(f"{exercise.id} has no public test")
    yield full
    yield public
    if stack == STACKS[0]:  # weights do not depend on the stack: check them once
        weights = Check(f"task {task.id}: weights follow the scoring rules (grader/checks/scoring.py)")
        weights.problems += scoring.weight_problems(solved)
        doc = KIT_ROOT / task.doc
        if doc.is_file():
            weights.problems += scoring.doc_problems(task, solved, doc.read_text(encoding="utf-8"))
        yield weights
    if task.kind == "code":
        started = _grade(task, course, "starter", stack)
        zero = Check(f"{on}: the starter earns zero")
        for exercise in started.exercises:
            for test in exercise.tests:
                if test.outcome == PASSED:
                    zero.problems.append(f"{exercise.id}: {test.name} passes on the starter")
        yield zero


def check_degenerates(task: Task, course: Course) -> Check:
    """Scoring rule 4: a degenerate version of a method earns, beyond what its exercise
    earns with that method left as the stub, at most DEGENERATE_SHARE of the points that
    depend on the method (graded on embedded, that exercise's tests only)."""
    check = Check(f"task {task.id}: degenerate methods earn at most {scoring.DEGENERATE_SHARE:.0%} "
                  "of what depends on them")

    def grade(version: degenerate.Degenerate) -> ExerciseResult:
        folder = degenerate.write_tree(version, task, course)
        try:
            return _grade_apart(version.exercise, folder)
        except RuntimeError as error:  # named, and counted as earning nothing
            check.problems.append(f"{version.method} -> {version.body}: {error}")
            exercise = task.exercise(version.exercise)
            return ExerciseResult(exercise.id, exercise.title, exercise.points, "", problem=str(error))
        finally:
            tree.remove(folder)

    # Each grading in a process of its own: a grading stops every process it did not start,
    # so two gradings in one process would stop each other's test processes. Two at a time,
    # on one test process each: the same work in about two thirds of the time on two cores.
    versions = degenerate.versions(task, course)
    with ThreadPoolExecutor(max_workers=_width(task)) as pool:
        graded = list(pool.map(grade, versions))
    stubs = {v.method: e for v, e in zip(versions, graded) if v.body == degenerate.STUB}
    for version, exercise in zip(versions, graded):
        stub = stubs[version.method]
        at_stake = exercise.possible - stub.score
        if version.body == degenerate.STUB:
            if at_stake <= 0:
                check.problems.append(f"{version.method}: no test of {exercise.id} fails when it is left as the stub")
            continue
        extra = exercise.score - stub.score
        if extra > scoring.DEGENERATE_SHARE * at_stake:
            before = {t.name for t in stub.tests if t.outcome == PASSED}
            passing = [t.name.rsplit("::", 1)[-1] for t in exercise.tests if t.outcome == PASSED and t.name not in before]
            check.problems.append(f"{version.method} -> {version.body}: earns {extra:g} of the {at_stake:g} points "
                                  f"of {exercise.id} that depend on it (passing: {', '.join(passing)})")
    return check


def check_breakers(task: Task, course: Course, must_rules: dict[str, set[str]],
                   solved: TaskResult | None = None) -> Check:
    """Scoring rules 6 and 7: every must rule of the task's tests has at least one reviewed
    breaker (grader/checks/must_breakers.toml), and each breaker of a must rule costs at least
    MUST_SHARE of the task's points; with ``solved`` (the solutions' grading), every race and
    ordered listing of the manifest has its test and its breakers, and each shape breaker
    fails the test of its race or listing. A breaker is graded on embedded with the tests of
    the exercise it names, the one whose code it breaks (a secret leaked by an update is
    caught by the update's tests), so what it costs elsewhere is not counted: the figure is a
    floor."""
    floor = scoring.MUST_SHARE * task.possible
    check = Check(f"task {task.id}: breaking a must rule costs at least {floor:g} of {task.possible} points; "
                  "races and ties are caught")
    try:
        mine = breakers.for_task(task, breakers.load())
    except breakers.BreakerError as error:
        check.problems.append(str(error))
        return check
    rules = {rule.lower(): (exercise_id, rule) for exercise_id, named in sorted(must_rules.items()) for rule in named}
    covered = {b.rule.lower() for b in mine}
    for key, (exercise_id, rule) in rules.items():
        if key not in covered:
            check.problems.append(f"{exercise_id}: the must rule {rule!r} has no breaker in {breakers.FILE.name}")
    if solved is not None:
        check.problems += scoring.shape_problems(task, solved, mine)
    gradable = []
    for breaker in mine:
        if breaker.rule and breaker.rule.lower() not in rules:
            check.problems.append(f"{breaker.name}: no test of task {task.id} carries this must rule")
        elif task.exercise(breaker.exercise) is None:
            check.problems.append(f"{breaker.name}: task {task.id} has no exercise {breaker.exercise}")
        else:
            gradable.append(breaker)

    def cost(breaker: breakers.Breaker) -> str:
        """What is wrong with this breaker, or "" when it costs enough."""
        try:
            folder = breakers.write_tree(breaker, task, course)
        except breakers.BreakerError as error:
            return str(error)
        try:
            exercise = _grade_apart(breaker.exercise, folder)
        except RuntimeError as error:
            return f"{breaker.name}: {error}"
        finally:
            tree.remove(folder)
        lost = exercise.possible - exercise.score
        if breaker.shape:
            marker = scoring.shape_tests(breaker)
            shaped = [t for t in exercise.tests if getattr(t, marker) == breaker.target]
            if not shaped or all(t.outcome == PASSED for t in shaped):
                return f"{breaker.name}: no test marked {marker}({breaker.target!r}) fails on it"
        return f"{breaker.name}: costs only {lost:g} points" if breaker.rule and lost < floor else ""

    # In processes of their own, side by side, as in check_degenerates.
    with ThreadPoolExecutor(max_workers=_width(task)) as pool:
        check.problems += [problem for problem in pool.map(cost, gradable) if problem]
    return check


def _width(task: Task) -> int:
    """How many gradings of ``task`` run side by side: two on two cores; four for the event
    pipeline's tasks, whose tests mostly wait (for a consumer group, a handler's sleep)."""
    return 4 if {"kafka", "mysql"} & set(task.backends) else 2


def _grade_apart(exercise_id: str, folder: Path) -> ExerciseResult:
    """Grade one exercise of a learner folder in a grading process of its own, on embedded
    with one test process, and read back its results (RuntimeError when that failed)."""
    with tempfile.TemporaryDirectory(prefix="selftest-") as scratch:
        out = Path(scratch) / "results.json"
        command = [sys.executable, "-m", "grader", "task", exercise_id, "--impl", str(folder), "--json", str(out),
                   "--jobs", "1", "--test-timeout", "10"]
        env = {k: v for k, v in os.environ.items() if k not in ("APP_URL", "GITHUB_STEP_SUMMARY", "GRADER_STACK")}
        env["GRADE_STATE"] = str(Path(scratch) / "state.json")  # not the author's own progress
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", cwd=KIT_ROOT, env=env,
                              stdin=subprocess.DEVNULL, timeout=300)
        try:
            [exercise] = json.loads(out.read_text(encoding="utf-8"))["exercises"]
            tests = [TestResult(**{k: v for k, v in t.items() if k in TEST_FIELDS}) for t in exercise["tests"]]
            return ExerciseResult(exercise["id"], exercise["title"], int(exercise["possible"]), exercise["doc"], tests)
        except (OSError, ValueError, KeyError, TypeError) as error:
            why = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
            raise RuntimeError(f"grading {exercise_id} of {folder} failed: {why}") from error


TEST_FIELDS = {f.name for f in fields(TestResult)}


RERUN = "make selftest TASK={task}"  # how to check one task again (or: grade selftest {task})


def run(course: Course, console: Console, task_ids: list[str] | None = None) -> bool:
    """Every check of the chosen tasks (all by default), each printed as it finishes, then
    the failed ones again at the end with the command that runs their task's checks alone."""
    tasks = [course.find(t) for t in task_ids] if task_ids else list(course.tasks)
    started = time.monotonic()
    checks: list[tuple[str, Check]] = []  # (task id or "", check)

    def done(task_id: str, check: Check, since: float) -> None:
        checks.append((task_id, check))
        mark = "[green]ok[/green]" if not check.problems else "[red]FAILED[/red]"
        console.print(f"{mark} {escape(check.name)} [dim]({time.monotonic() - since:.0f} s)[/dim]", highlight=False)
        for problem in check.problems:
            console.print(f"    [red]{escape(problem)}[/red]", highlight=False)

    since = time.monotonic()
    done("", Check("manifest, docs, starter and solutions agree", consistency.check_all(course)), since)
    for task in tasks:
        graded: dict[str, TaskResult] = {}
        for stack in STACKS:
            since = time.monotonic()
            for check in check_task(task, course, stack, graded if stack == STACKS[0] else None):
                done(task.id, check, since)
                since = time.monotonic()
        if task.kind == "code":
            since = time.monotonic()
            done(task.id, check_degenerates(task, course), since)
            since = time.monotonic()
            done(task.id, check_breakers(task, course, scoring.must_rules(graded[task.id]), graded[task.id]), since)
    failed = [(task_id, check) for task_id, check in checks if check.problems]
    console.print(f"{len(checks) - len(failed)} of {len(checks)} checks passed "
                  f"({len(tasks)} task{'s' * (len(tasks) != 1)}, {time.monotonic() - started:.0f} s).", highlight=False)
    if failed:
        console.print("[red]Failed:[/red]")
        for task_id, check in failed:
            again = f"   [dim](again: {RERUN.format(task=task_id)})[/dim]" if task_id else ""
            console.print(f"  {escape(check.name)}{again}", highlight=False)
    return not failed
