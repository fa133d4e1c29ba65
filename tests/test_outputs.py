"""The renderers CI systems read (grader/render/): JUnit XML, Gradescope's results.json, the
Markdown job summary; and the two older ones still reachable as ``render.<name>``. Every
renderer a person reads shows learner text as inert text (the last section).

Each format is checked against what its readers accept, not against the renderer's own
idea of it: the JUnit file is parsed by junitparser (what CI test-report actions use) and
validated against the Jenkins xUnit plugin's JUnit schema (tests/fixtures/formats); the
Gradescope file against a JSON Schema written from Gradescope's documented fields; the
Markdown through a GFM-table parser (markdown-it-py, which rich already installs).
"""

import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import junitparser
import pytest
import xmlschema
from markdown_it import MarkdownIt  # comes with rich
from rich.console import Console

from grader import render
from grader.grading import manifest, runner, tree
from grader.grading.protocol import ERROR, FAILED, NEEDS_SERVICES, NOT_RUN, PASSED, TIMEOUT
from grader.render import junit as junit_module
from grader.grading.results import ExerciseResult, TaskResult

# TestResult under another name: pytest would try to collect a class named Test*.
from grader.grading.results import TestResult as Verdict

# junitparser, xmlschema and jsonschema: pyproject.toml's "dev" extra (pip install -e '.[dev]').
# Imported outright: a missing one should fail this file, not skip the format checks.

JUNIT_XSD = Path(__file__).parent / "fixtures" / "formats" / "junit-10.xsd"

# Characters XML 1.0 forbids that learner output can still contain.
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\ufffe"
HOSTILE = "expected <b>&amp;</b> ]]> got </failure><x/> \"quoted\" 'single'" + CONTROL + " end\ttab\r\nline two"
TABLE_BREAKER = "one | two \\| three\n| --- | --- |\n<script>alert(1)</script> `code` [link](http://x.invalid) *em* _u_ <img src=x>"
BIG = "x" * 100_000

# What each outcome must become in JUnit (the mapping), written out independently of
# grader/render/junit.py.
JUNIT_KIND = {PASSED: None, FAILED: junitparser.Failure, ERROR: junitparser.Error, TIMEOUT: junitparser.Error,
              NOT_RUN: junitparser.Skipped, NEEDS_SERVICES: junitparser.Skipped}


def _t(name, outcome, message="", hidden=False, weight=1, duration=0.25):
    return Verdict(name, outcome, message, hidden, duration, weight)


def hand_result() -> TaskResult:
    exercises = [
        ExerciseResult("01.1", "Register", 10, "tasks/01-user.md#011-register", [
            _t("public/test_a.py::test_one", PASSED), _t("public/test_a.py::test_two", PASSED, duration=1.5),
        ]),
        # partial: the two public tests pass, the hidden one of weight 3 fails -> 20 * 2/5 = 8
        ExerciseResult("01.2", "Password policy", 20, "tasks/01-user.md#012-password-policy", [
            _t("public/test_b.py::test_one", PASSED), _t("public/test_b.py::test_two", PASSED),
            _t("hidden check 1", FAILED, HOSTILE, hidden=True, weight=3),
        ]),
        # thirds: 10 * 1/3 -> 3.33 (the model rounds; the renderers must not re-round differently)
        ExerciseResult("01.3", "Verify", 10, "tasks/01-user.md#013-verify", [
            _t("public/test_c.py::test_slow", TIMEOUT, "timeout: the test ran for more than 1 s"),
            _t("public/test_c.py::test_broken", ERROR, "error in fixture: <KeyError 'x'>"),
            _t("public/test_c.py::test_ok", PASSED),
        ]),
        ExerciseResult("01.4", "Log in", 10, "tasks/01-user.md#014-log-in", [
            _t("public/test_d.py::test_never", NOT_RUN, "not run: no verdict arrived"),
            _t("public/test_d.py::test_kafka", NEEDS_SERVICES, "needs --stack local (kafka)", weight=2),
        ]),
        ExerciseResult("01.5", "Access tokens", 5, "tasks/01-user.md#015-access-tokens", [
            _t("public/test_e.py::test_mysql", NEEDS_SERVICES, ""),
        ]),
        ExerciseResult("01.6", "Password reset", 25, "tasks/01-user.md#016-password-reset", [],
                       problem="not graded: no tests found for 01.6 <in grader/public> & " + CONTROL),
        ExerciseResult("01.7", "Read users", 15, "tasks/01-user.md#017-read-users", [
            _t("public/test_g.py::test_table", FAILED, TABLE_BREAKER, weight=2),
            _t("public/test_g.py::test_big", FAILED, BIG),
            _t("public/test_g.py::test_fine", PASSED),
        ]),
    ]
    result = TaskResult("01", "Users <and> authentication", "/tmp/learner [x]", "embedded", exercises,
                        duration=4.2, trust="self-check: your code ran | inside the test process",
                        provenance={"kit_commit": "abc123", "suite_sha256": "f" * 64, "learner_files": []})
    result.notice("the stack said: <b>down</b> | retry\nsecond line `rm -rf`")
    return result


