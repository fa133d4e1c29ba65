"""A new learner's first hour, from a fresh clone (issue 18): every command the kit prints
works in a new shell from the kit's folder (the make form: `grade` is in .venv/bin, not on
the PATH); the scorecard shows each unfinished exercise's first problem whole at any width,
and --verbose every test; exercise ids are taken as typed; an empty make variable gets one
line; a stub of one exercise that stops another's tests points at the stub's section; a hint
is offered only for an exercise the learner has started."""

import ast
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from grader import KIT_ROOT, cli, render
from grader.desk import hints, state
from grader.grading.protocol import FAILED, PASSED
from grader.grading.results import ExerciseResult, TaskResult
from grader.grading.results import TestResult as Verdict  # pytest would collect a class named Test*

runner = CliRunner()
STAMP = ".venv/.installed"
# The tests run inside an installed virtualenv: `make` must never rebuild it (its stamp may be
# older than a freshly checked-out pyproject.toml), only run the target asked for.
NO_SETUP = [f"--old-file={STAMP}"]
# A command the kit used to print: `grade ...` for a learner's command, or a bare CLI option
# a learner cannot give to make (`make grade TASK=01 --stack local` is make's own option).
OLD_FORM = re.compile(r"`grade (?:\d|[A-Za-z]+\d|hint|watch|doctor|progress|list|serve|task)\b"
                      r"|\bgrade (?:hint|watch|doctor|progress|list|serve)\b|\bgrade \d"
                      r"|(?<![\w-])--(?:stack|impl|verbose)\b")
MAKE_COMMAND = re.compile(r"\bmake [a-z][a-z-]*(?: [A-Z][A-Z_]*=(?:'[^']*'|[^\s`'.,;)]*(?:\.[^\s`'.,;)]+)*))*")
# Commands of instructors and course authors (`grade mutants`, `grade batch`, ...): they run the
# CLI itself, and their messages may name its options.
AUTHOR_COMMANDS = {"mutants_command", "batch_command", "release_command", "new_task_command", "selftest_command"}


@pytest.fixture
def progress(tmp_path, monkeypatch):
    path = tmp_path / ".grade-state.json"
    monkeypatch.setattr(state, "STATE_PATH", path)
    return path


def _new_shell_env(state_file: Path) -> dict[str, str]:
    """The environment of a new shell in the kit's folder: no virtualenv on the PATH, none
    active, no make variables inherited; a private progress file (never the kit's own)."""
    venv_bins = {os.path.realpath(Path(sys.prefix) / "bin"), os.path.realpath(KIT_ROOT / ".venv" / "bin")}
    path = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep)
            if p and os.path.realpath(p) not in venv_bins]
    env = {k: v for k, v in os.environ.items() if k not in {
        "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "MAKEFLAGS", "MAKELEVEL", "MFLAGS",
        "TASK", "IMPL", "STACK", "EX", "VERBOSE"}}
    env.update(PATH=os.pathsep.join(path), GRADE_STATE=str(state_file), COLUMNS="200")
    return env


def _make(args: list[str], state_file: Path, dry: bool = False) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.skip("make is not installed here")
    command = ["make", *(["-n"] if dry else []), *NO_SETUP, *args]
    return subprocess.run(command, cwd=KIT_ROOT, env=_new_shell_env(state_file), capture_output=True, text=True,
                          timeout=120)


def _plain(text: str) -> str:
    return " ".join(text.split())


# -- 1. the commands the kit prints ------------------------------------------------------------


def _printed_strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that can reach a learner: not docstrings, not the
    CLI's --help texts (they describe the CLI itself), not an argv's option name, not the
    commands of instructors and course authors."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            skip.add(id(first.value))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("Option", "Argument"):
            skip.update(id(sub) for sub in ast.walk(node))
        if isinstance(node, ast.FunctionDef) and node.name in AUTHOR_COMMANDS:
            skip.update(id(sub) for sub in ast.walk(node))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            and not re.fullmatch(r"--[a-z-]+", node.value)]


