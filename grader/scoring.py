"""Scoring: how points are earned, and the rules course authors follow (``selftest``
enforces each one; the numbers are below).

How a score is computed
    Each exercise has points in ``course.toml``. Each test carries a weight,
    ``@pytest.mark.weight(n)`` (default 1); an exercise earns
    ``points * (weights of the tests that passed) / (weights of all its tests)``.

The rules for the tests of a task
    1. Whole points. The weights of an exercise's tests add up to its points, so every test
       is worth whole points and the scorecard shows whole numbers.
    2. Musts weigh more. A test of a security or data-integrity rule that the doc states as
       a must (password storage, token expiry and single use, no account enumeration,
       lockout, ownership, no secret in responses or events...) carries
       ``@pytest.mark.must("<the rule, in a few words>")`` and a weight such that failing it
       alone costs at least ``MUST_SHARE`` of the task's points. The doc section of the
       exercise lists its must rules, in the same words, under "Weighs most".
    3. Positive controls. A test of a refusal first shows, on the same setup, that the
       accepting path works (the right password logs in before a wrong one is refused; a
       first use of a token works before its reuse is refused). So "always refuse" earns
       nothing.
    4. Degenerate code earns nothing. ``selftest`` grades versions of the solution in which
       one learner method at a time is replaced by a degenerate body (raise the error its
       docstring names first, or return None, which is also what a method that does nothing
       returns), on the tests of that method's exercise. The yardstick is the same method
       left as the stub: the points lost then are the points that depend on the method, and
       a degenerate body may win back at most ``DEGENERATE_SHARE`` of them. (Measured this
       way, an exercise with two methods still pays for the one that is written.) A method
       whose stub loses no points at all has no test, which is a problem too.
    5. Mutants die. ``grade mutants <task>`` grades first-order mutants of the solution;
       aim for ``MUTANT_GOAL`` of the non-equivalent ones killed, and ``PUBLIC_MUTANT_GOAL``
       by the public tests alone, so a learner's own run already catches most mistakes.
    6. Breaking a must costs its share. ``grader/must_breakers.toml`` holds, for every must
       rule of the tests, reviewed versions of the solution that each break that one rule as a
       learner who skipped it would (written from the doc, not from the tests: a lockout after
       the sixth failure, a token that works twice, a moderator who may archive...).
       ``selftest`` grades each and fails when one costs less than ``MUST_SHARE`` of the
       task's points, or when a must rule has no breaker (grader/breakers.py).
"""

from grader.manifest import Task
from grader.results import TaskResult

MUST_SHARE = 0.05
DEGENERATE_SHARE = 0.20
MUTANT_GOAL = 0.95
PUBLIC_MUTANT_GOAL = 0.75


def weight_problems(result: TaskResult) -> list[str]:
    """Rules 1 and 2, read from a grading of the task (the tests' weights and must-rules)."""
    problems = []
    for exercise in result.exercises:
        total = sum(t.weight for t in exercise.tests)
        if exercise.tests and total != exercise.possible:
            problems.append(f"{exercise.id}: its tests' weights add up to {total}, its points are "
                            f"{exercise.possible} (rule 1: whole points)")
        for test in exercise.tests:
            if not test.must or not total:
                continue
            cost = exercise.possible * test.weight / total
            if cost < MUST_SHARE * result.possible:
                problems.append(f"{test.name}: failing this must test costs {cost:.1f} of {result.possible} "
                                f"points, less than {MUST_SHARE:.0%} (rule 2)")
    return problems


def must_rules(result: TaskResult) -> dict[str, set[str]]:
    """Exercise id -> the must-rules its tests check."""
    return {e.id: {t.must for t in e.tests if t.must} for e in result.exercises}


def doc_problems(task: Task, result: TaskResult, doc_text: str) -> list[str]:
    """Rule 2's second half: each exercise's doc section names its must-rules."""
    problems = []
    for exercise_id, rules in must_rules(result).items():
        section = _section(doc_text, exercise_id)
        for rule in sorted(rules):
            if rule.lower() not in " ".join(section.lower().split()):
                problems.append(f"{task.doc}: section {exercise_id} does not name its must rule {rule!r} "
                                "(list it under 'Weighs most')")
    return problems


def _section(doc_text: str, exercise_id: str) -> str:
    lines, inside = [], False
    for line in doc_text.splitlines():
        if line.startswith("## "):
            inside = line[3:].split(" ", 1)[0] == exercise_id
            continue
        if inside:
            lines.append(line)
    return "\n".join(lines)
