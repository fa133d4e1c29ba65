"""grade mutants: generating first-order mutants, summarising their gradings, and one real run."""

import ast
import time

import pytest
from typer.testing import CliRunner

from grader import cli
from grader.checks import mutants
from grader.grading import results
from grader.checks.mutants import ERROR, KILLED, SURVIVED, MutantResult
from grader.grading.results import FAILED, PASSED, TIMEOUT

SAMPLE = '''"""A module docstring."""

import os

LIMIT = 10


def check(x, items, flag=None):
    """Check things.

    Over two lines.
    """
    if x == 1 and flag is not None:
        raise ValueError("bad")
    total = x + 2
    if not x in items:
        print(x, sep="-", end="")
    return total < LIMIT


class Box:
    size = 3

    def put(self, value):  # a comment the rest of the file keeps
        """Store value."""
        self.value = True
        return value
'''


def by_key(found):
    return {(m.function, m.operator, int(m.id.rsplit(":", 1)[1])): m for m in found}


def test_each_operator_yields_its_mutants():
    found = by_key(mutants.generate(SAMPLE, "pkg/sample.py"))
    expected = {
        ("check", "compare", 1): "x != 1 and flag is not None",
        ("check", "compare", 2): "x == 1 and flag is None",
        ("check", "compare", 3): "if not x not in items:",
        ("check", "compare", 4): "return total <= LIMIT",
        ("check", "compare-flip", 1): "return total > LIMIT",
        ("check", "bool-op", 1): "if x == 1 or flag is not None:",
        ("check", "drop-not", 1): "if x in items:",
        ("check", "const-inc", 1): "if x == 2 and",
        ("check", "const-inc", 2): "total = x + 3",
        ("check", "const-zero", 1): "if x == 0 and",
        ("check", "const-zero", 2): "total = x + 0",
        ("check", "arith", 1): "total = x - 2",
        ("check", "guard-true", 1): "if True:\n        raise ValueError",
        ("check", "guard-false", 1): "if False:\n        raise ValueError",
        ("check", "guard-true", 2): "if True:\n        print(",
        ("check", "guard-false", 2): "if False:\n        print(",
        ("check", "drop-kwarg", 1): "print(x, end='')",
        ("check", "drop-kwarg", 2): "print(x, sep='-')",
        ("check", "remove-stmt", 1): '"""\n    pass\n    total = x + 2',  # the first if, whole
        ("check", "remove-stmt", 2): "flag is not None:\n        pass\n",  # the raise
        ("check", "remove-stmt", 3): "raise ValueError('bad')\n    pass\n",  # total = ...
        ("check", "remove-stmt", 4): "total = x + 2\n    pass\n    return",  # the second if, whole
        ("check", "remove-stmt", 5): "in items:\n        pass\n",  # the print
        ("Box.put", "remove-stmt", 1): '"""Store value."""\n        pass\n        return value',
        ("Box.put", "const-bool", 1): "self.value = False",
    }
    assert set(found) == set(expected)
    assert {operator for _, operator, _ in expected} == set(mutants.OPERATORS)  # the sample covers them all
    for key, snippet in expected.items():
        assert snippet in found[key].source, (key, found[key].source)
        assert found[key].id == f"pkg/sample.py:{key[0]}:{key[1]}:{key[2]}"
        assert found[key].description and found[key].line > 0
        assert found[key].diff.startswith("--- a/pkg/sample.py (") and "\n-" in found[key].diff


def test_ids_are_stable_and_every_mutant_compiles_and_differs():
    first, second = mutants.generate(SAMPLE, "s.py"), mutants.generate(SAMPLE, "s.py")
    assert [(m.id, m.source, m.diff) for m in first] == [(m.id, m.source, m.diff) for m in second]
    assert len({m.id for m in first}) == len(first)
    original = ast.dump(ast.parse(SAMPLE))
    for mutant in first:
        compile(mutant.source, "s.py", "exec")
        assert ast.dump(ast.parse(mutant.source)) != original
        assert mutant.source != SAMPLE


def test_docstrings_module_code_and_other_functions_are_untouched():
    original = ast.parse(SAMPLE)
    docstrings = [ast.get_docstring(n) for n in ast.walk(original)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))]
    check_lines = SAMPLE[SAMPLE.index("def check"):SAMPLE.index("class Box")]
    for mutant in mutants.generate(SAMPLE, "s.py"):
        tree = ast.parse(mutant.source)
        assert [ast.get_docstring(n) for n in ast.walk(tree)
                if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))] == docstrings
        # module constants, imports and class attributes stay as they were
        assert mutant.source.startswith('"""A module docstring."""\n\nimport os\n\nLIMIT = 10\n')
        assert "    size = 3\n" in mutant.source
        if mutant.function == "Box.put":  # the rest of the file is kept byte for byte
            assert check_lines in mutant.source
        else:
            assert "    def put(self, value):  # a comment the rest of the file keeps\n" in mutant.source