def _old_forms(paths) -> list[str]:
    return [f"{path.relative_to(KIT_ROOT)}:{line}: {match.group(0)!r} in {text[:120]!r}"
            for path in paths for line, text in _printed_strings(path) for match in OLD_FORM.finditer(text)]


OURS = [KIT_ROOT / "grader" / rel for rel in ("cli.py", "desk/hints.py", "desk/watch.py", "checks/scaffold.py")]
OURS += sorted((KIT_ROOT / "grader" / "render").glob("*.py"))


def test_the_cli_and_renderers_print_no_grade_command_and_no_bare_option():
    assert _old_forms(OURS) == []


def test_nothing_the_grader_prints_names_a_grade_command_or_a_bare_option():
    assert _old_forms(sorted((KIT_ROOT / "grader").rglob("*.py"))) == []


def test_the_task_docs_hint_intros_name_the_make_form(course):
    for task in course.tasks:
        text = (KIT_ROOT / task.doc).read_text(encoding="utf-8")
        assert "`grade hint" not in text, task.doc
        for exercise in task.exercises if task.kind == "code" else ():
            assert hints.intro_line(exercise.id) in text.splitlines(), exercise.id
    assert hints.intro_line("01.4") == "**Hints** (collapsed; `make hint EX=01.4` shows them one at a time):"


def _what_a_learner_sees(tmp_path, monkeypatch) -> str:
    """The scorecard (with a hint offered), a hint, the verbose scorecard's pointer and the
    errors a learner meets, as printed."""
    monkeypatch.setattr(state, "STATE_PATH", tmp_path / "state.json")
    shown = []
    out = runner.invoke(cli.app, ["task", "01"], env={"COLUMNS": "200"})
    shown.append(out.output)
    started = _result([("01.2", FAILED, "POST /register with a weak password: expected HTTP 422, got HTTP 201")])
    console = Console(file=io.StringIO(), width=200)
    render.compact(started, console, stuck=frozenset({"01.2"}), verbose_command=render.commands.grade(
        "01", "/tmp/my fork", "local", verbose=True))
    shown.append(console.file.getvalue())
    for args in (["hint", "01.1"], ["hint", "01"], ["hint", ""], ["task", ""], ["task", "01.9"],
                 ["task", "01", "--stack", "cloud"], ["task", "01", "--impl", ""], ["watch", "00"],
                 ["watch", "01", "--stack", "services"], ["watch", ""]):
        out = runner.invoke(cli.app, args, env={"COLUMNS": "200"})
        shown.append(out.output)
    return "\n".join(shown)


def test_every_command_printed_for_a_learner_is_a_make_command_of_the_makefile(tmp_path, monkeypatch):
    seen = _what_a_learner_sees(tmp_path, monkeypatch)
    assert not OLD_FORM.search(_plain(seen)), seen
    printed = sorted({m.group(0) for m in MAKE_COMMAND.finditer(seen)})
    expected = {"make grade TASK=01 VERBOSE=1", "make hint EX=01.2", "make hint EX=01.1", "make grade TASK=01",
                "make grade TASK=01 IMPL='/tmp/my fork' STACK=local VERBOSE=1", "make grade TASK=00",
                "make watch TASK=01"}
    assert expected <= set(printed), printed
    state_file = tmp_path / "dry-state.json"
    for command in printed:
        target, *variables = shlex.split(command)[1:]
        base = _make([target], state_file, dry=True)
        assert base.returncode == 0 and "-m grader" in base.stdout, (command, base.stdout, base.stderr)
        run = _make([target, *variables], state_file, dry=True)
        assert run.returncode == 0, (command, run.stderr)
        for variable in variables:
            name, _, value = variable.partition("=")
            probe = _make([target, f"{name}=zz-probe"], state_file, dry=True)
            assert probe.stdout != base.stdout, (command, name)  # a variable the target passes on
            flag = run.stdout.split()[-1]
            passed_on = f'"{value}"' in run.stdout or (name, value, flag) == ("VERBOSE", "1", "--verbose")
            assert passed_on, (command, run.stdout)  # with the value printed
    assert not state_file.exists()


