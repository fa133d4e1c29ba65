"""Test the tests. For every task, on the embedded and the local stack: the solutions earn
full marks and the (pristine) starter earns zero, and every exercise has public tests; and
the static checks of ``consistency`` pass. Tests marked ``needs_services`` run on local."""

from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from grader import consistency, runner, tree
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
    if task.kind == "code":
        started = _grade(task, course, "starter", stack)
        zero = Check(f"{on}: the starter earns zero")
        for exercise in started.exercises:
            for test in exercise.tests:
                if test.outcome == PASSED:
                    zero.problems.append(f"{exercise.id}: {test.name} passes on the starter")
        checks.append(zero)
    return checks


def run(course: Course, console: Console) -> bool:
    checks = [Check("manifest, docs, starter and solutions agree", consistency.check_all(course))]
    for stack in STACKS:
        for task in course.tasks:
            checks += check_task(task, course, stack)
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
