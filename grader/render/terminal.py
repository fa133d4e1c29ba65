"""The terminal views of a TaskResult, for people: ``compact`` (the default) and ``scorecard``
(``--verbose``, every test).

compact: one short line per exercise (status, points), then, under that table, the first
problem of every exercise that is not complete, in full and wrapped to the width of the
screen (or of a CI log), with the doc section to read. scorecard: the same lines, each with
a table of the exercise's tests (name, outcome, message in full).

Every text of a result that learner code or a learner's folder can shape (messages, notices,
the impl's path) goes through ``inert`` (grader/render/common.py), and every text of a result
reaches rich as ``Text``, never as markup: a learner's message cannot move the cursor, rewrite
a line or style itself as a total. Only the kit's own numbers are printed as markup. A
learner's text is printed indented, so none of its lines starts a line of the screen as the
kit's lines do ("Total: ...")."""

import json
import re
from typing import Callable, Mapping

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.grading.protocol import ERROR, FAILED, NEEDS_SERVICES, NOT_RUN, PASSED, TIMEOUT
from grader.grading.results import (
    PARTIAL, PASS, STATUS_ERROR, STATUS_NEEDS_SERVICES, ExerciseResult, TaskResult,
)
from grader.render import commands
from grader.render.common import inert, points

STATUS_STYLE = {PASS: "green", PARTIAL: "yellow", STATUS_ERROR: "magenta", STATUS_NEEDS_SERVICES: "cyan"}
OUTCOME_STYLE = {PASSED: "green", FAILED: "red", ERROR: "magenta", TIMEOUT: "magenta", NOT_RUN: "dim",
                 NEEDS_SERVICES: "cyan"}
MESSAGE_CHARS = 4000  # a test's message in the verbose view: whole, unless a learner's output made it huge
INDENT = 4

# A verdict for a method that still raises NotImplementedError (grader/grading/diagnose.py on
# a direct call, grader/testkit/remote.py on the app's 501): the method, where it raised and,
# from the app, the exercise its docstring names.
STUB = re.compile(r"not implemented yet: (?P<what>\S+) still raises NotImplementedError"
                  r"(?: \(at (?P<where>[^()]*)\))?(?: \(exercise (?P<exercise>[A-Za-z0-9]+\.\d+)\))?")
# Where learner code raised, as diagnose says it: "(at backend/services/auth.py:83 in register)".
AT = re.compile(r"\(at (?P<path>[^():]+):\d+ in (?P<function>\w+)\)")


def _trust_line(result: TaskResult) -> Text:
    return Text(result.trust[:1].upper() + result.trust[1:] + ".", style="dim")


def _indented(text: Text, indent: int = INDENT) -> Padding:
    return Padding(text, (0, 0, 0, indent), expand=False)


def _print_indented(console: Console, text: Text, indent: int = INDENT, mark: Text | None = None) -> None:
    """``text`` wrapped at word boundaries to the console's width, each line indented (and
    none padded with spaces to the width, as a padded renderable would be); ``mark`` (no
    wider than ``indent``) in the indent of the first line."""
    for n, line in enumerate(text.wrap(console, max(console.width - indent, 20))):
        line.rstrip()
        start = mark if n == 0 and mark is not None else Text()
        start = start + Text(" " * (indent - len(start)))
        console.print(start.append_text(line), no_wrap=True, overflow="fold", soft_wrap=True)


def _header(result: TaskResult) -> Text:
    header = Text(f"Task {result.task} - {result.title}", style="bold")
    return header.append(inert(f"   impl: {result.impl}   stack: {result.stack}"), style="dim")


def _row(exercise: ExerciseResult, width: int) -> Text:
    """``✗ 01.1 Register consumers and leaders     0 / 15  fail``: the table's line."""
    status = exercise.status
    style = STATUS_STYLE.get(status, "red")
    line = Text(f"{SYMBOL.get(status, '✗')} ", style=style)
    line.append(f"{exercise.id} ", style="bold").append(exercise.title.ljust(width - len(exercise.id) - 1))
    line.append(f" {points(exercise.score):>5} / {exercise.possible:<3}", style="default")
    line.append(f" {status}", style=style)
    if exercise.decided_by_hidden:
        line.append(" (hidden tests)", style="dim")
    return line


def _total(result: TaskResult) -> Text:
    done = sum(e.status == PASS for e in result.exercises)
    total = Text(f"Total: {points(result.total)} / {result.possible}", style="bold").append(
        f"   ({done} of {len(result.exercises)} exercises complete, {result.duration:.1f} s)", style="default")
    if result.needs_server:
        total.append(f"\n{points(result.needs_server)} of the points were not graded here: they need a real "
                     "database (STACK=local)", style="cyan")
    return total