@pytest.fixture
def hand():
    return hand_result()


@pytest.fixture(scope="module")
def real():
    """One real grading: Task 01 against the starter (public and hidden tests, ~3 s)."""
    course = manifest.load()
    return runner.grade(course.find("01"), tree.resolve_impl("starter", course), course, runner.RunOptions(jobs=1))


@pytest.fixture(params=["hand", "real"])
def any_result(request, real):
    return hand_result() if request.param == "hand" else real


def _clean(text: str) -> str:
    return "".join(c for c in text if c not in CONTROL)


# ----------------------------------------------------------------------------- JUnit XML


def _junit(result, tmp_path) -> Path:
    path = tmp_path / "junit.xml"
    render.write_junit(result, path)
    return path


def test_the_hand_built_result_is_what_the_tests_below_assume(hand):
    assert [e.score for e in hand.exercises] == [10.0, 8.0, 3.33, 0.0, 0.0, 0.0, 3.75]
    assert (hand.total, hand.possible) == (25.08, 95)
    assert hand.exercises[1].decided_by_hidden


def test_junit_validates_against_the_jenkins_junit_schema(any_result, tmp_path):
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    path = _junit(any_result, tmp_path)
    errors = list(schema.iter_errors(str(path)))
    assert not errors, errors[:3]


def test_junit_has_one_suite_per_exercise_with_correct_counts(any_result, tmp_path):
    xml = junitparser.JUnitXml.fromfile(str(_junit(any_result, tmp_path)))
    suites = list(xml)
    assert [s.name for s in suites] == [f"Task {any_result.task} / {e.id} {e.title}" for e in any_result.exercises]
    for suite, exercise in zip(suites, any_result.exercises):
        kinds = [JUNIT_KIND[t.outcome] for t in exercise.tests]
        ungraded = bool(exercise.problem or not exercise.tests)
        assert suite.tests == len(exercise.tests) + ungraded
        assert suite.failures == kinds.count(junitparser.Failure)
        assert suite.errors == kinds.count(junitparser.Error) + ungraded
        assert suite.skipped == kinds.count(junitparser.Skipped)
        assert suite.time == pytest.approx(sum(t.duration for t in exercise.tests), abs=0.001)
    root = ET.parse(_junit(any_result, tmp_path)).getroot()
    assert int(root.get("tests")) == sum(s.tests for s in suites)
    assert int(root.get("failures")) == sum(s.failures for s in suites)
    assert int(root.get("errors")) == sum(s.errors for s in suites)


def test_junit_has_one_testcase_per_test_with_the_exercise_as_classname(any_result, tmp_path):
    xml = junitparser.JUnitXml.fromfile(str(_junit(any_result, tmp_path)))
    for suite, exercise in zip(xml, any_result.exercises):
        cases = [c for c in suite if c.name != junit_module.UNGRADED_CASE]
        assert [c.name for c in cases] == [_clean(t.name) for t in exercise.tests]  # the name, nothing more
        for case, test in zip(cases, exercise.tests):
            assert case.classname == exercise.id
            assert case.time == pytest.approx(test.duration, abs=0.001)
            expected = JUNIT_KIND[test.outcome]
            if expected is None:
                assert case.is_passed and not case.result, test.name
            else:
                assert [type(r) for r in case.result] == [expected], test.name
                assert case.result[0].type == test.outcome


def test_junit_keeps_an_ungraded_exercise_as_an_error_case(hand, tmp_path):
    xml = junitparser.JUnitXml.fromfile(str(_junit(hand, tmp_path)))
    suite = [s for s in xml if s.name.endswith("01.6 Password reset")]
    assert len(suite) == 1
    cases = list(suite[0])
    assert len(cases) == 1 and cases[0].classname == "01.6"
    assert cases[0].is_error
    assert cases[0].result[0].text == _clean(hand.exercises[5].problem)


