"""``grade batch``: twenty forks of Task 01 (solutions, a whole kit checkout, the starter, broken
trees, hostile ones from tests/fixtures/hostile) graded in the trusted mode, and the gradebook
and per-fork JSON files checked against what each fork deserves."""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import manifest
from grader.instructor import batch

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ROOT = os.geteuid() == 0
# Hostile forks whose cheat works in the self-check and must earn the stubs' 0 here; the
# second list needs the full sandbox (a user id and a root of their own).
CHEATS = ["patch_verdict", "conftest_hooks", "swap_test_code", "env_canary", "patch_pytest_reports",
          "wrap_recorder_gc", "events_garbage"]
ROOT_CHEATS = ["forge_events", "rewrite_kit_tests", "write_state_file"]
KIT_PARTS = ("grader/public", "grader/hidden", "solutions", "starter", "course.toml")
FILES = ("backend/services/auth.py", "backend/services/users.py")


def _kit_digest() -> str:
    digest = hashlib.sha256()
    for part in KIT_PARTS:
        path = KIT_ROOT / part
        for file in sorted([path] if path.is_file() else path.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file).encode() + file.read_bytes())
    return digest.hexdigest()


def _starter_fork(target: Path) -> Path:
    shutil.copytree(KIT_ROOT / "starter", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _with_solution(target: Path, *files: str) -> Path:
    for rel in files:
        shutil.copy(KIT_ROOT / "solutions" / rel, target / rel)
    return target


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade the twenty forks once (about a minute with two at a time); return (forks, expected, rows, out)."""
    base = tmp_path_factory.mktemp("forks")
    expected: dict[str, dict] = {}  # fork folder -> what its row must show
    paths: list[Path] = []

    def add(path: Path, **want) -> None:
        paths.append(path)
        expected[str(path.absolute())] = want

    add(_with_solution(_starter_fork(base / "sol"), *FILES), status="graded", total=100)
    kit = base / "whole-kit-fork"
    _with_solution(_starter_fork(kit / "starter"), *FILES)
    (kit / "README.md").write_text("a learner's fork of the kit\n")
    add(kit, status="graded", total=100)
    add(_starter_fork(base / "stubs"), status="graded", total=0)
    add(_with_solution(_starter_fork(base / "auth-only"), FILES[0]), status="graded",
        scores={"01.1": 15, "01.4": 25, "01.6": 15, "01.7": 0})
    broken = _with_solution(_starter_fork(base / "syntax"), *FILES)
    (broken / FILES[0]).write_text("def broken(:\n")
    add(broken, status="graded", scores={"01.1": 0, "01.4": 0, "01.7": 5}, reason="SyntaxError")
    lost = _with_solution(_starter_fork(base / "no-users-file"), *FILES)
    (lost / FILES[1]).unlink()
    add(lost, status="not graded", reason="backend/services/users.py")
    add(base / "never-pushed", status="not graded", reason="no such folder")
    linked = _with_solution(_starter_fork(base / "symlinked"), FILES[1])
    (linked / FILES[0]).unlink()
    (linked / FILES[0]).symlink_to(KIT_ROOT / "solutions" / FILES[0])
    add(linked, status="graded", scores={"01.1": 0, "01.4": 0, "01.7": 5}, reason="symbolic link")
    for name in CHEATS + (ROOT_CHEATS if ROOT else []):
        spec = tomllib.loads((HOSTILE / name / "expected.toml").read_text())
        fork = _starter_fork(base / name)
        shutil.copytree(HOSTILE / name, fork, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.toml"))
        add(fork, status="graded", total=spec["local"]["total"])
    while len(paths) < 19:  # without root, plain starters stand in for the root-only cheats
        add(_starter_fork(base / f"stubs-{len(paths)}"), status="graded", total=0)
    clash = base / "elsewhere" / "=sol"  # a name a spreadsheet would run as a formula
    clash.parent.mkdir()
    add(_with_solution(_starter_fork(clash), *FILES), status="graded", total=100)
    listing = base / "class.txt"  # half of the forks come through a list file, with relative paths
    listing.write_text("# Task 01, section A\n\n" + "\n".join(str(p.relative_to(base)) for p in paths[:10]) + "\n")
    course = manifest.load()
    before = _kit_digest()
    out = base / "gradebook"
    rows = batch.run(course.find("01"), batch.read_forks([str(listing), *map(str, paths[10:])]), out, jobs=2,
                     test_timeout=2.0, total_timeout=120)
    assert _kit_digest() == before, "grading the forks changed the kit checkout"
    return paths, expected, rows, out


def test_every_fork_has_a_row_and_a_json_file(graded):
    paths, _expected, rows, out = graded
    assert len(paths) == 20
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        book = list(csv.DictReader(handle))
    assert [r["path"] for r in book] == [str(p.absolute()) for p in paths]
    assert len({r["fork"] for r in book}) == 20, "fork names must be unique"
    for row in book:
        assert (out / f"{row['fork']}.json").is_file(), row["fork"]
    assert set(book[0]) == set(batch.columns(manifest.load().find("01")))


def test_each_row_scores_what_the_fork_deserves(graded):
    _paths, expected, _rows, out = graded
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        book = {r["path"]: r for r in csv.DictReader(handle)}
    wrong = []
    for path, want in expected.items():
        row = book[path]
        if row["status"] != want["status"]:
            wrong.append(f"{row['fork']}: status {row['status']} ({row['reason']}), expected {want['status']}")
        elif "total" in want and float(row["total"]) != want["total"]:
            wrong.append(f"{row['fork']}: total {row['total']}, expected {want['total']}")
        for exercise, score in want.get("scores", {}).items():
            if float(row[exercise]) != score:
                wrong.append(f"{row['fork']}: {exercise} scored {row[exercise]}, expected {score}")
        if "reason" in want and want["reason"] not in row["reason"]:
            wrong.append(f"{row['fork']}: reason {row['reason']!r} does not mention {want['reason']!r}")
    assert not wrong, "\n".join(wrong)


def test_the_gradebook_agrees_with_each_forks_json(graded):
    _paths, _expected, _rows, out = graded
    course = manifest.load()
    task = course.find("01")
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        book = list(csv.DictReader(handle))
    for row in book:
        results = json.loads((out / f"{row['fork']}.json").read_text())
        assert results.get("status", row["status"]) == row["status"]
        if row["status"] != batch.GRADED:
            assert results["reason"] and row["total"] == ""
            continue
        assert float(row["total"]) == results["total"]
        scores = {e["id"]: e["score"] for e in results["exercises"]}
        assert {e.id: float(row[e.id]) for e in task.exercises} == scores
        assert row["trust"] == results["trust"] and row["kit_commit"] == results["kit_commit"]
        for rel in task.files:  # the hash of what was taken, which is the fork's file when it was taken
            taken = {f["path"]: f["sha256"] for f in results["learner_files"]}
            assert row[f"sha256 {rel}"] == taken.get(rel, "")
            source = Path(row["path"]) / ("starter" if (Path(row["path"]) / "starter").is_dir() else "") / rel
            if rel in taken:
                assert taken[rel] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_no_cell_reads_as_a_spreadsheet_formula(graded):
    _paths, _expected, _rows, out = graded
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells and not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert batch._cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"


def test_a_grading_process_that_crashes_or_hangs_costs_only_its_row(tmp_path):
    task = manifest.load().find("01")
    fork = batch.Fork("f", tmp_path)

    def crashed(command, **kwargs):
        return subprocess.CompletedProcess(command, -11, "", "Fatal Python error: Segmentation fault\n")

    def hung(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    def refused(command, **kwargs):
        return subprocess.CompletedProcess(command, 2, "", "grade: --impl x: no such directory.\n")

    row = batch.grade_fork(task, fork, tmp_path, runner=crashed)
    assert (row.status, row.reason) == (batch.ERROR, "Fatal Python error: Segmentation fault")
    row = batch.grade_fork(task, fork, tmp_path, runner=hung, total_timeout=5)
    assert row.status == batch.ERROR and "did not finish within 65 s" in row.reason
    row = batch.grade_fork(task, fork, tmp_path, runner=refused)
    assert (row.status, row.reason) == (batch.NOT_GRADED, "--impl x: no such directory.")
    assert json.loads((tmp_path / "f.json").read_text())["status"] == batch.NOT_GRADED


def test_a_stale_results_file_is_not_taken_for_this_run(tmp_path):
    (tmp_path / "f.json").write_text(json.dumps({"graded": True, "total": 100, "exercises": []}))

    def wrote_nothing(command, **kwargs):
        return subprocess.CompletedProcess(command, 0, "", "")

    row = batch.grade_fork(manifest.load().find("01"), batch.Fork("f", tmp_path), tmp_path, runner=wrote_nothing)
    assert row.status == batch.ERROR and not row.results


def test_fork_lists(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "sub").mkdir()
    listing = tmp_path / "sub" / "forks.txt"
    listing.write_text("# comment\n\n../a\n/nowhere/b\n")
    forks = batch.read_forks([str(listing), str(tmp_path / "a")])
    assert [(f.name, f.path, bool(f.problem)) for f in forks] == [
        ("a", (tmp_path / "sub" / "../a").absolute(), False), ("b", Path("/nowhere/b"), True),
        ("a-2", (tmp_path / "a").absolute(), False)]
    (tmp_path / "empty.txt").write_text("# none yet\n")
    with pytest.raises(batch.BatchError, match="no forks given"):
        batch.read_forks([str(tmp_path / "empty.txt")])
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe")
    with pytest.raises(batch.BatchError, match="cannot read"):
        batch.read_forks([str(tmp_path / "binary.txt")])


def test_cli_refuses_bad_input_in_one_line(tmp_path):
    (tmp_path / "file").write_text("")
    grade = [sys.executable, "-m", "grader", "batch"]
    for args, says in (
        (["--task", "99", str(tmp_path)], "There is no task"),
        (["--task", "01", str(tmp_path), "--out", str(tmp_path / "file")], "that is a file"),
        (["--task", "01", str(tmp_path / "file")], "no forks given"),
    ):
        done = subprocess.run(grade + args, capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 2 and says in done.stderr, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) <= 2  # one reason (rich may wrap it)