def test_nothing_comes_from_code_outside_functions_or_identical_changes():
    source = 'X = 1 + 2\nif X == 3:\n    Y = True\n\n\ndef f():\n    if True:\n        return None\n    pass\n'
    found = mutants.generate(source, "m.py")
    # `if True` -> True is identical, None is no constant to mutate, pass removed is pass
    assert sorted(m.id for m in found) == ["m.py:f:const-bool:1", "m.py:f:guard-false:1", "m.py:f:remove-stmt:1",
                                           "m.py:f:remove-stmt:2"]


def test_select_filters_by_function_and_limit():
    found = mutants.generate(SAMPLE, "s.py")
    assert {m.function for m in mutants.select(found, "put")} == {"Box.put"}
    assert [m.id for m in mutants.select(found, "check", 3)] == [m.id for m in found if m.function == "check"][:3]


# -- the summary, on synthetic results --------------------------------------------------------


def fake(id_, function="f", file="a.py"):
    return mutants.Mutant(id_, file, function, id_.split(":")[2], 1, "desc", "diff", "")


def test_summary_counts_kills_public_kills_equivalents_errors_and_stale_entries():
    chosen = [fake("a.py:f:compare:1"), fake("a.py:f:compare:2"), fake("a.py:f:arith:1"),
              fake("a.py:g:guard-true:1", "g"), fake("a.py:g:guard-false:1", "g"), fake("a.py:g:const-inc:1", "g"),
              fake("a.py:g:const-zero:1", "g")]
    generated = chosen + [fake("a.py:h:arith:1", "h")]
    outcomes = {
        "a.py:f:compare:1": MutantResult("a.py:f:compare:1", KILLED, ["t1"], public=True),
        "a.py:f:compare:2": MutantResult("a.py:f:compare:2", KILLED, ["hidden1"], public=False),
        "a.py:f:arith:1": MutantResult("a.py:f:arith:1", SURVIVED),
        "a.py:g:guard-true:1": MutantResult("a.py:g:guard-true:1", SURVIVED),  # listed equivalent
        "a.py:g:guard-false:1": MutantResult("a.py:g:guard-false:1", KILLED, ["t2"], public=True),  # listed, killed
        "a.py:g:const-inc:1": MutantResult("a.py:g:const-inc:1", ERROR, error="broke"),
        # a.py:g:const-zero:1 was never graded (interrupted)
    }
    equivalents = {"a.py:g:guard-true:1": "r", "a.py:g:guard-false:1": "r", "a.py:gone:arith:1": "r",
                   "other.py:x:arith:1": "another task's file"}
    summary = mutants.summarise(chosen, outcomes, equivalents, generated, files=["a.py"])
    assert (summary.generated, summary.selected, summary.graded) == (8, 7, 6)
    assert (summary.equivalent, summary.errors, summary.counted) == (2, 1, 3)
    assert (summary.killed, summary.killed_public, summary.survived) == (2, 1, 1)
    assert summary.rate == pytest.approx(2 / 3) and summary.public_rate == pytest.approx(1 / 3)
    assert not summary.goal_met and not summary.public_goal_met
    assert [m.id for m in summary.survivors] == ["a.py:f:arith:1"]
    assert [m.id for m, _ in summary.errored] == ["a.py:g:const-inc:1"]
    assert summary.stale == ["a.py:gone:arith:1"]
    assert summary.equivalent_killed == ["a.py:g:guard-false:1"]
    rows = {r.function: (r.mutants, r.killed, r.public, r.equivalent) for r in summary.functions}
    assert rows == {"f": (3, 2, 1, 0), "g": (0, 0, 0, 2)}


def test_goals_are_met_at_the_thresholds():
    chosen = [fake(f"a.py:f:arith:{i}") for i in range(20)]
    outcomes = {m.id: MutantResult(m.id, KILLED, ["t"], public=i < 15) for i, m in enumerate(chosen)}
    outcomes[chosen[-1].id] = MutantResult(chosen[-1].id, SURVIVED)
    summary = mutants.summarise(chosen, outcomes, {})
    assert (summary.rate, summary.public_rate) == (0.95, 0.75)
    assert summary.goal_met and summary.public_goal_met
    assert [line.endswith(", met") for line in mutants.goal_lines(summary)] == [True, True]


def graded(outcomes, suite="s1"):
    tests = [results.TestResult(name, outcome, hidden=name.startswith("hidden")) for name, outcome in outcomes.items()]
    exercise = results.ExerciseResult(id="01.1", title="t", possible=10, doc="d", tests=tests)
    return results.TaskResult(task="01", title="t", impl="x", stack="embedded", exercises=[exercise],
                      provenance={"suite_sha256": suite})