def test_junit_carries_scores_and_the_run_as_properties(any_result, tmp_path):
    xml = junitparser.JUnitXml.fromfile(str(_junit(any_result, tmp_path)))
    for suite, exercise in zip(xml, any_result.exercises):
        props = {p.name: p.value for p in suite.properties()}
        assert float(props["score"]) == exercise.score
        assert int(props["possible"]) == exercise.possible
        assert float(props["task_total"]) == any_result.total
        assert (props["trust"], props["stack"], props["impl"]) == (
            _clean(any_result.trust), any_result.stack, any_result.impl)


def test_junit_escapes_learner_text_and_drops_what_xml_forbids(hand, tmp_path):
    path = _junit(hand, tmp_path)
    raw = path.read_bytes()
    assert not any(chr(b) in CONTROL[:-1] for b in raw), "a control character reached the file"
    assert b"<script>" not in raw and b"<x/>" not in raw
    root = ET.parse(path).getroot()  # a strict parser: one stray character and this raises
    failure = root.find(".//testcase[@name='hidden check 1']/failure")
    assert failure is not None
    # every character XML can carry survives as it was (line ends as XML reads them)
    assert failure.text == _clean(HOSTILE).replace("\r\n", "\n")
    assert "\n" not in failure.get("message") and failure.get("message").startswith("expected <b>&amp;</b> ]]>")
    notices = [p.get("value") for p in root.iter("property") if p.get("name") == "notice"]
    assert notices and notices[0] == hand.notices[0]  # newline and all, through the attribute


def test_junit_cuts_a_huge_message(hand, tmp_path):
    root = ET.parse(_junit(hand, tmp_path)).getroot()
    failure = root.find(".//testcase[@name='public/test_g.py::test_big']/failure")
    assert failure.text.startswith("x" * 1000)
    assert len(failure.text) < len(BIG) and len(failure.text) <= junit_module.TEXT_CHARS + 20
    assert len(failure.get("message")) <= junit_module.ATTRIBUTE_CHARS + 20


def test_junit_of_the_real_grading_lists_every_test(real, tmp_path):
    xml = junitparser.JUnitXml.fromfile(str(_junit(real, tmp_path)))
    names = [c.name for s in xml for c in s]
    assert sorted(names) == sorted(t.name for e in real.exercises for t in e.tests)
    assert any(t.hidden for e in real.exercises for t in e.tests), "expected Task 01 to have hidden tests"
    assert all(c.result for s in xml for c in s), "the starter passes nothing"


# ----------------------------------------------------------------------------- Gradescope

# From "Autograder Specifications" (gradescope-autograders.readthedocs.io/en/latest/specs/),
# output format: only the documented fields, with their documented value sets.
_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
GRADESCOPE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": _FORMAT,
        "test_output_format": _FORMAT,
        "test_name_format": _FORMAT,
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "number", "score", "max_score", "status", "visibility"],
                "properties": {
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string", "minLength": 1},
                    "name_format": _FORMAT,
                    "number": {"type": "string"},
                    "output": {"type": "string"},
                    "output_format": _FORMAT,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": _VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
        "leaderboard": {"type": "array"},
    },
}


def _gradescope(result, tmp_path) -> dict:
    path = tmp_path / "results.json"
    render.write_gradescope(result, path)
    return json.loads(path.read_text(encoding="utf-8"))  # valid JSON, or this raises


def test_gradescope_has_only_documented_fields_of_the_documented_types(any_result, tmp_path):
    doc = _gradescope(any_result, tmp_path)
    jsonschema.validate(doc, GRADESCOPE_SCHEMA)
    assert doc["visibility"] == "visible"
    assert all(test["score"] <= test["max_score"] + 1e-9 for test in doc["tests"])


def test_gradescope_scores_add_up_to_the_models(any_result, tmp_path):
    doc = _gradescope(any_result, tmp_path)
    assert doc["score"] == any_result.total  # the model's total, not a re-sum
    assert sum(t["max_score"] for t in doc["tests"]) == pytest.approx(any_result.possible, abs=0.01)
    assert sum(t["score"] for t in doc["tests"]) == pytest.approx(any_result.total, abs=0.01)
    for exercise in any_result.exercises:
        entries = [t for t in doc["tests"] if t["number"] == exercise.id]
        assert sum(t["max_score"] for t in entries) == pytest.approx(exercise.possible, abs=0.01)
        assert sum(t["score"] for t in entries) == pytest.approx(exercise.score, abs=0.01)


