"""``grade new-task`` on a copy of the kit: what it writes passes every consistency check,
and it refuses, writing nothing, to clash with what exists."""

import ast
import shutil

import pytest
from typer.testing import CliRunner

import grader
from grader import KIT_ROOT, cli, consistency, manifest, scaffold

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
    written = scaffold.new_task(kit, "02", "supplier", "Supplier accounts")
    assert {p.relative_to(kit).as_posix() for p in written} == {
        "course.toml", "tasks/02-supplier.md",
        "starter/backend/services/supplier.py", "solutions/backend/services/supplier.py",
        "grader/public/task02/test_02_1_supplier.py", "grader/public/task02/test_02_2_supplier.py",
        "grader/hidden/task02/test_02_1_supplier_hidden.py", "grader/hidden/task02/test_02_2_supplier_hidden.py",
    }
    after = (kit / "course.toml").read_text()
    assert after.startswith(before)  # appended as text: the comments stay
    assert "doc =" not in after[len(before):] and "anchor =" not in after[len(before):]
    course = manifest.load(kit / "course.toml")
    task = course.find("2")
    assert (task.slug, task.title, task.files) == ("supplier", "Supplier accounts", ("backend/services/supplier.py",))
    assert [e.id for e in task.exercises] == ["02.1", "02.2"] and task.possible == 100
    assert consistency.check_all(course, kit) == []

    unchanged = snapshot(kit)
    with pytest.raises(scaffold.ScaffoldError, match="task 02 \\(supplier\\) already exists"):
        scaffold.new_task(kit, "02", "supplier", "Supplier accounts")
    assert snapshot(kit) == unchanged


def test_the_stubs_and_tests_say_what_to_write(kit):
    scaffold.new_task(kit, "M01", "sales_report", 'Sales "by" day', exercises=3)
    course = manifest.load(kit / "course.toml")
    assert course.find("m1").title == 'Sales "by" day'
    assert consistency.check_all(course, kit) == []
    stub = (kit / "starter/backend/services/sales_report.py").read_text()
    assert "class SalesReportService" in stub and "Exercise M01.3." in stub
    test = kit / "grader/hidden/taskm01/test_m01_3_sales_report_hidden.py"
    tree = ast.parse(test.read_text())
    calls = [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert "pytest.mark.exercise('M01.3')" in calls
    assert any(c.startswith("pytest.fail('write this test: exercise M01.3") for c in calls)
    doc = (kit / "tasks/M01-sales_report.md").read_text()
    assert "## M01.2 TODO exercise 2" in doc and "**Rules:**" in doc and "## Concepts" in doc


@pytest.mark.parametrize("args, says", [
    (("1", "supplier", "S"), "task 01 \\(user\\) already exists"),
    (("02", "user", "S"), "the slug 'user' is already task 01's"),
    (("0/2", "supplier", "S"), "use letters and digits only"),
    (("02", "Supplier", "S"), "slug 'Supplier'"),
    (("02", "supplier", ""), "the title must be one line"),
    (("02", "supplier", 'Ends with """'), "without backslashes or"),
    (("02", "supplier", "S", 0), "--exercises must be between 1 and 20"),
])
def test_clashes_and_bad_names_are_refused_before_anything_is_written(kit, args, says):
    unchanged = snapshot(kit)
    with pytest.raises(scaffold.ScaffoldError, match=says):
        scaffold.new_task(kit, *args)
    assert snapshot(kit) == unchanged


def test_an_existing_target_file_is_refused(kit):
    (kit / "grader/public/task02").mkdir()
    (kit / "grader/public/task02/test_02_2_supplier.py").write_text("# someone's work\n")
    unchanged = snapshot(kit)
    with pytest.raises(scaffold.ScaffoldError, match="test_02_2_supplier.py already exists; nothing was written"):
        scaffold.new_task(kit, "02", "supplier", "Supplier accounts")
    assert snapshot(kit) == unchanged


def test_the_command_writes_and_then_refuses_in_one_line(kit, monkeypatch):
    monkeypatch.setattr(grader, "KIT_ROOT", kit)
    runner = CliRunner()
    result = runner.invoke(cli.app, ["new-task", "02", "supplier", "Supplier accounts", "--exercises", "1"])
    assert result.exit_code == 0, result.output
    assert "wrote tasks/02-supplier.md" in result.output
    assert [e.id for e in manifest.load(kit / "course.toml").find("02").exercises] == ["02.1"]
    again = runner.invoke(cli.app, ["new-task", "02", "supplier", "Supplier accounts"])
    assert again.exit_code == 2
    assert again.output.strip().splitlines() == ["grade: task 02 (supplier) already exists in " + str(kit / "course.toml") + "."]
