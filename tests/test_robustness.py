"""Learner code that hangs, crashes, exits, fails to import or floods the output still gets
a full scorecard: every exercise has a verdict and the reason is plain."""

from grader.grading.results import PASS, STATUS_ERROR


def by_id(result):
    return {e.id: e for e in result.exercises}


def assert_full_scorecard(result, course):
    expected = [e.id for e in course.find("01").exercises]
    assert [e.id for e in result.exercises] == expected
    for exercise in result.exercises:
        assert exercise.tests, f"{exercise.id} has no test verdicts"
        assert all(t.outcome != "not_run" for t in exercise.tests), f"{exercise.id} has tests that never ran"
        assert exercise.status == PASS or exercise.first_problem, f"{exercise.id} failed without a reason"


def test_a_syntax_error_and_an_infinite_loop(grade_tree, course):
    result = grade_tree("hang_and_syntax")
    assert_full_scorecard(result, course)
    exercises = by_id(result)
    syntax = [n for n in result.notices if "SyntaxError" in n]
    assert len(syntax) == 1 and "backend/services/auth.py, line 5" in syntax[0], result.notices
    for exercise_id in ("01.1", "01.2", "01.3", "01.4", "01.5", "01.6"):
        assert exercises[exercise_id].status == STATUS_ERROR, exercises[exercise_id].first_problem
        assert "does not import" in exercises[exercise_id].first_problem
    read = exercises["01.7"]
    timeouts = [t for t in read.tests if t.outcome == "timeout"]
    assert timeouts and "did not finish within 1 s" in timeouts[0].message
    assert "backend/services/users.py:18 in get_user" in timeouts[0].message
    assert read.passed >= 1 and 0 < read.score < read.possible  # the list tests still pass


def test_os_exit_and_sys_exit(grade_tree, course):
    result = grade_tree("crash_exit")
    assert_full_scorecard(result, course)
    exercises = by_id(result)
    assert exercises["01.1"].status == PASS  # the solution's auth.py still earns its points
    messages = [t.message for t in exercises["01.7"].tests]
    assert any("test process ended during this test (exit code 3)" in m for m in messages), messages
    assert any("called exit(giving up)" in m for m in messages), messages


def test_an_import_error(grade_tree, course):
    result = grade_tree("import_error")
    assert_full_scorecard(result, course)
    assert any("definitely_not_installed" in n and "users.py" in n for n in result.notices), result.notices
    exercises = by_id(result)
    assert exercises["01.7"].status == STATUS_ERROR
    assert "does not import" in exercises["01.7"].first_problem
    assert exercises["01.4"].status == PASS


def test_a_module_that_never_finishes_importing(grade_tree, course):
    result = grade_tree("import_hang")
    assert_full_scorecard(result, course)
    assert any("importing backend/services/users.py did not finish within 1 s" in n for n in result.notices)
    assert by_id(result)["01.8"].status == STATUS_ERROR
    assert by_id(result)["01.1"].status == PASS


def test_megabytes_of_output(grade_tree, course):
    result = grade_tree("megabytes")
    assert_full_scorecard(result, course)
    assert "not implemented yet" in by_id(result)["01.7"].first_problem
    assert by_id(result)["01.6"].status == PASS


def test_a_loop_that_ignores_the_per_test_timeout(grade_tree, course):
    result = grade_tree("unkillable")
    assert_full_scorecard(result, course)
    read = by_id(result)["01.7"]
    stopped = [t for t in read.tests if t.outcome == "timeout"]
    assert stopped and "the grader stopped it" in stopped[0].message
    assert by_id(result)["01.5"].status == PASS


def test_a_module_that_exits_while_importing(grade_tree, course):
    result = grade_tree("import_exit")
    assert_full_scorecard(result, course)
    assert any("Importing backend/services/users.py ended the test process (exit code 4)" in n for n in result.notices)
    assert by_id(result)["01.7"].status == STATUS_ERROR
    assert by_id(result)["01.2"].status == PASS