def test_gradescope_gives_each_test_its_weighted_share_and_visibility(hand, tmp_path):
    doc = _gradescope(hand, tmp_path)
    tests = [(e, t) for e in hand.exercises for t in e.tests]
    entries = [t for t in doc["tests"] if not t["name"].endswith("could not be graded")]
    assert len(entries) == len(tests)
    for entry, (exercise, test) in zip(entries, tests):
        assert entry["name"] == test.name and entry["number"] == exercise.id
        assert entry["visibility"] == ("after_published" if test.hidden else "visible")
        assert entry["status"] == ("passed" if test.outcome == PASSED else "failed")
    hidden = next(t for t in doc["tests"] if t["name"] == "hidden check 1")
    assert (hidden["max_score"], hidden["score"]) == (12.0, 0.0)  # 20 points * 3 / 5
    assert hidden["output"] == _clean(HOSTILE).replace("\r", "")  # a carriage return could overwrite a line
    timeout = next(t for t in doc["tests"] if t["name"] == "public/test_c.py::test_slow")
    assert timeout["max_score"] == pytest.approx(3.3333, abs=1e-4) and "timeout" in timeout["output"]
    big = next(t for t in doc["tests"] if t["name"] == "public/test_g.py::test_big")
    assert 1000 < len(big["output"]) < len(BIG)


def test_gradescope_keeps_an_ungraded_exercise_worth_its_points(hand, tmp_path):
    doc = _gradescope(hand, tmp_path)
    entries = [t for t in doc["tests"] if t["number"] == "01.6"]
    assert len(entries) == 1
    assert (entries[0]["score"], entries[0]["max_score"], entries[0]["status"]) == (0.0, 25.0, "failed")
    assert entries[0]["output"] == _clean(hand.exercises[5].problem)


def test_gradescope_output_summarises_the_run(hand, tmp_path):
    output = _gradescope(hand, tmp_path)["output"]
    assert "25.08 / 95" in output
    assert hand.trust[1:] in output
    assert hand.notices[0] in output


# ----------------------------------------------------------------------------- Markdown


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)  # raw HTML passes through: we'd see it


def _rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL) for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


def test_markdown_has_the_heading_trust_notices_and_one_row_per_exercise(any_result):
    text = render.markdown_summary(any_result)
    html = _html(text)
    assert text.startswith(f"## Task {any_result.task} - ")
    assert f": {any_result.total:g} / {any_result.possible}\n" in text.splitlines(keepends=True)[0]
    header = re.findall(r"<th[^>]*>(.*?)</th>", html)
    assert header == ["Exercise", "Points", "Status", "What to look at"]
    rows = _rows(html)
    assert len(rows) == len(any_result.exercises)
    assert all(len(row) == 4 for row in rows), rows
    for row, exercise in zip(rows, any_result.exercises):
        assert row[1] == f"{exercise.score:g} / {exercise.possible}"
        assert row[2].startswith(exercise.status)
    assert html.count("<blockquote>") == len(any_result.notices)
    assert ("<em>" in html) == bool(any_result.trust)


def test_markdown_neutralises_what_a_learner_message_could_inject(hand):
    text = render.markdown_summary(hand)
    assert "`" not in text  # a backtick from a message could open a code span across cells
    html = _html(text)
    rows = _rows(html)
    assert len(rows) == len(hand.exercises) and all(len(row) == 4 for row in rows)
    tags = set(re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"h2", "/h2", "p", "/p", "em", "/em", "blockquote", "/blockquote", "strong", "/strong",
                    "table", "/table", "thead", "/thead", "tbody", "/tbody", "tr", "/tr", "th", "/th", "td", "/td",
                    "br"}, tags  # no <script>, <img>, <a>, <code>, <b> from a message
    table_row = rows[6][3]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; `code`" in table_row  # shown, as text
    assert "one | two \\| three" in table_row  # the pipes are text, the newline a <br>
    assert "[link](http://x.invalid)" in table_row and "*em*" in table_row
    assert "&lt;b&gt;down&lt;/b&gt; | retry<br>second line" in html  # the notice, on one quoted line