def _owner(owners: Mapping[str, str], method: str = "", path: str = "", function: str = "") -> str | None:
    """The one exercise ``owners`` (``<file>::<Class.method>`` -> exercise, see
    grader/desk/hints.py ``stub_owners``) gives a method named by its qualified name, or by
    its file and function name; None when none or several do."""
    found = set()
    for key, exercise in owners.items():
        file, _, qualname = key.partition("::")
        if (method and qualname == method) or (function and file == path and qualname.rpartition(".")[2] == function):
            found.add(exercise)
    return found.pop() if len(found) == 1 else None


def stub_exercise(exercise: ExerciseResult, owners: Mapping[str, str] = {}) -> str | None:
    """The exercise whose stub the exercise's first problem ran into, if it was a stub: the
    one the app named, else the one ``owners`` gives the method."""
    found = STUB.search(inert(exercise.first_problem))
    if not found:
        return None
    if found.group("exercise"):
        return found.group("exercise")
    at = AT.search(f"(at {found.group('where')})") if found.group("where") else None
    return _owner(owners, method=found.group("what"), path=at.group("path") if at else "",
                  function=at.group("function") if at else "")


def started(exercise: ExerciseResult, owners: Mapping[str, str] = {}) -> bool:
    """Whether the learner has started the exercise, as far as its tests tell: one of them
    failed on something else than a method that still raises NotImplementedError (its own
    stub or another exercise's), or an error raised in another exercise's method."""
    def elsewhere(message: str) -> bool:
        message = inert(message)
        if STUB.search(message):
            return True
        at = AT.search(message)
        owner = _owner(owners, path=at.group("path"), function=at.group("function")) if at else None
        return owner is not None and owner != exercise.id

    return any(t.outcome != PASSED and not elsewhere(t.message) for t in exercise.tests)


def _read(exercise: ExerciseResult, link: Callable[[str], str], docs: Mapping[str, str],
          owners: Mapping[str, str]) -> Text:
    """The doc section to read: the exercise's own, or that of the exercise whose stub its
    tests ran into (a stub of 01.1 stops the tests of 01.2 before they check anything)."""
    owner = stub_exercise(exercise, owners)
    if owner and owner != exercise.id and owner in docs:
        return Text(f"read {link(docs[owner])} (exercise {owner}: its method is still a stub and these "
                    "tests need it)", style="cyan")
    return Text(f"read {link(exercise.doc)}", style="cyan")


# -- the compact scorecard (the default) ---------------------------------------------------

SYMBOL = {PASS: "✓", PARTIAL: "~", STATUS_NEEDS_SERVICES: "?"}
BODY_CHARS = 120  # a response body in a message, once reduced
_BODY = re.compile(r"(HTTP \d{3}) (\{.*)$", re.S)


def reduce_message(message: str) -> str:
    """The part of a message that explains: "what was done: expected X, got Y", with a
    response body cut to what matters. An error body is reduced to its code and message
    (the fields tests look at); another body to its first BODY_CHARS characters. What it
    returns is ``inert``: a body's JSON can spell an escape sequence as ``\\u001b``."""
    message = " ".join(inert(message).split())
    found = _BODY.search(message)
    if not found:
        return message
    raw = found.group(2)
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        shown = f"error {error.get('code')!r}: {str(error.get('message', ''))[:BODY_CHARS]}"
    else:
        shown = raw if len(raw) <= BODY_CHARS else raw[:BODY_CHARS] + "..."
    return inert(message[:found.start()] + f"{found.group(1)} {shown}")


