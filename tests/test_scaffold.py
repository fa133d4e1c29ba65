"""``grade new-task`` on a copy of the kit: what it writes passes every consistency check,
and it refuses, writing nothing, to clash with what exists."""

import ast
import shutil

import pytest
from typer.testing import CliRunner

import grader
from grader import KIT_ROOT, cli
from grader.checks import consistency, scaffold
from grader.grading import manifest

KIT_PARTS = ("course.toml", "tasks", "starter", "solutions", "grader/public", "grader/hidden")


@pytest.fixture
def kit(tmp_path):
    for rel in KIT_PARTS:
        source, target = KIT_ROOT / rel, tmp_path / rel
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return tmp_path


def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_new_task_passes_every_check_and_a_second_run_is_refused(kit):
    before = (kit / "course.toml").read_text()
    written = scaffold.new_task(kit, "42", "wishlist", "Wish lists")
    assert {p.relative_to(kit).as_posix() for p in written} == {
        "course.toml", "tasks/42-wishlist.md",
        "starter/backend/services/wishlist.py", "solutions/backend/services/wishlist.py",
        "grader/public/task42/test_42_1_wishlist.py", "grader/public/task42/test_42_2_wishlist.py",
        "grader/hidden/task42/test_42_1_wishlist_hidden.py", "grader/hidden/task42/test_42_2_wishlist_hidden.py",
    }
    after = (kit / "course.toml").read_text()
    assert after.startswith(before)  # appended as text: the comments stay
    assert "doc =" not in after[len(before):] and "anchor =" not in after[len(before):]
    course = manifest.load(kit / "course.toml")
    task = course.find("42")
    assert (task.slug, task.title, task.files) == ("wishlist", "Wish lists", ("backend/services/wishlist.py",))
    assert [e.id for e in task.exercises] == ["42.1", "42.2"] and task.possible == 100
    assert consistency.check_all(course, kit) == []

    unchanged = snapshot(kit)
    with pytest.raises(scaffold.ScaffoldError, match="task 42 \\(wishlist\\) already exists"):
        scaffold.new_task(kit, "42", "wishlist", "Wish lists")
    assert snapshot(kit) == unchanged


def test_the_stubs_and_tests_say_what_to_write(kit):
    scaffold.new_task(kit, "M42", "sales_report", 'Sales "by" day', exercises=3)
    course = manifest.load(kit / "course.toml")
    assert course.find("m42").title == 'Sales "by" day'
    assert consistency.check_all(course, kit) == []
    stub = (kit / "starter/backend/services/sales_report.py").read_text()
    assert "class SalesReportService" in stub and "Exercise M42.3." in stub
    test = kit / "grader/hidden/taskm42/test_m42_3_sales_report_hidden.py"
    tree = ast.parse(test.read_text())
    calls = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert "pytest.mark.exercise('M42.3')" in calls
    assert any(c.startswith("pytest.fail('write this test: exercise M42.3") for c in calls)
    doc = (kit / "tasks/M42-sales_report.md").read_text()
    assert "## M42.2 TODO exercise 2" in doc and "**Rules:**" in doc and "## Concepts" in doc

    # scoring rule 7 is part of the skeleton: each exercise asks for its races and listings
    manifest_text = (kit / "course.toml").read_text()
    assert manifest_text.count("  races = []") == 3 and manifest_text.count("  listings = []") == 3
    assert course.find("m42").exercise("M42.1").races == ()
    public = (kit / "grader/public/taskm42/test_m42_1_sales_report.py").read_text()
    assert "@pytest.mark.race(" in public and "@pytest.mark.ties(" in public and "race.rounds()" in public
    assert "tiebreak (`_id`)" in doc


@pytest.mark.parametrize("args, says", [
    (("1", "wishlist", "S"), "task 01 \\(user\\) already exists"),
    (("42", "user", "S"), "the slug 'user' is already task 01's"),
    (("0/2", "wishlist", "S"), "use letters and digits only"),
    (("42", "Wishlist", "S"), "slug 'Wishlist'"),
    (("42", "wishlist", ""), "the title must be one line"),
    (("42", "wishlist", 'Ends with """'), "without backslashes or"),
    (("42", "wishlist", "S", 0), "--exercises must be between 1 and 20"),
])
def test_clashes_and_bad_names_are_refused_before_anything_is_written(kit, args, says):
    unchanged = snapshot(kit)
    with pytest.raises(scaffold.ScaffoldError, match=says):
        scaffold.new_task(kit, *args)
    assert snapshot(kit) == unchanged


def test_an_existing_target_file_is_refused(kit):
    (kit / "grader/public/task42").mkdir()
    (kit / "grader/public/task42/test_42_2_wishlist.py").write_text("# someone's work\n")
    unchanged = snapshot(kit)
    with pytest.raises(scaffold.ScaffoldError, match="test_42_2_wishlist.py already exists; nothing was written"):
        scaffold.new_task(kit, "42", "wishlist", "Wish lists")
    assert snapshot(kit) == unchanged


def test_the_command_writes_and_then_refuses_in_one_line(kit, monkeypatch):
    monkeypatch.setattr(grader, "KIT_ROOT", kit)
    runner = CliRunner()
    result = runner.invoke(cli.app, ["new-task", "42", "wishlist", "Wish lists", "--exercises", "1"])
    assert result.exit_code == 0, result.output
    assert "wrote tasks/42-wishlist.md" in result.output
    assert [e.id for e in manifest.load(kit / "course.toml").find("42").exercises] == ["42.1"]
    again = runner.invoke(cli.app, ["new-task", "42", "wishlist", "Wish lists"])
    assert again.exit_code == 2
    assert again.output.strip().splitlines() == ["grade: task 42 (wishlist) already exists in " + str(kit / "course.toml") + "."]