def test_markdown_cuts_the_first_problem(hand):
    rows = _rows(_html(render.markdown_summary(hand)))
    ungraded = rows[5][3]
    assert ungraded.startswith("not graded: no tests found for 01.6 &lt;in grader/public&gt; &amp;<br>see ")
    hand.exercises[6].tests = hand.exercises[6].tests[1:]  # the 100 KB message first
    row = _rows(_html(render.markdown_summary(hand)))[6][3]
    assert row.startswith("x" * 100) and len(row) < 400


def test_markdown_links_docs_in_a_github_job_and_shows_them_otherwise(hand, tmp_path):
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_SERVER_URL": "https://github.com",
           "GITHUB_REPOSITORY": "org/kit", "GITHUB_SHA": "0123abc"}
    assert render.append_step_summary(hand, env)
    assert 'href="https://github.com/org/kit/blob/0123abc/tasks/01-user.md#012-password-policy"' in _html(
        summary.read_text(encoding="utf-8"))
    assert "see tasks/01-user.md#012-password-policy" in render.markdown_summary(hand)


def test_append_step_summary_appends_once_per_call(hand, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    assert render.append_step_summary(hand, env) is True
    assert render.append_step_summary(hand, env) is True
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n")
    assert text.count("## Task 01 - ") == 2
    assert len(_rows(_html(text.split("## Task 01 - ")[2]))) == len(hand.exercises)


def test_append_step_summary_does_nothing_without_the_variable(hand, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert render.append_step_summary(hand, {}) is False
    assert render.append_step_summary(hand, {"GITHUB_STEP_SUMMARY": ""}) is False
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert render.append_step_summary(hand) is False  # the default: os.environ
    assert list(tmp_path.iterdir()) == []


def test_append_step_summary_reports_an_unwritable_path(hand, tmp_path):
    with pytest.raises(OSError):
        render.append_step_summary(hand, {"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")})
    with pytest.raises(OSError):
        render.append_step_summary(hand, {"GITHUB_STEP_SUMMARY": str(tmp_path)})  # a directory


# ----------------------------------------------------------------------------- the older two


def test_the_package_still_offers_the_scorecard_and_json(hand, tmp_path):
    path = tmp_path / "result.json"
    render.write_json(hand, path)
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(hand.to_dict()))
    console = Console(file=io.StringIO(), width=200, color_system=None)
    render.scorecard(hand, console)
    out = console.file.getvalue()
    assert "Total: 25.08 / 95" in out and "Before the scores" in out
    # 01.4's test of weight 2 of 3 (6.67 of 10) and all of 01.5 (5) wait for a real database
    assert "11.67 of the points were not graded here: they need a real database (STACK=local)" in out


# ----------------------------------------------------------------------------- learner text is inert

# What a learner's exception message can hold to forge a scorecard on a terminal: erase the
# line, set the window title, go back to the line start, one line up, rich markup styled as
# the total, a line of its own that reads as the total, C1 CSI, colour, and a full reset.
SPOOF = ("\x1b[2K\x1b]0;pwned-title\x07\r\x1b[1A[bold green]Total: 100 / 100[/]\nTotal: 100 / 100\n"
         "\x9b2K\x9b1A\x1b[32mall passed\x1b[0m \x1bc\x1b(B\x1bP1$r\x1b\\ end")
# A response body the tests quote: its JSON spells the escapes, which json.loads brings back.
SPOOF_BODY = ('POST /users: expected 201, got HTTP 500 {"error": {"code": "x\\u001b[2K", '
              '"message": "\\u001b]0;t\\u0007\\r\\u001b[1ATotal: 100 / 100"}}')
_RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # SGR: what rich itself writes to style text


def spoof_result() -> TaskResult:
    exercises = [
        ExerciseResult("01.1", "Register", 40, "tasks/01-user.md#011-register", [
            _t("public/test_a.py::test_one", FAILED, "your code raised RuntimeError: " + SPOOF),
            _t("public/test_a.py::test_two", PASSED),
        ]),
        ExerciseResult("01.2", "Password policy", 30, "tasks/01-user.md#012-password-policy", [
            _t("public/test_b.py::test_one", FAILED, SPOOF_BODY)]),
        ExerciseResult("01.3", "Verify", 30, "tasks/01-user.md#013-verify", [], problem=SPOOF),
    ]
    result = TaskResult("01", "Users", "/tmp/\x1b[2Klearner [red]x[/]", "embedded", exercises, duration=1.0)
    result.notice("Importing backend/services/auth.py failed: RuntimeError: " + SPOOF)
    return result