def test_a_mutant_is_killed_by_a_test_that_passed_on_the_baseline_and_not_on_it():
    baseline = mutants.Baseline(10, 10, {"public_a": False, "hidden_b": True}, 1.0, "s1")
    survived = mutants.judge("m", graded({"public_a": PASSED, "hidden_b": PASSED}), baseline)
    assert (survived.status, survived.killed_by) == (SURVIVED, [])
    hidden = mutants.judge("m", graded({"public_a": PASSED, "hidden_b": TIMEOUT}), baseline)
    assert (hidden.status, hidden.killed_by, hidden.public) == (KILLED, ["hidden_b"], False)
    public = mutants.judge("m", graded({"public_a": FAILED, "hidden_b": FAILED}), baseline)
    assert (public.status, public.public) == (KILLED, True) and public.first_failure.startswith("public_a: failed")
    # tests edited since the baseline decide nothing: a vanished test is no kill
    for changed in (graded({"public_a": PASSED}), graded({"public_a": FAILED, "hidden_b": PASSED}, suite="s2")):
        outcome = mutants.judge("m", changed, baseline)
        assert (outcome.status, outcome.error) == (ERROR, mutants.CHANGED_TESTS)
    broken = graded({"public_a": PASSED, "hidden_b": PASSED}).not_graded("not graded: the stack is down")
    assert mutants.judge("m", broken, baseline).status == ERROR


def test_the_equivalents_file_is_read_and_checked(tmp_path):
    path = tmp_path / "eq.toml"
    path.write_text('# reviewed\n[[equivalent]]\nid = "a.py:f:arith:1"\nreason = "x is 0 there"\n')
    assert mutants.load_equivalents(path) == {"a.py:f:arith:1": "x is 0 there"}
    assert mutants.load_equivalents(tmp_path / "none.toml") == {}
    for bad in ('[[equivalent]]\nid = "a"\n', '[[equivalent]]\nid = "a"\nreason = " "\n',
                '[[equivalent]]\nid = "a"\nreason = "r"\n[[equivalent]]\nid = "a"\nreason = "r"\n', "id = ["):
        path.write_text(bad)
        with pytest.raises(mutants.UsageError):
            mutants.load_equivalents(path)


def test_the_kits_equivalents_file_names_only_existing_mutants(course):
    equivalents = mutants.load_equivalents()
    for task in course.tasks:
        if task.files:
            sources = mutants.learner_sources(task, course)
            generated = [m for rel, text in sources.items() for m in mutants.generate(text, rel)]
            assert mutants.summarise([], {}, equivalents, generated, sources).stale == []


# -- misuse and one real run ------------------------------------------------------------------


def test_misuse_exits_2():
    runner = CliRunner()
    unknown = runner.invoke(cli.app, ["mutants", "42"])
    assert unknown.exit_code == 2 and "There is no task '42'" in unknown.output
    no_files = runner.invoke(cli.app, ["mutants", "00"])
    assert no_files.exit_code == 2 and "has no learner files" in no_files.output
    nothing = runner.invoke(cli.app, ["mutants", "01", "--function", "no_such_function"])
    assert nothing.exit_code == 2 and "no mutants" in nothing.output
    services = runner.invoke(cli.app, ["mutants", "01", "--stack", "services"])
    assert services.exit_code == 2 and "--stack must be embedded or local" in services.output


def test_a_real_run_on_task_01(course):
    started = time.monotonic()
    report = mutants.run(course.find("01"), course, function="validate_password", limit=6, jobs=2)
    assert time.monotonic() - started < 180
    assert report.baseline.total == report.baseline.possible == 100
    hidden = sum(report.baseline.passed.values())
    assert 0 < hidden < len(report.baseline.passed)  # public and hidden tests both ran
    summary = report.summary
    assert summary.selected == summary.graded == 6 < summary.generated
    assert summary.killed + summary.survived + summary.equivalent + summary.errors == summary.graded
    assert summary.errors == 0, summary.errored
    assert 0 <= summary.killed_public <= summary.killed
    assert sum(r.mutants for r in summary.functions) == summary.counted
    assert sum(r.killed for r in summary.functions) == summary.killed
    assert {r.function for r in summary.functions} == {"AuthService.validate_password"}
    # removing the length check entirely cannot go unnoticed
    assert report.results["backend/services/auth.py:AuthService.validate_password:remove-stmt:2"].status == KILLED
    document = mutants.to_dict(report)
    assert document["graded"] == 6 and len(document["mutants"]) == 6
    assert {m["status"] for m in document["mutants"]} <= {KILLED, SURVIVED}


def test_a_test_meant_for_a_real_server_judges_no_mutant_on_embedded():
    baseline = mutants.Baseline(9, 10, {"public_a": False}, 1.0, "s1", waiting={"public_cost"})
    survived = mutants.judge("m", graded({"public_a": PASSED, "public_cost": results.NEEDS_SERVICES}), baseline)
    assert (survived.status, survived.killed_by) == (SURVIVED, [])
    killed = mutants.judge("m", graded({"public_a": FAILED, "public_cost": results.NEEDS_SERVICES}), baseline)
    assert (killed.status, killed.killed_by) == (KILLED, ["public_a"])