def test_a_printed_command_runs_in_a_new_shell_from_the_kit_folder(tmp_path, course):
    state_file = tmp_path / "new-shell" / ".grade-state.json"
    env = _new_shell_env(state_file)
    assert "VIRTUAL_ENV" not in env
    venv_bin = os.path.realpath(KIT_ROOT / ".venv" / "bin")
    assert all(os.path.realpath(p) != venv_bin for p in env["PATH"].split(os.pathsep))
    done = _make(shlex.split(render.commands.hint("01.1"))[1:], state_file)
    assert done.returncode == 0, done.stdout + done.stderr
    ladder = hints.for_exercise(course, "01.1")
    assert f"Hint 1 of {len(ladder)} for 01.1 Register consumers and leaders" in done.stdout
    assert _plain(ladder[0].split("`")[0][:60]) in _plain(done.stdout)
    assert state_file.exists()  # the private progress file took the hint, not the kit's own


def test_make_gives_an_empty_variable_to_the_cli_which_answers_in_one_line(tmp_path):
    state_file = tmp_path / ".grade-state.json"
    for args, says in ((["grade", "TASK="], "give a task: make grade TASK=01"),
                       (["hint", "EX="], "give an exercise: make hint EX=01.1"),
                       (["watch", "TASK="], "give a task: make watch TASK=01"),
                       (["grade", "IMPL="], "IMPL is empty: give IMPL=starter"),
                       (["grade", "STACK="], "STACK=: there is no such stack")):
        done = _make(args, state_file)
        lines = (done.stdout + done.stderr).strip().splitlines()
        assert done.returncode != 0 and len(lines) <= 2, (args, lines)  # the CLI's line, and make's "Error 2"
        assert lines[0].startswith("grade: ") and says in lines[0], (args, lines)
        assert "No such option" not in done.stderr
    verbose = _make(["grade", "TASK=01", "VERBOSE=1"], state_file, dry=True)
    assert verbose.stdout.rstrip().endswith("--verbose")
    quiet = _make(["grade", "TASK=01", "VERBOSE=0"], state_file, dry=True)
    assert "--verbose" not in quiet.stdout


# -- 2. the first problem, whole at any width; every test with --verbose -----------------------

LONG = ("POST /register with a password that meets every rule of the policy but carries the local part of "
        "the email in capitals: expected HTTP 422 with error 'validation_error', got HTTP 201 with the new "
        "account, so a password that holds the email's local part in another case was accepted")


def _t(name, outcome, message=""):
    return Verdict(f"grader/public/task01/test_x.py::{name}", outcome, message)


def _result(failing: list[tuple[str, str, str]]) -> TaskResult:
    """Task 01's first exercises: 01.1 complete, then one failing test per (id, outcome, message)."""
    exercises = [ExerciseResult("01.1", "Register consumers and leaders", 15, "tasks/01-user.md#011-register",
                                [_t("test_ok", PASSED)])]
    titles = {"01.2": "Password policy", "01.3": "Verify the email address", "01.4": "Log in"}
    for exercise_id, outcome, message in failing:
        exercises.append(ExerciseResult(exercise_id, titles[exercise_id], 10, f"tasks/01-user.md#{exercise_id}",
                                        [_t("test_a_passing_one", PASSED), _t("test_a_failing_one", outcome, message)]))
    return TaskResult("01", "Users and authentication", "starter", "embedded", exercises, duration=1.0)


def _compact(result, **console_args) -> str:
    console = Console(file=io.StringIO(), **console_args)
    render.compact(result, console, verbose_command="make grade TASK=01 VERBOSE=1")
    return console.file.getvalue()


@pytest.mark.parametrize("console_args", [{"width": 60}, {"width": 200}, {"force_terminal": True, "width": 60},
                                          {}], ids=["60", "200", "terminal-60", "ci"])
