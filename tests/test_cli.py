"""The grade command as a learner, an instructor and CI use it."""

import hashlib
import json
import shutil

import pytest
from typer.testing import CliRunner

from grader import KIT_ROOT, cli
from grader.grading import manifest
from grader.desk import state

runner = CliRunner()


@pytest.fixture(autouse=True)
def state_file(tmp_path, monkeypatch):
    path = tmp_path / "state.json"
    monkeypatch.setattr(state, "STATE_PATH", path)
    return path


def invoke(*args):
    return runner.invoke(cli.app, list(args) if args[0] in cli.COMMANDS else ["task", *args])


def test_an_unknown_task_is_a_one_line_error():
    result = invoke("42")
    assert result.exit_code == 2
    listed = ", ".join(f"{t.id} ({t.slug})" for t in manifest.load().tasks)
    assert f"There is no task '42'. Valid tasks: {listed}." in result.output
    assert "00 (setup), 01 (user)" in listed


def test_a_missing_impl_path_is_a_one_line_error(tmp_path):
    result = invoke("01", "--impl", str(tmp_path / "nowhere"))
    assert result.exit_code == 2 and "no such directory" in result.output


def test_an_impl_without_the_tasks_files_is_refused(tmp_path):
    result = invoke("01", "--impl", str(tmp_path))
    assert result.exit_code == 2
    assert "backend/services/auth.py" in result.output and "backend/services/users.py" in result.output


def test_an_unknown_stack_is_refused():
    result = invoke("01", "--stack", "cloud")
    assert result.exit_code == 2
    assert "STACK=cloud: there is no such stack; give STACK=embedded, STACK=local or STACK=services" in result.output


def test_json_results_and_saved_progress(tmp_path, state_file, monkeypatch):
    out = tmp_path / "out.json"
    mine = tmp_path / "mine"
    shutil.copytree(KIT_ROOT / "solutions", mine)  # a learner whose work is complete
    monkeypatch.setenv("GRADE_WORK", str(mine))  # and lives there: it is their progress
    result = invoke("1", "--impl", str(mine), "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "Total: 100 / 100" in result.output
    document = json.loads(out.read_text())
    assert {"task", "impl", "stack", "total", "possible", "exercises"} <= set(document)
    assert (document["task"], document["impl"], document["stack"]) == ("01", str(mine), "embedded")
    assert document["trust"].startswith("self-check")
    taken = {f["path"]: f["sha256"] for f in document["learner_files"]}
    auth = (mine / "backend" / "services" / "auth.py").read_bytes()
    assert taken["backend/services/auth.py"] == hashlib.sha256(auth).hexdigest()
    assert len(document["suite_sha256"]) == 64 and document["kit_commit"]
    assert document["total"] == document["possible"] == 100
    first = document["exercises"][0]
    assert {"id", "title", "score", "possible", "status", "tests"} <= set(first)
    assert {"name", "outcome", "message", "hidden"} <= set(first["tests"][0])
    assert any(t["hidden"] for e in document["exercises"] for t in e["tests"])
    saved = json.loads(state_file.read_text())
    assert saved["01"]["total"] == 100
    progress = invoke("progress")
    assert "100 / 100" in progress.output and "not graded yet" in progress.output


def test_the_starter_scores_zero_with_a_reason_per_exercise(course):
    result = runner.invoke(cli.app, ["task", "user"], env={"COLUMNS": "250"})  # one unwrapped line per exercise
    assert result.exit_code == 0
    assert "Total: 0 / 100" in result.output
    lines = result.output.splitlines()
    for exercise in course.find("01").exercises:  # under the table: its problem, or the earlier one it shares
        heading = [n for n, line in enumerate(lines) if line.startswith(f"{exercise.id} {exercise.title}")]
        assert len(heading) == 1, (exercise.id, result.output)
        line = lines[heading[0]]
        assert line.endswith(" as 01.1.") or "not implemented yet" in lines[heading[0] + 1], line


def test_main_treats_a_bare_task_id_as_the_task_command(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "app", lambda args, prog_name: seen.append(args))
    cli.main(["01", "--impl", "solutions"])
    cli.main(["selftest"])
    assert seen == [["task", "01", "--impl", "solutions"], ["selftest"]]


def test_a_whole_fork_can_be_graded(tmp_path):
    import shutil

    from grader import KIT_ROOT

    fork = tmp_path / "fork"
    shutil.copytree(KIT_ROOT / "solutions", fork / "starter")
    result = invoke("01", "--impl", str(fork))
    assert result.exit_code == 0 and "Total: 100 / 100" in result.output, result.output


def test_a_broken_install_is_a_one_line_error(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "beanie" else real(name, *a))
    result = invoke("01")
    assert result.exit_code == 2
    assert "broken install: beanie cannot be imported" in result.output


def test_a_manifest_without_its_format_version_is_a_one_line_error(tmp_path, monkeypatch):
    from grader.grading import manifest

    old = tmp_path / "course.toml"
    old.write_text((KIT_ROOT / "course.toml").read_text().replace("format_version = 1\n", ""))
    monkeypatch.setattr(manifest.load, "__defaults__", (old,))
    result = invoke("list")
    assert result.exit_code == 2
    assert result.output.strip() == (f"grade: The course manifest {old} has no format_version in [course]; "
                                     "this grader reads format_version = 1.")


def test_one_exercise_is_graded_alone_and_leaves_the_tasks_progress_alone(state_file, tmp_path):
    out = tmp_path / "one.json"
    result = invoke("01.7", "--impl", "solutions", "--json", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [e["id"] for e in data["exercises"]] == ["01.7"] and data["total"] == data["possible"]
    assert not state_file.exists()  # one exercise is not the task's score


def test_ci_outputs_are_written_with_the_json(tmp_path, monkeypatch):
    """--junit, --gradescope and GITHUB_STEP_SUMMARY come from the same grading as --json
    (their formats are checked in test_outputs.py)."""
    import xml.etree.ElementTree as ET

    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    files = {name: tmp_path / name for name in ("r.json", "junit.xml", "gradescope.json")}
    result = invoke("01.7", "--impl", "solutions", "--json", str(files["r.json"]), "--junit", str(files["junit.xml"]),
                    "--gradescope", str(files["gradescope.json"]))
    assert result.exit_code == 0, result.output
    document = json.loads(files["r.json"].read_text())
    cases = ET.parse(files["junit.xml"]).getroot().iter("testcase")
    assert sorted(c.get("name") for c in cases) == sorted(t["name"] for e in document["exercises"] for t in e["tests"])
    assert json.loads(files["gradescope.json"].read_text())["score"] == document["total"] == 5
    text = summary.read_text()
    assert text.startswith("earlier step\n") and "01.7" in text and "5 / 5" in text


def test_an_unwritable_ci_output_is_refused_before_grading(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = invoke("01", "--junit", str(tmp_path / "missing" / "junit.xml"))
    assert result.exit_code == 2 and "--junit" in result.output and "does not exist" in result.output
    assert "Total" not in result.output


def test_an_unwritable_step_summary_is_reported_and_the_other_files_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no-such-dir" / "summary.md"))
    out = tmp_path / "r.json"
    result = invoke("01.7", "--impl", "solutions", "--json", str(out))
    assert result.exit_code == 2 and "GITHUB_STEP_SUMMARY" in result.output
    assert json.loads(out.read_text())["total"] == 5
