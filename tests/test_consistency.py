import shutil

import pytest

from grader import KIT_ROOT
from grader.checks import consistency
from grader.grading import manifest


def test_the_shipped_kit_is_consistent(course):
    assert consistency.check_all(course) == []


def test_github_anchors():
    assert manifest.github_anchor("01.4 Log in") == "014-log-in"
    assert manifest.github_anchor("00.3 The app starts!") == "003-the-app-starts"


def copy_kit(tmp_path):
    for name in ("tasks", "starter", "solutions"):
        shutil.copytree(KIT_ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_a_renamed_doc_heading_is_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    doc = root / "tasks" / "01-user.md"
    doc.write_text(doc.read_text().replace("## 01.4 Log in", "## 01.4 Logging in"))
    problems = consistency.check_docs(course, root)
    assert any("01.4" in p and "Logging in" in p for p in problems), problems


def test_a_stray_exercise_heading_is_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    doc = root / "tasks" / "01-user.md"
    doc.write_text(doc.read_text() + "\n## 01.9 Bonus\n")
    assert any("01.9" in p for p in consistency.check_docs(course, root))


def test_a_starter_method_with_a_body_is_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    stub = root / "starter" / "backend" / "services" / "users.py"
    stub.write_text(stub.read_text().replace('raise NotImplementedError("UserService.get_user")', "return None"))
    assert any("UserService.get_user has a body" in p for p in consistency.check_stubs(course, root))


def test_a_changed_signature_is_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    stub = root / "starter" / "backend" / "services" / "users.py"
    stub.write_text(stub.read_text().replace("skip: int = 0, limit: int = 20", "offset: int = 0, limit: int = 20"))
    assert any("UserService.list_users differs" in p for p in consistency.check_stubs(course, root))


def test_an_extra_solution_file_is_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    (root / "solutions" / "backend" / "helpers.py").write_text("X = 1\n")
    assert any("helpers.py is not a learner-editable file" in p for p in consistency.check_files(course, root))


def test_a_deleted_doc_heading_is_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    doc = root / "tasks" / "01-user.md"
    doc.write_text(doc.read_text().replace("## 01.4 Log in\n", "Log in\n"))
    assert "tasks/01-user.md: expected one heading '## 01.4 Log in', found 0" in consistency.check_docs(course, root)


# -- a small kit of its own: task 00 (environment) and task M01 (code, non-numeric id) ----

TINY_MANIFEST = '''
[course]
format_version = 1
title = "Tiny"
starter = "starter"
solutions = "solutions"

[[tasks]]
id = "00"
slug = "env"
title = "Environment"
kind = "environment"
  [[tasks.exercises]]
  id = "00.1"
  title = "Python version"
  points = 1
  [[tasks.exercises]]
  id = "00.2"
  title = "Clock"
  points = 1

[[tasks]]
id = "M01"
slug = "sales"
title = "Sales"
files = ["backend/services/sales.py"]
  [[tasks.exercises]]
  id = "M01.1"
  title = "Record a sale"
  points = 5
  [[tasks.exercises]]
  id = "M01.2"
  title = "Refund a sale"
  points = 5
'''


def _ladder(exercise_id):
    """A code task's exercise ends with 2 to 4 hints (grader/desk/hints.py)."""
    return (f"**Hints** (collapsed; `make hint EX={exercise_id}` shows them one at a time):\n\n"
            '??? tip "Hint 1 of 2"\n    Look at the model.\n\n??? tip "Hint 2 of 2"\n    Call `insert()`.\n')


TINY_FILES = {
    "tasks/00-env.md": "# Task 00\n\n## 00.1 Python version\n\n## 00.2 Clock\n",
    "tasks/M01-sales.md": ("# Task M01\n\n## M01.1 Record a sale\n\nText.\n\n" + _ladder("M01.1")
                           + "\n## M01.2 Refund a sale\n\n" + _ladder("M01.2")),
    "starter/backend/services/sales.py": '''"""Sales."""


class SalesService:
    async def record(self, amount: int) -> int:
        """Exercise M01.1. Store a sale."""
        raise NotImplementedError("SalesService.record")

    async def refund(self, sale_id: int) -> None:
        """Exercise M01.2. Undo a sale."""
        raise NotImplementedError("SalesService.refund")
''',
    "solutions/backend/services/sales.py": '''"""Sales."""


class SalesService:
    async def record(self, amount: int) -> int:
        return amount

    async def refund(self, sale_id: int) -> None:
        return None
''',
    "grader/public/task00/test_environment.py": '''import pytest


@pytest.mark.exercise("00.1")
def test_python():
    assert True


class TestClock:
    pytestmark = pytest.mark.exercise("00.2")

    def test_ticks(self):
        assert True
''',
    "grader/public/taskm01/test_m01_1_record.py": '''import pytest

pytestmark = pytest.mark.exercise("M01.1")


async def test_a_sale_is_recorded():
    assert True
''',
    "grader/hidden/taskm01/test_m01_2_refund_hidden.py": '''import pytest

pytestmark = [pytest.mark.exercise("M01.2"), pytest.mark.needs_services]


@pytest.mark.exercise("M01.2")
def test_a_refund_undoes_the_sale():
    assert True
''',
}


@pytest.fixture
def tiny(tmp_path):
    """A kit with every check passing; a test breaks one thing and reads the problems."""
    (tmp_path / "course.toml").write_text(TINY_MANIFEST)
    for rel, text in TINY_FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)

    def problems(check=consistency.check_all):
        return check(manifest.load(tmp_path / "course.toml"), tmp_path)

    problems.root = tmp_path
    return problems