def test_the_first_problem_of_every_unfinished_exercise_is_shown_whole(console_args, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)  # a console that is no terminal (a CI log) is then 80 wide
    result = _result([("01.2", FAILED, LONG), ("01.3", FAILED, "GET /verify: expected HTTP 200, got HTTP 404"),
                      ("01.4", FAILED, LONG)])
    out = _compact(result, **console_args)
    if "force_terminal" in console_args:
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    width = console_args.get("width", 80)
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines), [line for line in lines if len(line) > width]
    rows = [line for line in lines if line.startswith(("✓", "✗", "~"))]
    assert len(rows) == 4 and all("expected" not in row for row in rows), rows  # the table stays short
    assert "01.2 Password policy" in rows[1] and rows[1].split()[-1] == "partial"
    assert _plain(LONG) in _plain(out)  # whole, wrapped at word boundaries
    assert "GET /verify: expected HTTP 200, got HTTP 404" in _plain(out)
    assert "01.4 Log in: the same problem as 01.2." in out
    assert not any(line.startswith(("POST", "GET", "expected")) for line in lines)  # learner text is indented
    assert all(not line.endswith(" ") for line in lines)


def test_the_scorecard_of_a_real_grading_shows_the_stub_message_whole_at_60_columns():
    out = runner.invoke(cli.app, ["task", "01"], env={"COLUMNS": "60"})
    assert out.exit_code == 0
    assert all(len(line) <= 60 for line in out.output.splitlines())
    assert ("POST /register: not implemented yet: AuthService.register still raises NotImplementedError "
            "(at backend/services/auth.py:") in _plain(out.output)
    assert "`make grade TASK=01 VERBOSE=1`" in out.output


def _column(out: str, header: str, name: str) -> str:
    """The text of one column of the verbose view's test tables, read down the screen."""
    texts = []
    lines = out.splitlines()
    for n, line in enumerate(lines):
        if line.strip().startswith("Test") and name in line:
            start = line.index(name)
            end = next((line.index(col) for col in header.split() if line.find(col) > start), None)
            for row in lines[n + 2:]:  # the rows, up to the line after the table
                if not row.strip() or not row.startswith("  ") or row.startswith("  read "):
                    break
                texts.append(row[start:end])
    return _plain(" ".join(texts))


def test_verbose_shows_every_test_with_its_outcome_and_message_whole():
    result = _result([("01.2", FAILED, LONG), ("01.3", FAILED, "GET /verify: expected HTTP 200, got HTTP 404")])
    console = Console(file=io.StringIO(), width=80)
    render.scorecard(result, console)
    out = console.file.getvalue()
    assert _column(out, "Test Outcome Message", "Message") == _plain(
        " ".join([LONG, "GET /verify: expected HTTP 200, got HTTP 404"]))
    assert _column(out, "Test Outcome Message", "Outcome").split() == [
        "passed", "passed", "failed", "passed", "failed"]
    assert _column(out, "Test Outcome Message", "Test").count("a failing one") == 2
    assert "1 of 1 tests passed" in out and out.count("1 of 2 tests passed") == 2
    assert "read tasks/01-user.md#01.2" in out


def test_verbose_of_a_real_grading_lists_every_test(tmp_path):
    import json

    out = tmp_path / "r.json"
    shown = runner.invoke(cli.app, ["task", "01.4", "--verbose", "--json", str(out)], env={"COLUMNS": "400"})
    assert shown.exit_code == 0
    tests = json.loads(out.read_text())["exercises"][0]["tests"]
    rows = [line for line in shown.output.splitlines() if " failed " in line]
    assert len(rows) == len(tests) >= 4
    for test in tests:
        name = test["name"].rpartition("::")[2].removeprefix("test_").replace("_", " ")
        assert any(name in row and _plain(test["message"])[:80] in row for row in rows), name


# -- 3. the smaller ones ------------------------------------------------------------------------


def test_an_exercise_the_task_lacks_is_named_with_the_tasks_exercises():
    out = runner.invoke(cli.app, ["task", "01.9"])
    assert out.exit_code == 2
    assert _plain(out.output).startswith(
        "grade: There is no exercise 01.9 in Task 01 (Users and authentication); its exercises are "
        "01.1 Register consumers and leaders, 01.2 Password policy,")
    assert "no task" not in out.output


