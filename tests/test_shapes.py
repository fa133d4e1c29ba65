"""Scoring rule 7: races and ties. The manifest lists the rules two requests can race on and
the listings that state an order; selftest fails when one of them has no test marked for it,
no breaker of its shape, or a breaker its test does not catch."""

import copy
from dataclasses import replace

import pytest

from grader import KIT_ROOT
from grader.checks import breakers, scoring, selftest
from grader.grading import manifest
from grader.grading.results import PASSED

RACE_01_3 = "a verification token works once, also when it is sent twice at the same moment"


@pytest.fixture(scope="module")
def solved_01():
    """Task 01's solutions graded on embedded: the results selftest reads rule 7 from."""
    course = manifest.load()
    return course.find("01"), selftest._grade(course.find("01"), course, "solutions", "embedded")


def _without(result, keep):
    """A copy of a grading whose tests are those ``keep`` accepts: a kit without the others."""
    trimmed = copy.deepcopy(result)
    for exercise in trimmed.exercises:
        exercise.tests = [t for t in exercise.tests if keep(t)]
    return trimmed


def test_the_manifest_reads_races_and_listings_and_refuses_bad_ones():
    course = manifest.load()
    assert RACE_01_3 in course.find("01").exercise("01.3").races
    assert course.find("01").exercise("01.7").listings == (manifest.Listing("GET /users", "skip"),)
    text = (KIT_ROOT / "course.toml").read_text()
    bad = text.replace('paging = "skip"', 'paging = "pages"', 1)
    with pytest.raises(manifest.ManifestError, match="listings must be tables"):
        manifest.loads(bad)
    with pytest.raises(manifest.ManifestError, match="races must be a list"):
        manifest.loads(text.replace(f'races = ["{RACE_01_3}"]', "races = [1]", 1))


def test_every_race_and_listing_of_the_kit_has_its_test_and_breakers(solved_01):
    task, solved = solved_01
    shaped = [t for e in solved.exercises for t in e.tests if t.race or t.ties]
    assert len(shaped) >= 5 and all(t.outcome == PASSED for t in shaped)
    assert scoring.shape_problems(task, solved, breakers.for_task(task, breakers.load())) == []


def test_selftest_fails_when_a_race_test_or_a_tie_test_is_removed(solved_01):
    task, solved = solved_01
    mine = breakers.for_task(task, breakers.load())
    no_race = _without(solved, lambda t: t.race != RACE_01_3)
    problems = scoring.shape_problems(task, no_race, mine)
    assert problems == [f"01.3: the race {RACE_01_3!r} of course.toml has no test marked "
                        f"@pytest.mark.race({RACE_01_3!r}) (rule 7)"]
    no_ties = _without(solved, lambda t: t.ties != "GET /users")
    assert any("the listing 'GET /users' of course.toml has no test marked" in p
               for p in scoring.shape_problems(task, no_ties, mine))
    # the same through selftest's check of the task, which the kit's `make verify` runs
    check = selftest.check_breakers(task, manifest.load(), scoring.must_rules(no_race), no_race)
    assert any("has no test marked @pytest.mark.race" in p for p in check.problems)


def test_selftest_fails_when_a_shape_has_no_breaker_or_a_marker_names_nothing(solved_01):
    task, solved = solved_01
    mine = [b for b in breakers.for_task(task, breakers.load()) if b.shape != breakers.NO_TIEBREAK]
    assert scoring.shape_problems(task, solved, mine) == [
        "01.7: the listing 'GET /users' has no no-tiebreak breaker in must_breakers.toml (rule 7)"]
    renamed = copy.deepcopy(solved)
    test = next(t for e in renamed.exercises for t in e.tests if t.race == RACE_01_3)
    test.race = "a token works once"
    problems = scoring.shape_problems(task, renamed, breakers.for_task(task, breakers.load()))
    assert any("names no race of 01.3 in course.toml" in p for p in problems)


SHAPED = """
[[breaker]]
task = "01"
rule = ""
shape = "read-then-write"
target = "TARGET"
what = "WHAT"
exercise = "01.3"
file = "backend/services/auth.py"
find = '''FIND'''
replace = '''REPLACE'''
"""


def _shaped_file(tmp_path, monkeypatch, find, replace, target=RACE_01_3, what="a break"):
    path = tmp_path / "must_breakers.toml"
    path.write_text(SHAPED.replace("TARGET", target).replace("WHAT", what).replace("FIND", find)
                    .replace("REPLACE", replace))
    monkeypatch.setattr(breakers, "FILE", path)


def test_a_shape_breaker_needs_no_rule_but_a_known_shape(tmp_path, monkeypatch):
    _shaped_file(tmp_path, monkeypatch, "x", "y")
    [breaker] = breakers.load()
    assert (breakers.Breaker.__dataclass_fields__.keys() >= {"shape", "target"}
            and breaker.shape == breakers.READ_THEN_WRITE and breaker.rule == "")
    (tmp_path / "must_breakers.toml").write_text(SHAPED.replace("read-then-write", "sideways"))
    with pytest.raises(breakers.BreakerError, match="unknown shape 'sideways'"):
        breakers.load()


def test_a_shape_breaker_its_race_test_misses_is_named_and_one_it_catches_passes(tmp_path, monkeypatch):
    course = manifest.load()
    task = course.find("01")
    solution = (KIT_ROOT / "solutions/backend/services/auth.py").read_text()
    claim = '        await _claim(EmailVerificationToken, record, "verification", now)\n'
    assert solution.count(claim) == 1
    # harmless: the race test passes on it, so the breaker is named
    _shaped_file(tmp_path, monkeypatch, claim, claim + "        # a comment\n", what="only a comment")
    check = selftest.check_breakers(task, course, {})
    assert check.problems == [f"01.3 {RACE_01_3}: only a comment: no test marked race({RACE_01_3!r}) fails on it"]
    # read, then save: the race test fails on it
    _shaped_file(tmp_path, monkeypatch, claim, "        record.used_at = now\n        await record.save()\n",
                 what="read, then save")
    assert selftest.check_breakers(task, course, {}).problems == []


def test_a_race_breaker_is_caught_by_race_tests_and_a_tiebreak_breaker_by_tie_tests():
    breaker = breakers.Breaker("01", "", "w", "01.7", "f", "a", "b", breakers.NO_TIEBREAK, "GET /users")
    assert scoring.shape_tests(breaker) == "ties"
    assert scoring.shape_tests(replace(breaker, shape=breakers.CURSOR_IGNORES_TIEBREAK)) == "ties"
    assert scoring.shape_tests(replace(breaker, shape=breakers.READ_THEN_WRITE)) == "race"
