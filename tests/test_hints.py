"""The hint ladders of the task docs (grader/desk/hints.py) and their consistency check."""

import shutil

import pytest

from grader import KIT_ROOT
from grader.checks import consistency
from grader.desk import hints
from grader.grading import manifest

GOOD = '''# Task 09: Widgets

## Concepts

### Widgets

Text.

```markdown
??? tip "Hint 1 of 9"
    An example inside a code fence is no hint.
```

## 09.1 Make a widget

**Rules:**
- A rule.

**Hints** (collapsed; `make hint EX=09.1` shows them one at a time):

??? tip "Hint 1 of 3"
    Read [Widgets](#widgets) first.

??? tip "Hint 2 of 3"
    A hint over
    two lines.

    And a second paragraph:

        indented code stays indented

??? tip "Hint 3 of 3"
    `Widget.find_one({"name": name})`.

## 09.2 Break a widget

**Hints** (collapsed; `make hint EX=09.2` shows them one at a time):

??? tip "Hint 1 of 2"
    Nudge.

??? tip "Hint 2 of 2"
    Exact call.

## Check your work

Done.
'''

LADDER_1 = '''**Hints** (collapsed; `make hint EX=09.1` shows them one at a time):

??? tip "Hint 1 of 2"
    One.

??? tip "Hint 2 of 2"
    Two.
'''

ONE_HINT = '**Hints** (collapsed; `make hint EX=09.1` shows them one at a time):\n\n??? tip "Hint 1 of 1"\n    Only.\n'


def doc(section_1: str = LADDER_1, after: str = "") -> str:
    """A doc whose 09.1 section ends with ``section_1``, and 09.2 with a good ladder."""
    return (f"# Task 09\n\n## Concepts\n\nText.\n\n## 09.1 Make a widget\n\nRules.\n\n{section_1}\n"
            "## 09.2 Break a widget\n\n**Hints** (collapsed; `make hint EX=09.2` shows them one at a time):\n\n"
            '??? tip "Hint 1 of 2"\n    Nudge.\n\n??? tip "Hint 2 of 2"\n    Exact call.\n\n' + after)


def check(text: str, ids=("09.1", "09.2"), **options) -> list[str]:
    return hints.problems(text, list(ids), **options)


# -- parse ---------------------------------------------------------------------------------

def test_parse_reads_each_exercise_ladder_in_order():
    ladders = hints.parse(GOOD)
    assert list(ladders) == ["09.1", "09.2"]
    assert ladders["09.2"] == ["Nudge.", "Exact call."]
    first = ladders["09.1"]
    assert first[0] == "Read [Widgets](#widgets) first."
    assert first[2] == '`Widget.find_one({"name": name})`.'


def test_parse_keeps_multi_line_bodies_dedented():
    body = hints.parse(GOOD)["09.1"][1]
    assert body == "A hint over\ntwo lines.\n\nAnd a second paragraph:\n\n    indented code stays indented"


def test_parse_skips_fenced_code_and_maps_a_section_without_hints_to_nothing():
    text = GOOD.replace("## 09.2 Break a widget", "## 09.2 Break a widget\n\nNo hints here.\n\n## Other")
    ladders = hints.parse(text)
    assert ladders["09.2"] == []
    assert all("code fence" not in h for ladder in ladders.values() for h in ladder)


def test_a_well_formed_doc_has_no_problems():
    assert check(GOOD) == []
    assert check(doc()) == []


# -- problems: one rule each -----------------------------------------------------------------

def test_too_few_hints():
    assert check(doc(ONE_HINT)) == ["09.1 has 1 hint; it needs 2 to 4, from a nudge to the exact call"]


def test_no_hints_at_all():
    assert check(doc("")) == ["09.1 has 0 hints; it needs 2 to 4, from a nudge to the exact call"]


def test_too_many_hints():
    blocks = "\n".join(f'??? tip "Hint {k} of 5"\n    Hint {k}.\n' for k in range(1, 6))
    text = doc(f"**Hints** (collapsed; `make hint EX=09.1` shows them one at a time):\n\n{blocks}")
    assert check(text) == ["09.1 has 5 hints; it needs 2 to 4, from a nudge to the exact call"]


def test_numbering_that_is_not_one_to_n():
    text = doc(LADDER_1.replace('"Hint 2 of 2"', '"Hint 3 of 2"'))
    assert check(text) == ["09.1: hint 2 (line 16) is titled 'Hint 3 of 2'; number the hints 1 to 2 in order"]


def test_a_wrong_of_n():
    text = doc(LADDER_1.replace('"Hint 2 of 2"', '"Hint 2 of 3"'))
    assert check(text) == ["09.1: hint 2 (line 16) says 'of 3', but the exercise has 2 hints"]


def test_an_empty_hint():
    text = doc(LADDER_1.replace("    Two.\n", ""))
    assert check(text) == ["09.1: hint 2 (line 16) is empty; its text goes on the lines below the title, "
                           "indented 4 spaces"]


def test_a_hint_block_outside_any_exercise_section():
    text = doc(after='## Check your work\n\n??? tip "Hint 1 of 1"\n    Stray.\n')
    problems = check(text)
    assert len(problems) == 1 and "outside any exercise section" in problems[0], problems
    assert "line 31" in problems[0] and "heading on line 29" in problems[0]
    before_any_heading = '??? tip "Hint 1 of 2"\n    Stray.\n\n' + doc()
    assert ["before the first heading" in p for p in check(before_any_heading)] == [True]


