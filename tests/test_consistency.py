import shutil

from grader import KIT_ROOT, consistency


def test_the_shipped_kit_is_consistent(course):
    assert consistency.check_all(course) == []


def test_github_anchors():
    assert consistency.github_anchor("01.4 Log in") == "014-log-in"
    assert consistency.github_anchor("00.3 The app starts!") == "003-the-app-starts"


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
