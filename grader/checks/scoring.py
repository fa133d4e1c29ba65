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
    6. Breaking a must costs its share. ``grader/checks/must_breakers.toml`` holds, for every must
       rule of the tests, reviewed versions of the solution that each break that one rule as a
       learner who skipped it would (written from the doc, not from the tests: a lockout after
       the sixth failure, a token that works twice, a moderator who may archive...).
       ``selftest`` grades each and fails when one costs less than ``MUST_SHARE`` of the
       task's points, or when a must rule has no breaker (grader/checks/breakers.py).
    7. Races and ties are tested. Every rule that two requests can race on (a token works
       once, of concurrent registrations with one email exactly one wins, at most N members,
       a count kept right, a decision made once) is listed under its exercise's ``races`` in
       ``course.toml`` and has a test marked ``@pytest.mark.race("<the rule>")`` that sends
       the requests at once (``testkit.race``: one round on embedded, whose database calls
       interleave the same way every time; ``race.REMOTE_ROUNDS`` on a real server, where
       requests overlap only some of the time). Every listing that states an order is listed
       under ``listings`` and has a test marked ``@pytest.mark.ties("<the endpoint>")`` whose
       items tie on the sort key, inserted out of ``_id`` order and paged with small limits,
       that expects each item exactly once in the stated tiebreak order (``testkit.paging``).
       ``grader/checks/must_breakers.toml`` holds a breaker of each shape in ``SHAPES`` for each of
       them (the same check, then save; a sort without ``_id``; a cursor that forgets it), and
       ``selftest`` fails when one is missing or when the test of its race or listing still
       passes on it.
"""

from grader.checks.breakers import CURSOR_IGNORES_TIEBREAK, NO_TIEBREAK, READ_THEN_WRITE, Breaker
from grader.grading.manifest import Task
from grader.grading.results import TaskResult

MUST_SHARE = 0.05
DEGENERATE_SHARE = 0.20
MUTANT_GOAL = 0.95
PUBLIC_MUTANT_GOAL = 0.75

# Rule 7: the breakers every race and every ordered listing needs, by how the listing pages.
SHAPES = {
    "race": (READ_THEN_WRITE,),
    "cursor": (NO_TIEBREAK, CURSOR_IGNORES_TIEBREAK),
    "skip": (NO_TIEBREAK,),
    "none": (NO_TIEBREAK,),
}


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


def shape_problems(task: Task, result: TaskResult, breakers: list[Breaker]) -> list[str]:
    """Rule 7, read from a grading of the task and its breakers: each race and ordered
    listing of the manifest has its test and its breakers, and every test or breaker of a
    shape names a race or listing of its exercise."""
    problems = []
    by_id = {e.id: e for e in result.exercises}
    for exercise in task.exercises:
        tests = by_id[exercise.id].tests if exercise.id in by_id else []
        wanted = [("race", race, "race", SHAPES["race"]) for race in exercise.races]
        wanted += [("ties", listing.name, "listing", SHAPES[listing.paging]) for listing in exercise.listings]
        for marker, target, kind, shapes in wanted:
            if not any(getattr(t, marker) == target for t in tests):
                problems.append(f"{exercise.id}: the {kind} {target!r} of course.toml has no test marked "
                                f"@pytest.mark.{marker}({target!r}) (rule 7)")
            for shape in shapes:
                if not any(b.exercise == exercise.id and b.shape == shape and b.target == target for b in breakers):
                    problems.append(f"{exercise.id}: the {kind} {target!r} has no {shape} breaker in "
                                    "must_breakers.toml (rule 7)")
        declared = {"race": set(exercise.races), "ties": {listing.name for listing in exercise.listings}}
        for test in tests:
            for marker, names in declared.items():
                if getattr(test, marker) and getattr(test, marker) not in names:
                    problems.append(f"{test.name}: @pytest.mark.{marker}({getattr(test, marker)!r}) names no "
                                    f"{'race' if marker == 'race' else 'listing'} of {exercise.id} in course.toml")
    for breaker in breakers:
        exercise = task.exercise(breaker.exercise)
        if breaker.shape and exercise is not None:
            targets = exercise.races if breaker.shape == READ_THEN_WRITE else [x.name for x in exercise.listings]
            if breaker.target not in targets:
                problems.append(f"{breaker.name}: its target is no {'race' if breaker.shape == READ_THEN_WRITE else 'listing'}"
                                f" of {exercise.id} in course.toml")
    return problems


def shape_tests(breaker: Breaker) -> str:
    """The marker whose tests must fail on a shape breaker: race or ties."""
    return "race" if breaker.shape == READ_THEN_WRITE else "ties"
