"""The instructors' GitHub Actions workflow grades a fork from the instructor's checkout in
the trusted mode, and never runs the fork's own code or grader; its grading command is run
here as written (without sudo) to prove its options and outputs."""

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import yaml

from grader import KIT_ROOT

WORKFLOW = KIT_ROOT / ".github" / "workflows" / "grade-fork.yml"


def _workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as true
    return data


def _steps() -> list[dict]:
    return _workflow()["jobs"]["grade"]["steps"]


def _grade_step() -> dict:
    return next(s for s in _steps() if "grade" in s.get("run", "") and "--stack" in s["run"])


def test_it_is_started_by_hand_with_read_only_rights():
    data = _workflow()
    assert set(data["on"]) == {"workflow_dispatch"}  # never on a fork's push or pull request
    assert {"fork", "task"} <= set(data["on"]["workflow_dispatch"]["inputs"])
    assert data["permissions"] == {"contents": "read"}


def test_the_fork_is_data_and_the_kit_grades_it():
    steps = _steps()
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    kit, fork = (next(s for s in checkouts if s["with"]["path"] == p) for p in ("kit", "fork"))
    assert "repository" not in kit["with"]  # this repository: the instructor's copy
    assert fork["with"]["repository"] == "${{ inputs.fork }}" and fork["with"]["persist-credentials"] is False
    for step in steps:  # nothing runs inside the fork's folder, nor any of its files
        assert step.get("working-directory", "kit") == "kit", step
        assert "fork/" not in step.get("run", "").replace("../fork ", ""), step
    grade = _grade_step()
    assert grade["working-directory"] == "kit"
    command = grade["run"]
    assert ".venv/bin/grade" in command and "--stack local" in command and "--impl ../fork" in command
    assert "sudo" in command  # as root: the learner's app gets a user id and a root of its own
    for action in (s["uses"] for s in steps if "uses" in s):
        assert "@" in action and not action.endswith(("@main", "@master")), action  # pinned to a release


def test_its_grading_command_works_as_written(tmp_path):
    """The step's script, with sudo dropped (the tests run as root or as the kit's owner),
    ${TASK} set, and ../fork and ../out pointing at a fork and a folder made here."""
    fork = tmp_path / "fork"
    shutil.copytree(KIT_ROOT / "starter", fork / "starter", ignore=shutil.ignore_patterns("__pycache__"))
    for rel in ("backend/services/auth.py", "backend/services/users.py"):
        shutil.copy(KIT_ROOT / "solutions" / rel, fork / "starter" / rel)
    script = _grade_step()["run"].replace("sudo --preserve-env=GITHUB_STEP_SUMMARY ", "")
    script = script.replace("../fork", str(fork)).replace("../out", str(tmp_path / "out"))
    summary = tmp_path / "summary.md"
    env = {**os.environ, "TASK": "01", "GITHUB_STEP_SUMMARY": str(summary)}
    env.pop("APP_URL", None)
    done = subprocess.run(["bash", "-c", script], cwd=KIT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    results = json.loads((out / "results.json").read_text())
    assert results["total"] == 100 and results["stack"] == "local" and results["hidden_tests_run"]
    assert json.loads((out / "gradescope.json").read_text())["score"] == 100
    assert ET.parse(out / "junit.xml").getroot().tag == "testsuites"
    assert "100 / 100" in summary.read_text()