def _terminal(view, result) -> str:
    console = Console(file=io.StringIO(), force_terminal=True, width=100)
    view(result, console)
    return console.file.getvalue()


@pytest.mark.parametrize("view", [render.compact, render.scorecard], ids=["compact", "scorecard"])
def test_a_hostile_message_is_inert_on_the_terminal(view):
    result = spoof_result()
    assert result.total == 20 and result.possible == 100
    out = _terminal(view, result)
    assert _RICH_STYLE.search(out), "expected rich's own styling (force_terminal)"
    shown = _RICH_STYLE.sub("", out)
    for control in ("\x1b", "\x9b", "\x07", "\r", "\x9c", "\x90"):
        assert control not in shown, f"{control!r} reached the terminal: {shown!r}"
    assert "pwned" not in shown  # the window title's text went with its sequence
    # The only line that starts as the total is the result's own; the markup is shown as text.
    totals = [line for line in shown.splitlines() if line.startswith("Total:")]
    assert totals and all(line.startswith("Total: 20 / 100") for line in totals), totals
    assert "[bold green]Total: 100 / 100[/]" in shown
    assert "learner [red]x[/]" in shown  # the impl's path, as text


def test_the_other_renderers_show_a_hostile_message_inert(tmp_path):
    result = spoof_result()
    texts = {"markdown": render.markdown_summary(result)}
    render.write_junit(result, tmp_path / "junit.xml")
    texts["junit"] = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    doc = render.gradescope_results(result)
    texts["gradescope"] = "\n".join([doc["output"], doc["extra_data"]["impl"]]
                                    + [t["output"] for t in doc["tests"]])
    for name, text in texts.items():
        for control in ("\x1b", "\x9b", "\x07", "\r", "\x9c"):
            assert control not in text, f"{name}: {control!r} is in the output"
        left = re.sub(r"u001b\\?\[(2K|1A)", "", text)  # the body's JSON, shown as the text it is
        assert "2K" not in left and "1A" not in left and "pwned" not in left, (
            f"{name}: what is left of a sequence is in the output")
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//testcase[@name='public/test_a.py::test_one']/failure")
    assert failure.text == ("your code raised RuntimeError: [bold green]Total: 100 / 100[/]\nTotal: 100 / 100\n"
                            "all passed  end")
    # The kit's own JSON keeps the text as it is (json escapes it).
    path = tmp_path / "results.json"
    render.write_json(result, path)
    assert "\x1b" not in path.read_text(encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["exercises"][0]["message"].endswith(SPOOF)


def test_inert_strips_sequences_whole_and_keeps_the_text():
    inert = render.inert
    assert inert("a\x1b[2Kb\x1b[1;31mc\x1b[0m") == "abc"
    assert inert("x\x1b]0;title\x07y\x1b]8;;http://e.invalid\x1b\\link\x1b]8;;\x1b\\z") == "xylinkz"
    assert inert("c1 \x9b2K\x9d0;t\x9cz") == "c1 z"
    assert inert("over\rwrite\x08\x7f\x85") == "overwrite"
    assert inert("keep\ttabs\nand lines é ✓ [b]markup[/b]") == "keep\ttabs\nand lines é ✓ [b]markup[/b]"
    assert inert("an unterminated title \x1b]0;abc\nnext line") == "an unterminated title \nnext line"
    assert inert("\x1b7save\x1b(B\x1bc\x1b") == "save"


def test_the_docs_site_gets_no_learner_text(tmp_path):
    """The docs site reads .grade/progress.json (grader/desk/state.py): statuses and points, never a
    message; its script inserts what it reads as text nodes, never as HTML."""
    course = manifest.load()
    result = spoof_result()
    for exercise, known in zip(result.exercises, course.find("01").exercises):
        exercise.id = known.id
    state_file = tmp_path / "state.json"
    from grader.desk import state

    state.save(result, state_file)
    written = state.write_progress(course, state_file).read_text(encoding="utf-8")
    assert "Total: 100" not in written and "\\u001b" not in written and "learner" not in written
    script = (Path(__file__).parents[1] / "docs" / "assets" / "progress.js").read_text(encoding="utf-8")
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", script)
    assert "textContent" in script and "createTextNode" in script
