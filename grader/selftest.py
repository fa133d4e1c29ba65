"""Test the tests. For every task, on the embedded and the local stack: the solutions earn
full marks and the (pristine) starter earns zero, and every exercise has public tests; the
static checks of ``consistency`` pass; and the scoring rules of ``grader/scoring.py`` hold
(weights, must tests named in the doc, degenerate methods earn next to nothing). Tests
marked ``needs_services`` run on local."""

from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from grader import KIT_ROOT, consistency, degenerate, runner, scoring, tree
from grader.manifest import Course, Task
from grader.results import PASSED, TaskResult


@dataclass
class Check:
    name: str
    problems: list[str] = field(default_factory=list)


STACKS = ("embedded", "local")


def _grade(task: Task, course: Course, impl: str, stack: str) -> TaskResult:
    return runner.grade(task, tree.resolve_impl(impl, course), course, runner.RunOptions(stack=stack))


def check_task(task: Task, course: Course, stack: str = "embedded") -> list[Check]:
    reference = "solutions" if task.files else "starter"  # an environment task has no learner files
    solved = _grade(task, course, reference, stack)
    on = f"task {task.id} on {stack}"
    full = Check(f"{on}: " + ("solutions earn" if task.files else "the starter earns") + " full marks")
    full.problems += [f"notice: {n}" for n in solved.notices]
    for exercise in solved.exercises:
        if exercise.score != exercise.possible:
            full.problems.append(f"{exercise.id} earned {exercise.score}/{exercise.possible}: {exercise.first_problem}")
    public = Check(f"{on}: every exercise has public tests")
    for exercise in solved.exercises:
        if not any(not t.hidden for t in exercise.tests):
            public.problems.append(f"{exercise.id} has no public test")
    checks = [full, public]
    if stack == STACKS[0]:  # weights do not depend on the stack: check them once
        weights = Check(f"task {task.id}: weights follow the scoring rules (grader/scoring.py)")
        weights.problems += scoring.weight_problems(solved)
        doc = KIT_ROOT / task.doc
        if doc.is_file():
            weights.problems += scoring.doc_problems(task, solved, doc.read_text(encoding="utf-8"))
        checks.append(weights)
    if task.kind == "code":
        started = _grade(task, course, "starter", stack)
        zero = Check(f"{on}: the starter earns zero")
        for exercise in started.exercises:
            for test in exercise.tests:
                if test.outcome == PASSED:
                    zero.problems.append(f"{exercise.id}: {test.name} passes on the starter")
        checks.append(zero)
    return checks


def check_degenerates(task: Task, course: Course) -> Check:
    """Scoring rule 4: a degenerate version of a method earns, beyond what its exercise
    earns with that method left as the stub, at most DEGENERATE_SHARE of the points that
    depend on the method (graded on embedded, that exercise's tests only)."""
    check = Check(f"task {task.id}: degenerate methods earn at most {scoring.DEGENERATE_SHARE:.0%} "
                  "of what depends on them")

    def grade(version: degenerate.Degenerate):
        folder = degenerate.write_tree(version, task, course)
        try:
            options = runner.RunOptions(exercises=(version.exercise,), test_timeout=10)
            return runner.grade(task, tree.resolve_impl(str(folder), course), course, options).exercises[0]
        finally:
            tree.remove(folder)

    # One at a time: a grading stops every process it did not start, so two gradings in one
    # process would stop each other's test processes.
    versions = degenerate.versions(task, course)
    graded = [grade(version) for version in versions]
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


def run(course: Course, console: Console) -> bool:
    checks = [Check("manifest, docs, starter and solutions agree", consistency.check_all(course))]
    for stack in STACKS:
        for task in course.tasks:
            checks += check_task(task, course, stack)
    for task in course.tasks:
        if task.kind == "code":
            checks.append(check_degenerates(task, course))
    table = Table(title="Kit self-check")
    table.add_column("Check")
    table.add_column("Result")
    for check in checks:
        result = "[green]ok[/green]" if not check.problems else "[red]" + "\n".join(check.problems) + "[/red]"
        table.add_row(check.name, result)
    console.print(table)
    failed = sum(bool(c.problems) for c in checks)
    console.print(f"{len(checks) - failed} of {len(checks)} checks passed.")
    return failed == 0