def test_an_exercise_id_is_taken_in_the_forms_a_task_id_is(progress, tmp_path):
    short = runner.invoke(cli.app, ["hint", "1.1", "--all"], env={"COLUMNS": "200"})
    full = runner.invoke(cli.app, ["hint", "01.1", "--all"], env={"COLUMNS": "200"})
    assert short.exit_code == 0 and short.output == full.output and "for 01.1 Register" in short.output
    out = tmp_path / "one.json"
    graded = runner.invoke(cli.app, ["task", "1.7", "--impl", "solutions", "--json", str(out)])
    assert graded.exit_code == 0 and '"id": "01.7"' in out.read_text()
    assert "There is no exercise 1.9 in Task 01" in runner.invoke(cli.app, ["hint", "1.9"]).output


def test_services_without_mongodb_is_not_graded_exit_3(monkeypatch):
    monkeypatch.setenv("MONGODB_URL", "mongodb://127.0.0.1:9")  # the discard port: nothing answers
    out = runner.invoke(cli.app, ["task", "01", "--stack", "services"], env={"COLUMNS": "100"})
    assert out.exit_code == 3, out.output
    assert "not graded: the services stack is not ready" in out.output
    assert out.output.count("not graded:") == 1  # one reason, said once
    assert "Total: 0 / 100" in out.output and "VERBOSE=1" not in out.output


def test_services_without_mongodb_gives_pymongos_message_uncut(monkeypatch):
    monkeypatch.setenv("MONGODB_URL", "mongodb://127.0.0.1:9")
    out = runner.invoke(cli.app, ["task", "01", "--stack", "services"], env={"COLUMNS": "250"})
    said = _plain(out.output).split(" did not answer (", 1)[1].split("). Start it", 1)[0]
    # The driver's reason whole (its timeouts and topology dump left out), or cut between words.
    assert said.endswith(("Connection refused", "…")) and "Topology" not in said, said


def test_the_doctor_on_services_grades_python_and_the_dependencies_without_mongodb(monkeypatch):
    monkeypatch.setenv("MONGODB_URL", "mongodb://127.0.0.1:9")
    out = runner.invoke(cli.app, ["doctor", "--stack", "services"], env={"COLUMNS": "200"})
    rows = {line.split()[1]: line.split()[-1] for line in out.output.splitlines() if line.startswith(("✓", "✗", "~"))}
    assert rows["00.1"] == rows["00.2"] == "pass", out.output
    assert rows["00.4"] == "fail" and "did not answer a ping" in out.output
    # no broker or MySQL server answers at the defaults either: said, with when they matter
    assert rows["00.5"] == "fail" and "Task 09 and the MySQL track" in _plain(out.output).replace("\n", " ")
    assert "not graded" not in out.output and out.exit_code == 0
    assert "`make doctor STACK=services VERBOSE=1`" in out.output


def _stub(solution_copy: Path, method: str, exercise: str) -> None:
    path = solution_copy / "backend/services/auth.py"
    text = path.read_text()
    start = text.index(f"    def {method}(")
    end = text.index("\n    def ", start + 1) if "\n    def " in text[start + 1:] else len(text)
    signature = text[start:text.index(":\n", start) + 2]
    path.write_text(text[:start] + signature + f'        """Exercise {exercise}."""\n'
                    f'        raise NotImplementedError("AuthService.{method}")\n' + text[end:])


def test_a_stub_that_stops_another_exercise_points_at_its_own_section(tmp_path):
    mine = tmp_path / "mine"
    shutil.copytree(KIT_ROOT / "solutions", mine)
    _stub(mine, "validate_password", "01.2")  # registration (01.1) checks the password with it
    out = runner.invoke(cli.app, ["task", "01", "--impl", str(mine)], env={"COLUMNS": "200"})
    block = out.output.split("\n01.1 Register consumers and leaders\n", 1)[1].split("\n01.", 1)[0]
    assert "AuthService.validate_password still raises NotImplementedError" in block
    assert "read tasks/01-user.md#012-password-policy (exercise 01.2:" in block
    assert "#011-register-consumers-and-leaders" not in block