def compact(result: TaskResult, console: Console, link: Callable[[str], str] = lambda doc: doc,
            stuck: frozenset[str] = frozenset(), verbose_command: str = "",
            docs: Mapping[str, str] | None = None, owners: Mapping[str, str] = {}) -> None:
    """One line per exercise; under them, each exercise that is not complete with its first
    problem in full (wrapped, never cut: a CI log is as narrow as 80 columns), the doc section
    to read and, for those in ``stuck`` (started, and not passed several gradings in a row),
    the hint command. ``link`` turns a doc anchor into what to show (the docs site's URL when
    it is served); ``docs`` gives the doc anchor of any exercise a stub message names (the
    result's own exercises by default), ``owners`` the exercise of a stub's method;
    ``verbose_command`` is the command that shows every test."""
    docs = {e.id: e.doc for e in result.exercises} if docs is None else docs
    _print_indented(console, _header(result), 0)
    for notice in result.notices:
        _print_indented(console, Text(inert(notice)), 2, mark=Text("!", style="magenta"))
    width = max((len(f"{e.id} {e.title}") for e in result.exercises), default=0)
    for exercise in result.exercises:
        console.print(_row(exercise, width), no_wrap=True, overflow="ellipsis", crop=True)
    missing = [e for e in result.exercises if e.status != PASS]
    console.print()
    if missing and not result.graded:  # one reason for every exercise (a stack that was not ready): said once
        _print_indented(console, Text(inert(missing[0].first_problem)), 2)
        verbose_command = ""  # no test ran: there is nothing more to show
        console.print()
    elif missing:
        seen: dict[str, str] = {}  # a problem -> the first exercise it was shown for
        for exercise in missing:
            problem = reduce_message(exercise.first_problem)
            heading = Text(f"{exercise.id} {exercise.title}", style="bold")
            if problem in seen:
                console.print(heading.append(f": the same problem as {seen[problem]}.", style="default"))
            else:
                seen[problem] = exercise.id
                console.print(heading)
                _print_indented(console, Text(problem))
                _print_indented(console, _read(exercise, link, docs, owners))
            if exercise.id in stuck:
                _print_indented(console, Text(f"stuck? `{commands.hint(exercise.id)}` shows the next hint for "
                                              "this exercise", style="yellow"))
        console.print()
    console.print(_total(result))
    if missing and verbose_command:
        # soft_wrap: a command is never broken over two lines (a terminal folds it, copyable whole)
        console.print(Text("Every test: ", style="dim").append(f"`{verbose_command}`"), soft_wrap=True)
    if result.trust:
        _print_indented(console, _trust_line(result), 0)


# -- the verbose scorecard: every test -------------------------------------------------------

def _test_name(name: str) -> str:
    """A test's name in words, without its file (the exercise says which file):
    ``grader/public/task01/test_01_4_login.py::test_a_wrong_password_is_refused`` is "a wrong
    password is refused", which wraps at its spaces in a narrow column."""
    function = name.rpartition("::")[2] or name
    return function.removeprefix("test_").replace("_", " ") if function.startswith("test_") else function


def _message(message: str) -> str:
    message = inert(message).strip()
    if len(message) > MESSAGE_CHARS:
        message = message[:MESSAGE_CHARS] + f" [... {len(message) - MESSAGE_CHARS} more characters]"
    return message


def _tests_table(exercise: ExerciseResult) -> Table:
    """Test, Outcome and Message; without the Message column when no test has a message
    (all passed), so the names take the width."""
    messages = any(test.message for test in exercise.tests)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("Test", ratio=2, overflow="fold")
    table.add_column("Outcome", no_wrap=True)
    if messages:
        table.add_column("Message", ratio=3, overflow="fold")
    for test in exercise.tests:
        name = Text(inert(_test_name(test.name)))
        if test.hidden:
            name.append(" (hidden)", style="dim")
        outcome = Text(test.outcome, style=OUTCOME_STYLE.get(test.outcome, "red"))
        table.add_row(name, outcome, *([Text(_message(test.message))] if messages else []))
    return table


def scorecard(result: TaskResult, console: Console, link: Callable[[str], str] = lambda doc: doc,
              docs: Mapping[str, str] | None = None, owners: Mapping[str, str] = {}) -> None:
    """Every exercise's line, then a table of its tests: each test's name, outcome and its
    message in full (``--verbose``)."""
    docs = {e.id: e.doc for e in result.exercises} if docs is None else docs
    _print_indented(console, _header(result), 0)
    for notice in result.notices:
        console.print(Panel(Text(inert(notice)), title="Before the scores", border_style="magenta"))
    width = max((len(f"{e.id} {e.title}") for e in result.exercises), default=0)
    for exercise in result.exercises:
        console.print()
        line = _row(exercise, width)
        if exercise.tests:
            line.append(f"   {exercise.passed} of {len(exercise.tests)} tests passed", style="dim")
        console.print(line, no_wrap=True, overflow="ellipsis", crop=True)
        if exercise.problem:
            _print_indented(console, Text(_message(exercise.problem)), 2)
        if exercise.tests:
            console.print(_indented(_tests_table(exercise), 2))
        if exercise.status != PASS and result.graded:
            _print_indented(console, _read(exercise, link, docs, owners), 2)
    console.print()
    console.print(_total(result))
    if result.trust:
        _print_indented(console, _trust_line(result), 0)