def edit(path, old, new):
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new))


def test_the_tiny_kit_is_consistent(tiny):
    assert tiny() == []


def test_an_exercise_heading_may_have_a_letter_in_its_task_id():
    assert manifest.EXERCISE_HEADING.match("## M01.1 Record a sale").groups() == ("M01.1", "Record a sale")
    assert manifest.EXERCISE_HEADING.match("## 01.4 Log in").groups() == ("01.4", "Log in")
    assert manifest.EXERCISE_HEADING.match("## The platform") is None


def test_a_missing_heading_of_a_lettered_task_is_caught(tiny):
    edit(tiny.root / "tasks/M01-sales.md", "## M01.2 Refund a sale\n", "")
    assert tiny(consistency.check_docs) == ["tasks/M01-sales.md: expected one heading '## M01.2 Refund a sale', found 0"]


def test_a_file_marked_for_another_exercise_than_its_name_is_caught(tiny):
    edit(tiny.root / "grader/public/taskm01/test_m01_1_record.py", '"M01.1"', '"M01.2"')
    assert tiny(consistency.check_markers) == [
        "grader/public/taskm01/test_m01_1_record.py: its name says exercise M01.1, but its pytestmark names M01.2"]


def test_a_named_file_without_pytestmark_is_caught(tiny):
    path = tiny.root / "grader/public/taskm01/test_m01_1_record.py"
    edit(path, 'pytestmark = pytest.mark.exercise("M01.1")', "")
    assert tiny(consistency.check_markers) == [
        "grader/public/taskm01/test_m01_1_record.py: its name says exercise M01.1, but it does not set "
        'pytestmark = pytest.mark.exercise("M01.1")']


def test_a_test_marked_for_another_exercise_in_a_named_file_is_caught(tiny):
    edit(tiny.root / "grader/hidden/taskm01/test_m01_2_refund_hidden.py", '@pytest.mark.exercise("M01.2")',
         '@pytest.mark.exercise("M01.1")')
    assert tiny(consistency.check_markers) == [
        "grader/hidden/taskm01/test_m01_2_refund_hidden.py: test_a_refund_undoes_the_sale is marked exercise M01.1, "
        "but the file is for exercise M01.2"]


def test_a_named_file_for_an_exercise_the_task_lacks_or_another_task_is_caught(tiny):
    folder = tiny.root / "grader/public/taskm01"
    (folder / "test_m01_1_record.py").rename(folder / "test_m01_3_record.py")
    (folder / "test_m01_2_refund.py").write_text('import pytest\npytestmark = pytest.mark.exercise("M01.2")\n')
    (tiny.root / "grader/public/task00/test_m01_2_x.py").write_text("def test_x():\n    pass\n")
    assert tiny(consistency.check_markers) == [
        "grader/public/task00/test_m01_2_x.py: its name says task m01, but it is in the tests of task 00",
        "grader/public/taskm01/test_m01_3_record.py: its name says exercise M01.3, which task M01 does not "
        "have in course.toml",
    ]


