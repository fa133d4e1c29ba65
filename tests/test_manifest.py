import pytest

from grader import manifest
from grader.manifest import ManifestError


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


def test_a_duplicate_exercise_id_is_refused(tmp_path):
    path = tmp_path / "course.toml"
    exercise = '[[tasks.exercises]]\nid = "01.1"\ntitle = "A"\npoints = 1\nanchor = "011-a"\n'
    path.write_text(
        '[course]\ntitle = "C"\nstarter = "s"\nsolutions = "o"\n'
        '[[tasks]]\nid = "01"\nslug = "a"\ntitle = "A"\ndoc = "a.md"\npublic_tests = "p"\n' + exercise + exercise
    )
    with pytest.raises(ManifestError, match="appears twice"):
        manifest.load(path)