def test_a_stub_named_without_its_exercise_is_found_from_the_starters_docstrings(course):
    """On a direct call (no app between), the verdict names the method and where it raised."""
    owners = hints.stub_owners(course)
    assert owners["backend/services/auth.py::AuthService.validate_password"] == "01.2"
    message = ("not implemented yet: AuthService.validate_password still raises NotImplementedError "
               "(at backend/services/auth.py:85 in validate_password).")
    blocked = _result([("01.3", FAILED, message)]).exercises[1]
    assert render.stub_exercise(blocked, owners) == "01.2"
    assert render.stub_exercise(blocked, {}) is None
    docs = {"01.2": "tasks/01-user.md#012-password-policy", "01.3": "tasks/01-user.md#013-verify"}
    console = Console(file=io.StringIO(), width=200)
    render.compact(_result([("01.3", FAILED, message)]), console, docs=docs, owners=owners)
    assert "read tasks/01-user.md#012-password-policy (exercise 01.2:" in console.file.getvalue()


def test_a_hint_is_offered_only_for_an_exercise_started_and_not_passed_in_a_row(course, progress, monkeypatch):
    stub = ("POST /register: not implemented yet: AuthService.register still raises NotImplementedError "
            "(at backend/services/auth.py:83 in register) (exercise 01.1).")
    raised = "your code raised ValueError: a first try (at backend/services/auth.py:83 in register)."
    result = _result([("01.2", FAILED, "POST /register with a weak password: expected HTTP 422, got HTTP 201"),
                      ("01.3", FAILED, stub),  # not started: its tests meet a stub
                      ("01.4", FAILED, raised)])  # not started: its tests meet 01.1's method raising
    shown = []
    for _ in range(state.STUCK_AFTER):
        console = Console(file=io.StringIO(), width=200)
        monkeypatch.setattr(cli, "console", console)
        cli.show(result, course, unrecorded="")
        shown.append(console.file.getvalue())
    assert all("stuck?" not in out for out in shown[:-1])
    offered = re.findall(r"stuck\? `(make hint EX=[\d.]+)`", shown[-1])
    assert offered == ["make hint EX=01.2"], shown[-1]
    assert render.started(result.exercises[1]) and not render.started(result.exercises[2])
    assert not render.started(result.exercises[3], hints.stub_owners(course))


def test_gradings_of_an_exercise_not_begun_do_not_count_towards_its_hint(tmp_path):
    path = tmp_path / "state.json"
    stub = _result([("01.2", FAILED, 'NotImplementedError: AuthService.register (exercise 01.2)')])
    for _ in range(3):  # graded three times before the learner touched 01.2
        entry = state.save(stub, path, started=set())
    assert entry["not_passed_in_a_row"]["01.2"] == 0
    begun = _result([("01.2", FAILED, "POST /register with a weak password: expected HTTP 422, got HTTP 201")])
    entry = state.save(begun, path, started={"01.2"})
    assert entry["not_passed_in_a_row"]["01.2"] == 1  # the first grading of a begun exercise: no hint yet
    for _ in range(2):
        entry = state.save(begun, path, started={"01.2"})
    assert entry["not_passed_in_a_row"]["01.2"] == state.STUCK_AFTER


def test_progress_after_a_hint_but_before_any_grading(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    monkeypatch.setattr(state, "STATE_PATH", path)
    state.next_hint("01", "01.1", 3, path)  # `make hint EX=01.1` before any `make grade`
    out = runner.invoke(cli.app, ["progress"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "01" in out.output and "not graded yet" in out.output


def test_serve_passes_an_empty_impl_on_as_one_argument(tmp_path):
    done = _make(["serve", "IMPL="], tmp_path / "state.json", dry=True)
    assert done.returncode == 0 and 'serve --impl "" --reload' in done.stdout, done.stdout
