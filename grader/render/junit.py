"""JUnit XML, the test-report format CI systems read (GitLab, Jenkins, GitHub Actions via
test-report actions).

One <testsuites> for the task; one <testsuite> per exercise; one <testcase> per test, with
the exercise id as classname and the test's name as name. Outcomes map as:

    passed                  -> a plain <testcase>
    failed                  -> <failure>
    error, timeout          -> <error>
    not_run, needs_services -> <skipped>

An exercise that could not be graded (``problem`` set, or no tests at all) still gets a
suite: one <testcase> with an <error> carrying the problem. Scores, trust, stack and impl
ride along as <properties> of each suite (the JUnit schema has no properties on
<testsuites>). The XML is built with ElementTree, never by formatting strings, and every
text goes through ``inert`` (no escape sequence or control character: CI logs print these
texts to terminals) and ``clean`` (what XML 1.0 cannot carry at all) first.
"""

from pathlib import Path
from xml.etree import ElementTree as ET

from grader.grading.protocol import ERROR, FAILED, NEEDS_SERVICES, NOT_RUN, PASSED, TIMEOUT
from grader.render.common import clean, cut, first_line, inert, points
from grader.grading.results import ExerciseResult, TaskResult

# A failure's full text is kept up to this many characters; its message attribute (the
# one line most CI views show) up to ATTRIBUTE_CHARS.
TEXT_CHARS = 20_000
ATTRIBUTE_CHARS = 500
UNGRADED_CASE = "exercise could not be graded"

_ELEMENT = {FAILED: "failure", ERROR: "error", TIMEOUT: "error", NOT_RUN: "skipped", NEEDS_SERVICES: "skipped"}


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def _set(element: ET.Element, **attributes: str) -> ET.Element:
    for name, value in attributes.items():
        element.set(name, clean(inert(str(value))))
    return element


def _verdict(case: ET.Element, tag: str, kind: str, message: str) -> None:
    message = clean(inert(message)) or kind  # no carriage return: a line of it cannot overwrite another
    node = _set(ET.SubElement(case, tag), type=kind, message=first_line(message, ATTRIBUTE_CHARS))
    node.text = cut(message, TEXT_CHARS)


def _properties(suite: ET.Element, result: TaskResult, exercise: ExerciseResult) -> None:
    properties = ET.SubElement(suite, "properties")
    values = [
        ("task", result.task),
        ("exercise", exercise.id),
        ("score", points(exercise.score)),
        ("possible", str(exercise.possible)),
        ("status", exercise.status),
        ("doc", exercise.doc),
        ("task_total", points(result.total)),
        ("task_possible", str(result.possible)),
        ("impl", result.impl),
        ("stack", result.stack),
        ("trust", result.trust),
    ]
    values += [(key, str(value)) for key, value in result.provenance.items() if isinstance(value, (str, int, float))]
    values += [("notice", notice) for notice in result.notices]
    for name, value in values:
        _set(ET.SubElement(properties, "property"), name=name, value=value)


def _suite(parent: ET.Element, result: TaskResult, exercise: ExerciseResult) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suite = ET.SubElement(parent, "testsuite")
    _properties(suite, result, exercise)
    for test in exercise.tests:
        case = _set(ET.SubElement(suite, "testcase"), classname=exercise.id, name=test.name,
                    time=_seconds(test.duration))
        counts["tests"] += 1
        if test.outcome == PASSED:
            continue
        tag = _ELEMENT.get(test.outcome, "error")  # an outcome unknown here is never shown as a pass
        _verdict(case, tag, test.outcome, test.message)
        counts[{"failure": "failures", "error": "errors", "skipped": "skipped"}[tag]] += 1
    if exercise.problem or not exercise.tests:
        case = _set(ET.SubElement(suite, "testcase"), classname=exercise.id, name=UNGRADED_CASE, time=_seconds(0))
        _verdict(case, "error", ERROR, exercise.problem or "no tests ran for this exercise")
        counts["tests"] += 1
        counts["errors"] += 1
    duration = sum(t.duration for t in exercise.tests)
    _set(suite, name=f"Task {result.task} / {exercise.id} {exercise.title}", id=exercise.id,
         tests=counts["tests"], failures=counts["failures"], errors=counts["errors"], skipped=counts["skipped"],
         time=_seconds(duration))
    # ElementTree keeps attributes in insertion order; put the name first for people reading the file.
    suite.attrib = {"name": suite.attrib.pop("name"), **suite.attrib}
    return counts


def junit_element(result: TaskResult) -> ET.Element:
    """The <testsuites> element for ``result``."""
    root = ET.Element("testsuites")
    _set(root, name=f"Task {result.task} - {result.title}")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for exercise in result.exercises:
        counts = _suite(root, result, exercise)
        for key in totals:
            totals[key] += counts[key]
    _set(root, tests=totals["tests"], failures=totals["failures"], errors=totals["errors"],
         time=_seconds(result.duration))
    return root


def write_junit(result: TaskResult, path: Path) -> None:
    root = junit_element(result)
    ET.indent(root)
    ET.ElementTree(root).write(Path(path), encoding="utf-8", xml_declaration=True)