def test_an_unmarked_test_in_a_file_with_another_name_is_caught(tiny):
    path = tiny.root / "grader/public/task00/test_environment.py"
    path.write_text(path.read_text() + "\n\nasync def test_unmarked():\n    assert True\n")
    assert tiny(consistency.check_markers) == [
        'grader/public/task00/test_environment.py: test_unmarked has no exercise marker (pytest.mark.exercise("00.N"))']


def test_a_marker_naming_another_tasks_exercise_is_caught(tiny):
    path = tiny.root / "grader/public/task00/test_environment.py"
    edit(path, 'pytestmark = pytest.mark.exercise("00.2")', 'pytestmark = pytest.mark.exercise("M01.2")')
    edit(path, '@pytest.mark.exercise("00.1")', "@pytest.mark.exercise(EXERCISE)")
    assert tiny(consistency.check_markers) == [
        "grader/public/task00/test_environment.py: test_python is marked exercise (an id that is not a plain string), "
        "which is not an exercise of task 00 in course.toml",
        "grader/public/task00/test_environment.py: TestClock.test_ticks is marked exercise M01.2, which is not an "
        "exercise of task 00 in course.toml",
    ]


def test_a_module_level_marker_covers_every_test_of_an_unnamed_file(tiny):
    path = tiny.root / "grader/public/task00/test_environment.py"
    path.write_text('import pytest\n\npytestmark = pytest.mark.exercise("00.1")\n\n\ndef test_a():\n    pass\n')
    assert tiny(consistency.check_markers) == []
    edit(path, '"00.1"', '"00.9"')
    assert tiny(consistency.check_markers) == [
        "grader/public/task00/test_environment.py: its pytestmark names exercise 00.9, which is not an exercise of "
        "task 00 in course.toml"]


def test_a_test_file_that_does_not_parse_is_a_problem_not_a_crash(tiny):
    (tiny.root / "grader/public/taskm01/test_m01_2_broken.py").write_text("def test_(:\n")
    problems = tiny(consistency.check_markers)
    assert len(problems) == 1 and "test_m01_2_broken.py cannot be read as Python" in problems[0]


def test_an_exercise_no_stub_docstring_names_is_caught(tiny):
    edit(tiny.root / "starter/backend/services/sales.py", "Exercise M01.2. Undo a sale.", "Undo a sale (M01.2).")
    problems = tiny(consistency.check_stub_docstrings)
    assert problems == ["exercise M01.2 (Refund a sale) is named in no docstring of starter/backend/services/sales.py: "
                        'write "Exercise M01.2." in the docstring of the method it is about']


def test_exercise_1_is_not_found_in_exercise_10(tiny):
    edit(tiny.root / "starter/backend/services/sales.py", "Exercise M01.1.", "Exercise M01.10.")
    assert [p.split(" (")[0] for p in tiny(consistency.check_stub_docstrings)] == ["exercise M01.1"]


def test_a_code_task_without_learner_files_is_caught(tiny):
    edit(tiny.root / "course.toml", 'files = ["backend/services/sales.py"]\n', "")
    assert "task M01 is a code task but lists no learner files" in tiny()


def test_a_starter_file_that_does_not_parse_is_one_problem_not_a_crash(tiny):
    (tiny.root / "starter/backend/services/sales.py").write_text("class SalesService(:\n")
    problems = tiny()
    assert len(problems) == 1 and "starter/backend/services/sales.py cannot be read as Python" in problems[0], problems


def test_events_outside_the_catalogue_are_caught(course, tmp_path):
    root = copy_kit(tmp_path)
    doc = root / "tasks" / "01-user.md"
    doc.write_text(doc.read_text() + "\nThe service emits `user.renamed` and reads `user.id`.\n")
    test = root / "grader" / "public" / "task01" / "test_01_9_x.py"
    test.parent.mkdir(parents=True)
    test.write_text('def test_x(events):\n    events.of_type("user.vanished")\n')
    service = root / "solutions" / "backend" / "services" / "users.py"
    service.write_text(service.read_text() + "\nSTRAY = EventType.USER_RENAMED\n")
    problems = consistency.check_events(course, root)
    assert len(problems) == 3, problems
    assert any("user.renamed" in p for p in problems) and not any("user.id" in p for p in problems)
    assert any("user.vanished" in p for p in problems) and any("USER_RENAMED" in p for p in problems)