def test_a_leftover_bullet_list():
    text = doc(LADDER_1 + "\n**Hints:**\n- the old way\n")
    assert check(text) == ["09.1: a leftover '**Hints:**' bullet list on line 19; turn it into "
                           "'??? tip \"Hint k of n\"' blocks"]
    outside = doc(after="## Check your work\n\n**Hints:**\n- old\n")
    assert len(check(outside)) == 1 and "leftover '**Hints:**'" in check(outside)[0]


def test_an_intro_line_naming_another_exercise():
    text = doc(LADDER_1.replace("make hint EX=09.1", "make hint EX=09.2"))
    assert check(text) == ["09.1: the hints intro line on line 11 names `make hint EX=09.2`, another exercise; "
                           "it should name 09.1"]


def test_a_missing_or_misshapen_intro_line():
    missing = doc(LADDER_1.split("\n", 2)[2])
    assert check(missing) == ["09.1: its hints have no intro line; put '**Hints** (collapsed; `make hint EX=09.1` "
                              "shows them one at a time):' before them"]
    misshapen = doc(LADDER_1.replace("(collapsed; ", "("))
    assert len(check(misshapen)) == 1 and "is '**Hints** (`make hint EX=09.1`" in check(misshapen)[0]


def test_a_title_not_in_the_shape_of_a_collapsed_tip():
    for title in ('???+ tip "Hint 1 of 2"', '!!! tip "Hint 1 of 2"', '??? note "Hint 1 of 2"', '??? tip "Hint one"'):
        problems = check(doc(LADDER_1.replace('??? tip "Hint 1 of 2"', title)))
        assert problems == [f"09.1: hint 1 (line 13) is titled {title!r}, not '??? tip \"Hint 1 of 2\"'"], title


def test_a_hint_without_a_blank_line_before_it():
    text = doc(LADDER_1.replace('    One.\n\n??? tip "Hint 2', '    One.\n??? tip "Hint 2'))
    assert check(text) == ["09.1: hint 2 (line 15) needs a blank line before it, or Markdown does not see a "
                           "hint block"]


def test_a_link_to_a_heading_the_doc_lacks():
    assert check(doc(LADDER_1.replace("One.", "See [Concepts](#concepts)."))) == []
    text = doc(LADDER_1.replace("One.", "See [Widgets](#widgets)."))
    assert check(text) == ["09.1: hint 1 (line 13) links to #widgets, which is no heading of the doc"]


def test_an_exercise_without_a_section():
    assert check(doc(), ids=("09.1", "09.2", "09.3")) == [
        "09.3 has no section '## 09.3 ...' in the doc, so it has no hints"]


def test_an_environment_task_needs_no_hints_but_its_hints_are_checked():
    assert check(doc(""), required=False) == []
    assert check(doc(ONE_HINT), required=False) == ["09.1 has 1 hint; it needs 2 to 4, from a nudge to the exact call"]


# -- the real docs ---------------------------------------------------------------------------

def test_every_exercise_of_every_code_task_has_a_ladder_of_two_to_four_hints(course):
    code_tasks = [task for task in course.tasks if task.kind == "code"]
    assert code_tasks
    for task in code_tasks:
        ladders = hints.parse((KIT_ROOT / task.doc).read_text(encoding="utf-8"))
        for exercise in task.exercises:
            ladder = ladders.get(exercise.id, [])
            assert 2 <= len(ladder) <= 4 and all(ladder), (exercise.id, ladder)
            assert hints.for_exercise(course, exercise.id) == ladder


def test_the_kit_is_consistent_with_its_hints():
    assert consistency.check_hints(manifest.load()) == []
    assert consistency.check_all(manifest.load()) == []


def test_for_exercise_reads_the_task_doc(course, tmp_path):
    task = course.find("01")
    (tmp_path / "tasks").mkdir()
    (tmp_path / task.doc).write_text(doc().replace("09.1", "01.4"))
    assert hints.for_exercise(course, "01.4", kit_root=tmp_path) == ["One.", "Two."]
    assert hints.for_exercise(course, "01.1", kit_root=tmp_path) == []  # no such section in that doc
    assert hints.for_exercise(course, "02.1", kit_root=tmp_path) == []  # no doc at all
    with pytest.raises(manifest.ManifestError):
        hints.for_exercise(course, "99.1")


def test_check_hints_names_the_doc_of_a_broken_ladder(course, tmp_path):
    shutil.copytree(KIT_ROOT / "tasks", tmp_path / "tasks")
    path = tmp_path / "tasks" / "01-user.md"
    text = path.read_text(encoding="utf-8")
    assert '??? tip "Hint 4 of 4"' in text.split("## 01.4 Log in")[1].split("## 01.5")[0]
    path.write_text(text.replace("`make hint EX=01.5`", "`make hint EX=01.4`"), encoding="utf-8")
    assert consistency.check_hints(course, tmp_path) == [
        f"tasks/01-user.md: 01.5: the hints intro line on line {_line_of(text, 'make hint EX=01.5')} names "
        "`make hint EX=01.4`, another exercise; it should name 01.5"]


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)
