import pytest

from grader.grading import manifest
from grader.grading.manifest import ManifestError


@pytest.mark.parametrize("key", ["01", "1", "user", "01-user", " USER "])
def test_a_task_is_found_by_id_number_or_slug(course, key):
    assert course.find(key).id == "01"


def test_an_unknown_task_lists_the_valid_ones(course):
    with pytest.raises(ManifestError) as caught:
        course.find("42")
    assert "00 (setup)" in str(caught.value) and "01 (user)" in str(caught.value)


def test_points_add_up(course):
    task = course.find("01")
    assert task.possible == sum(e.points for e in task.exercises) == 100


def test_a_missing_manifest_is_a_clear_error(tmp_path):
    with pytest.raises(ManifestError, match="is missing"):
        manifest.load(tmp_path / "course.toml")


def test_broken_toml_is_a_clear_error(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text("[course\n")
    with pytest.raises(ManifestError, match="not valid TOML"):
        manifest.load(path)


COURSE = '[course]\nformat_version = 1\ntitle = "C"\nstarter = "s"\nsolutions = "o"\n'


def task(task_id: str, slug: str, *exercises: str, extra: str = "") -> str:
    """A [[tasks]] table with the given exercise ids (titled "Do <id>") and nothing a convention gives."""
    text = f'[[tasks]]\nid = "{task_id}"\nslug = "{slug}"\ntitle = "T {slug}"\n{extra}'
    return text + "".join(f'[[tasks.exercises]]\nid = "{e}"\ntitle = "Do {e}"\npoints = 1\n' for e in exercises)


def write(tmp_path, *tasks: str, course: str = COURSE):
    path = tmp_path / "course.toml"
    path.write_text(course + "".join(tasks))
    return path


def test_a_duplicate_exercise_id_is_refused(tmp_path):
    path = write(tmp_path, task("01", "a", "01.1", "01.1"))
    with pytest.raises(ManifestError, match="appears twice"):
        manifest.load(path)


def test_the_shipped_manifest_states_its_format(course):
    text = manifest.MANIFEST_PATH.read_text()
    assert "format_version = 1" in text and course.tasks


@pytest.mark.parametrize("line, says", [
    ("", "has no format_version in \\[course\\]"),
    ("format_version = 2\n", "format_version = 2; this grader reads only 1"),
    ('format_version = "1"\n', "format_version = '1'; this grader reads only 1"),
    ("format_version = true\n", "format_version = True; this grader reads only 1"),
])
def test_a_missing_or_unknown_format_version_is_refused_in_one_line(tmp_path, line, says):
    path = write(tmp_path, task("01", "a", "01.1"), course=COURSE.replace("format_version = 1\n", line))
    with pytest.raises(ManifestError, match=says) as caught:
        manifest.load(path)
    assert "\n" not in str(caught.value)


def test_left_out_fields_follow_the_conventions(tmp_path):
    course = manifest.load(write(tmp_path, task("02", "supplier", "02.1", "02.2")))
    found = course.find("02")
    assert found.doc == "tasks/02-supplier.md"
    assert (found.public_tests, found.hidden_tests) == ("grader/public/task02", "grader/hidden/task02")
    assert (found.kind, found.files, found.backends) == ("code", (), ())
    assert [e.anchor for e in found.exercises] == ["021-do-021", "022-do-022"]
    assert found.doc_link(found.exercises[0]) == "tasks/02-supplier.md#021-do-021"


def test_given_fields_override_the_conventions(tmp_path):
    extra = 'doc = "docs/s.md"\npublic_tests = "t/pub"\nhidden_tests = ""\n'
    text = task("02", "supplier", "02.1", extra=extra) + 'anchor = "start-here"\n'
    found = manifest.load(write(tmp_path, text)).find("02")
    assert (found.doc, found.public_tests, found.hidden_tests) == ("docs/s.md", "t/pub", "")
    assert found.exercises[0].anchor == "start-here"


def test_hidden_tests_are_optional_folders(tmp_path):
    course = manifest.load(write(tmp_path, task("02", "a", "02.1"), task("03", "b", "03.1", extra='hidden_tests = ""\n')))
    for task_id in ("02", "03"):
        (tmp_path / "grader" / "public" / f"task{task_id}").mkdir(parents=True)
    (tmp_path / "grader" / "hidden" / "task03").mkdir(parents=True)
    two, three = course.find("02"), course.find("03")
    # 02: the conventional hidden folder does not exist; 03: it exists but the manifest says "none".
    assert two.test_dirs(tmp_path) == [tmp_path / "grader" / "public" / "task02"]
    assert three.test_dirs(tmp_path) == [tmp_path / "grader" / "public" / "task03"]
    (tmp_path / "grader" / "hidden" / "task02").mkdir()
    assert two.test_dirs(tmp_path)[-1] == tmp_path / "grader" / "hidden" / "task02"


def test_task_ids_need_not_be_numbers(tmp_path):
    course = manifest.load(write(tmp_path, task("01", "user", "01.1"), task("M01", "sales", "M01.1", "M01.2")))
    sales = course.find("M01")
    assert (sales.doc, sales.public_tests, sales.hidden_tests) == (
        "tasks/M01-sales.md", "grader/public/taskm01", "grader/hidden/taskm01")
    assert sales.exercises[1].anchor == "m012-do-m012"
    for key in ("m01", "M01", "m1", "sales", "M01-sales", "m01-SALES"):
        assert course.find(key) is sales, key
    for key in ("1", "01", "001", "user", "01-user"):
        assert course.find(key).id == "01", key
    with pytest.raises(ManifestError, match="There is no task 'm02'"):
        course.find("m02")


@pytest.mark.parametrize("tasks, says", [
    ((task("01", "a", "01.1"), task("1", "b", "1.1")), "Task ids 01 and 1 are the same task id"),
    ((task("01", "a", "01.1"), task("02", "a", "02.1")), "slug 'a' appears twice"),
    ((task("M01", "a", "M01.x"),), "does not belong to task M01: its exercise ids are M01.1, M01.2"),
    ((task("01", "a", "02.1"),), "Exercise 02.1 does not belong to task 01"),
    ((task("0/1", "a", "0/1.1"),), "task id '0/1' must be letters and digits"),
    ((task("01", "A b", "01.1"),), "slug 'A b' must be lower-case"),
])
def test_ids_and_slugs_that_would_clash_are_refused(tmp_path, tasks, says):
    with pytest.raises(ManifestError, match=says):
        manifest.load(write(tmp_path, *tasks))


def test_a_numeric_task_id_must_be_quoted(tmp_path):
    path = write(tmp_path, task("01", "a", "01.1").replace('id = "01"', "id = 1"))
    with pytest.raises(ManifestError, match="must be letters and digits in quotes"):
        manifest.load(path)


def test_github_anchors_live_in_the_manifest_module():
    assert manifest.github_anchor("01.4 Log in") == "014-log-in"
    assert manifest.github_anchor("M01.1 Sales, by day!") == "m011-sales-by-day"
