"""The runner and scoring on a small synthetic kit, independent of any real task."""

import textwrap

import pytest

from grader.grading import runner, tree
from grader.grading.manifest import Course, Exercise, Task
from grader.grading.results import PARTIAL, PASS, STATUS_ERROR, STATUS_NEEDS_SERVICES

PUBLIC = '''
import pytest

@pytest.mark.exercise("09.1")
def test_passes():
    assert True

@pytest.mark.exercise("09.1")
def test_fails():
    raise AssertionError("doing X: expected 1, got 2")

@pytest.mark.exercise("09.2")
async def test_text_search_is_missing_from_mongomock():
    from mongomock_motor import AsyncMongoMockClient
    db = AsyncMongoMockClient()["t"]
    await db.items.insert_one({"name": "lamp"})
    await db.items.find({"$text": {"$search": "lamp"}}).to_list(None)

@pytest.mark.exercise("09.2")
@pytest.mark.needs_services("a server's own counters")
def test_marked_for_services():
    assert True

async def _aggregate(pipeline):
    from mongomock_motor import AsyncMongoMockClient
    db = AsyncMongoMockClient()["t"]
    await db.orders.insert_one({"status": "confirmed", "total": 7})
    return await db.orders.aggregate(pipeline).to_list(None)

@pytest.mark.exercise("09.5")
async def test_sort_by_count_is_missing_from_mongomock():
    await _aggregate([{"$sortByCount": "$status"}])

@pytest.mark.exercise("09.5")
async def test_round_is_missing_from_mongomock():
    await _aggregate([{"$project": {"r": {"$round": ["$total", 1]}}}])

@pytest.mark.exercise("09.6")
async def test_a_misspelt_stage_is_a_mistake():
    await _aggregate([{"$grup": {"_id": "$status"}}])

@pytest.mark.exercise("09.6")
async def test_a_misspelt_expression_is_a_mistake():
    await _aggregate([{"$project": {"r": {"$rund": "$total"}}}])

@pytest.mark.exercise("09.9")
def test_names_an_unknown_exercise():
    assert True

def test_has_no_marker():
    assert True
'''

HIDDEN = '''
import pytest

@pytest.mark.exercise("09.4")
def test_public_rule_holds():
    assert True
'''

HIDDEN_FAIL = '''
import pytest

@pytest.mark.exercise("09.4")
def test_hidden_rule_breaks():
    raise AssertionError("the hidden rule: expected A, got B")
'''


@pytest.fixture
def synthetic(tmp_path):
    (tmp_path / "starter" / "backend").mkdir(parents=True)
    (tmp_path / "starter" / "backend" / "__init__.py").write_text("")
    public, hidden = tmp_path / "t" / "public", tmp_path / "t" / "hidden"
    public.mkdir(parents=True)
    hidden.mkdir(parents=True)
    (public / "test_synthetic.py").write_text(textwrap.dedent(PUBLIC))
    (public / "test_public_of_4.py").write_text(textwrap.dedent(HIDDEN))
    (hidden / "test_hidden_of_4.py").write_text(textwrap.dedent(HIDDEN_FAIL))
    exercises = tuple(Exercise(f"09.{n}", f"Exercise {n}", 10, f"09{n}") for n in (1, 2, 3, 4, 5, 6))
    task = Task("09", "synthetic", "Synthetic", "code", "tasks/09.md", (), "t/public", "t/hidden", exercises)
    course = Course("Synthetic", "starter", "solutions", (task,))
    result = runner.grade(task, tree.Impl("starter", None), course, runner.RunOptions(test_timeout=5), kit_root=tmp_path)
    return {e.id: e for e in result.exercises}, result


def test_points_are_earned_per_passing_test(synthetic):
    exercises, _ = synthetic
    assert exercises["09.1"].status == PARTIAL
    assert exercises["09.1"].score == 5
    assert exercises["09.1"].first_problem == "doing X: expected 1, got 2"


def test_what_the_embedded_stack_cannot_run_is_not_a_failure(synthetic):
    exercises, _ = synthetic
    exercise = exercises["09.2"]
    assert exercise.status == STATUS_NEEDS_SERVICES
    assert [t.outcome for t in exercise.tests] == ["needs_services", "needs_services"]
    assert "$text" in exercise.tests[0].message
    assert "(a server's own counters)" in exercise.tests[1].message and "STACK=local" in exercise.tests[1].message
    assert [t.server for t in exercise.tests] == [False, True]  # only the marked one is meant for a server


def result_points(synthetic) -> float:
    return synthetic[1].needs_server


def test_an_operator_real_mongodb_has_is_not_a_failure_on_embedded(synthetic):
    exercises, _ = synthetic
    exercise = exercises["09.5"]
    assert exercise.status == STATUS_NEEDS_SERVICES, [t.message for t in exercise.tests]
    assert [t.outcome for t in exercise.tests] == ["needs_services", "needs_services"]
    assert "$sortByCount" in exercise.tests[0].message and "STACK=local" in exercise.tests[0].message
    assert result_points(synthetic) == 20  # 09.2 and 09.5 wait for a real database, 10 points each


def test_an_operator_mongodb_lacks_too_is_the_learners_mistake(synthetic):
    exercises, _ = synthetic
    messages = [t.message for t in exercises["09.6"].tests]
    assert [t.outcome for t in exercises["09.6"].tests] == ["failed", "failed"], messages
    assert "uses $grup, an operator MongoDB does not have" in messages[0]
    assert "uses $rund, an operator MongoDB does not have" in messages[1]


def test_an_exercise_without_tests_is_an_error_not_a_zero_pass(synthetic):
    exercises, _ = synthetic
    assert exercises["09.3"].status == STATUS_ERROR
    assert "no tests found" in exercises["09.3"].first_problem


def test_hidden_tests_are_labelled(synthetic):
    exercises, _ = synthetic
    exercise = exercises["09.4"]
    assert [t.hidden for t in exercise.tests] == [False, True]
    assert exercise.decided_by_hidden and exercise.status == PARTIAL


def test_tests_outside_the_manifest_are_reported_once(synthetic):
    _, result = synthetic
    assert any("names exercise '09.9'" in n for n in result.notices)
    assert any("has no exercise marker" in n for n in result.notices)
    assert result.possible == 60 and result.total == 5 + 0 + 0 + 5 + 0 + 0


def test_all_passing_is_pass(tmp_path):
    (tmp_path / "starter").mkdir()
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "test_ok.py").write_text('import pytest\n\n@pytest.mark.exercise("08.1")\ndef test_ok():\n    pass\n')
    task = Task("08", "ok", "Ok", "code", "d.md", (), "p", "", (Exercise("08.1", "One", 3, "081-one"),))
    course = Course("C", "starter", "solutions", (task,))
    result = runner.grade(task, tree.Impl("starter", None), course, kit_root=tmp_path)
    assert result.exercises[0].status == PASS and result.total == 3


def test_a_services_stack_that_is_down_still_gives_a_scorecard(course, monkeypatch):
    monkeypatch.setenv("MONGODB_URL", "mongodb://127.0.0.1:9")
    options = runner.RunOptions(stack="services")
    result = runner.grade(course.find("01"), tree.resolve_impl("solutions", course), course, options)
    assert "MongoDB at mongodb://127.0.0.1:9 did not answer" in result.notices[0]
    assert result.notices[1:] == ["The services stack was tried twice."]  # one retry, said once
    assert all(e.status == STATUS_ERROR and "not ready" in e.first_problem for e in result.exercises)
