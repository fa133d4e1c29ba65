"""``grade release``: the learner copy of the kit holds no solution and no hidden test (by
path and by content), and grading from it says that the hidden tests were not run."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader import KIT_ROOT, manifest, release


@pytest.fixture(scope="module")
def learner_copy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "kit"
    done = subprocess.run([sys.executable, "-m", "grader", "release", str(out)], capture_output=True, text=True,
                          cwd=KIT_ROOT)
    assert done.returncode == 0, done.stderr
    return out


def _grade(kit: Path, *args: str) -> subprocess.CompletedProcess:
    """``grade`` as the learner release runs it: its own grader package, not this checkout's."""
    env = {**os.environ, "PYTHONPATH": str(kit)}
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=kit, env=env)


def test_the_release_has_no_solution_and_no_hidden_test(learner_copy):
    course = manifest.load()
    assert not (learner_copy / course.solutions).exists()
    for task in course.tasks:
        assert not (learner_copy / task.hidden_tests).exists(), task.hidden_tests
        assert (learner_copy / task.public_tests).is_dir(), task.public_tests  # the public ones are there
    assert not (learner_copy / "grader" / "hidden").exists()
    # the reviewed mutants and must breakers quote the solutions' code
    assert not (learner_copy / "grader" / "equivalent_mutants.toml").exists()
    assert not (learner_copy / "grader" / "must_breakers.toml").exists()
    assert release.leaks(learner_copy, course) == []
    # By name too: no hidden test function appears anywhere in the release.
    hidden_names = {m for t in course.tasks if (KIT_ROOT / t.hidden_tests).is_dir()
                    for f in (KIT_ROOT / t.hidden_tests).rglob("*.py")
                    for m in re.findall(r"def (test_\w+)", f.read_text())}
    assert hidden_names
    public_names = {m for t in course.tasks for f in (KIT_ROOT / t.public_tests).rglob("*.py")
                    for m in re.findall(r"def (test_\w+)", f.read_text())}
    text = "\n".join(p.read_text(errors="replace") for p in learner_copy.rglob("*") if p.is_file())
    leaked = sorted(n for n in hidden_names - public_names if re.search(rf"\b{n}\b", text))
    assert leaked == []
    assert (learner_copy / "starter" / "backend" / "services" / "auth.py").is_file()
    assert (learner_copy / release.MARKER).is_file()


def test_the_leak_check_finds_a_solution_pasted_elsewhere(learner_copy, tmp_path):
    course = manifest.load()
    solution = (KIT_ROOT / "solutions" / "backend" / "services" / "users.py").read_text()
    planted = learner_copy / "tasks" / "notes.md"
    planted.write_text("Some notes\n" + solution)
    try:
        assert any("contains solutions/backend/services/users.py" in p for p in release.leaks(learner_copy, course))
    finally:
        planted.unlink()
    hidden = next((KIT_ROOT / "grader" / "hidden" / "task01").glob("*.py"))
    copy = learner_copy / "grader" / "public" / "task01" / "test_renamed.py"
    copy.write_bytes(hidden.read_bytes())
    try:
        assert any("is a copy of grader/hidden/task01" in p for p in release.leaks(learner_copy, course))
    finally:
        copy.unlink()


def test_grading_from_the_release_says_hidden_tests_were_not_run(learner_copy, tmp_path):
    out = tmp_path / "results.json"
    done = _grade(learner_copy, "01", "--impl", str(KIT_ROOT / "solutions"), "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "Hidden tests were not run" in done.stdout
    results = json.loads(out.read_text())
    assert results["hidden_tests_run"] is False and results["total"] == 100
    assert not any(t["hidden"] for e in results["exercises"] for t in e["tests"])
    # The full kit runs them and says nothing of the kind.
    full = subprocess.run([sys.executable, "-m", "grader", "01", "--impl", "solutions", "--json", str(out)],
                          capture_output=True, text=True, cwd=KIT_ROOT)
    assert "Hidden tests were not run" not in full.stdout
    assert json.loads(out.read_text())["hidden_tests_run"] is True


def test_the_release_refuses_what_needs_the_solutions(learner_copy):
    for args, says in ((["01", "--impl", "solutions"], "no solutions/ folder"),
                       (["selftest"], "learner release"), (["mutants", "01"], "learner release")):
        done = _grade(learner_copy, *args)
        assert done.returncode == 2 and says in done.stderr, (args, done.stderr)


def test_release_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").write_text("")
    course = manifest.load()
    with pytest.raises(release.ReleaseError, match="not an empty folder"):
        release.write(tmp_path, course)
    with pytest.raises(release.ReleaseError, match="inside the kit"):
        release.write(KIT_ROOT / "release-here", course)
    assert (tmp_path / "x").is_file() and not (KIT_ROOT / "release-here").exists()


def test_the_docs_site_builds_strictly_from_the_release(learner_copy, tmp_path):
    """Learners read the docs as a website: nothing the release leaves out may break a link."""
    env = {**os.environ, "PYTHONPATH": str(learner_copy), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=learner_copy, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "site" / "tasks" / "01-user" / "index.html").is_file()
