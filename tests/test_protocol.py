"""The plugin -> runner events: grader/grading/protocol.py names every kind, the writers write only
those, the runner handles each one, and the plugin's docstring documents each one."""

import ast
import re

from grader import KIT_ROOT
from grader.grading import protocol, results

PLUGIN = KIT_ROOT / "grader" / "grading" / "plugin.py"
RUNNER = KIT_ROOT / "grader" / "grading" / "runner.py"


def _kind(node: ast.expr) -> str:
    """The kind an expression stands for: "start" or protocol.START."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Attribute) and ast.unparse(node.value) == "protocol":
        return getattr(protocol, node.attr)
    raise AssertionError(f"an event kind that is neither a string nor protocol.NAME: {ast.unparse(node)}")


def _written() -> set[str]:
    kinds = set()
    for path in (KIT_ROOT / "grader").rglob("*.py"):  # the plugin, and fixtures writing through its recorder
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(".write"):
                kinds |= {_kind(k.value) for k in node.keywords if k.arg == "kind"}
    return kinds


def _handled() -> set[str]:
    kinds = set()
    for node in ast.walk(ast.parse(RUNNER.read_text())):
        if isinstance(node, ast.Compare) and ast.unparse(node.left) == "kind":
            kinds |= {_kind(c) for c in node.comparators}
    return kinds


def test_every_event_kind_is_written_and_nothing_else():
    assert _written() == set(protocol.EVENT_KINDS)


def test_the_runner_handles_every_event_kind():
    assert _handled() == set(protocol.EVENT_KINDS)


def test_the_plugin_docstring_documents_every_event_kind_and_outcome():
    doc = ast.get_docstring(ast.parse(PLUGIN.read_text()))
    assert set(re.findall(r'\{"kind": "(\w+)"', doc)) == set(protocol.EVENT_KINDS)
    outcomes = doc.split("Outcomes:", 1)[1]
    assert all(outcome in outcomes for outcome in protocol.OUTCOMES)


def test_results_still_export_the_outcome_and_status_names():
    for name in ("PASSED", "FAILED", "ERROR", "TIMEOUT", "NEEDS_SERVICES", "NOT_RUN",
                 "PASS", "PARTIAL", "FAIL", "STATUS_ERROR", "STATUS_NEEDS_SERVICES"):
        assert getattr(results, name) == getattr(protocol, name), name


def test_json_results_carry_the_schema_version(course):
    document = results.empty_result(course.find("01"), "starter", "embedded").to_dict()
    assert document["schema_version"] == protocol.SCHEMA_VERSION == 2
