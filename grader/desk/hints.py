"""The hint ladders of the task docs.

Each exercise section of a code task's doc (``## 01.4 Log in`` up to the next ``## `` heading)
ends with a ladder of 2 to 4 hints, from a nudge (where to look) to the exact call or query
shape, never the solution itself. They are collapsed admonitions (mkdocs-material,
pymdownx.details), so the docs site shows them closed and ``make hint EX=01.4`` shows them one
at a time::

    **Hints** (collapsed; `make hint EX=01.4` shows them one at a time):

    ??? tip "Hint 1 of 3"
        The first hint, indented 4 spaces; it may span lines and hold `code`.

    ??? tip "Hint 2 of 3"
        ...

``parse`` reads the ladders, ``problems`` says what is wrong with them (``grader.checks.consistency``
runs it on every task doc), ``for_exercise`` gives one exercise's hints."""

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from grader import KIT_ROOT
from grader.grading.manifest import EXERCISE_HEADING, Course, ManifestError, github_anchor

MIN_HINTS, MAX_HINTS = 2, 4
INDENT = "    "
# The exact shapes of the intro line and of a hint block's title line. The intro names the
# command in its make form, which works in a new shell from the kit's folder (`grade` is in
# .venv/bin, not on the PATH).
INTRO_TEXT = "**Hints** (collapsed; `make hint EX={id}` shows them one at a time):"
INTRO = re.compile("^" + re.escape(INTRO_TEXT).replace(re.escape("{id}"), "(?P<id>[^`]*)") + "$")
TITLE = re.compile(r'^\?\?\? tip "Hint (?P<k>\d+) of (?P<n>\d+)"$')
# What is recognised as meant to be one, well formed or not.
INTRO_LIKE = re.compile(r"^\*\*Hints\*\*")
LEFTOVER = re.compile(r"^\*\*Hints:\*\*")  # the bullet list the ladders replaced
ADMONITION = re.compile(r"^(?:\?\?\?\+?|!!!)\s")  # any admonition: its indented body is skipped
HINT_BLOCK = re.compile(r'^(?:\?\?\?\+?|!!!)\s.*"\s*Hints?\b', re.IGNORECASE)  # an admonition titled "Hint..."
SECTION_END = re.compile(r"^#{1,2}\s")  # a "# " or "## " heading ends a section; "### " does not
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LOCAL_LINK = re.compile(r"\]\(#([^)\s]+)\)")


@dataclass
class _Hint:
    line: int  # 1-based line of its title
    title: str
    body: str  # dedented and stripped
    blank_before: bool


@dataclass
class _Section:
    id: str | None  # None: the text before the first heading or under a heading that is no exercise
    line: int  # 1-based line of its heading (0 before the first heading)
    hints: list[_Hint] = field(default_factory=list)
    intros: list[tuple[int, str]] = field(default_factory=list)
    leftovers: list[int] = field(default_factory=list)


def _scan(doc_text: str) -> tuple[list[_Section], set[str]]:
    """The doc's sections with their hint blocks, intro lines and leftover bullet lists, and
    the anchors of its headings. Fenced code at the top level is skipped."""
    lines = doc_text.splitlines()
    sections = [_Section(None, 0)]
    anchors: set[str] = set()
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence:
            match = FENCE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
            i += 1
            continue
        match = FENCE.match(line)
        if match:
            fence = match.group(1)
            i += 1
            continue
        section = sections[-1]
        heading = HEADING.match(line)
        if heading:
            anchors.add(github_anchor(heading.group(1)))
        if SECTION_END.match(line):
            exercise = EXERCISE_HEADING.match(line)
            sections.append(_Section(exercise.group(1) if exercise else None, i + 1))
        elif ADMONITION.match(line):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith((INDENT, "\t"))):
                end += 1
            body_lines = lines[i + 1:end]
            while body_lines and not body_lines[-1].strip():
                body_lines.pop()
            if HINT_BLOCK.match(line):
                body = textwrap.dedent("\n".join(body_lines)).strip()
                section.hints.append(_Hint(i + 1, line.strip(), body, i == 0 or not lines[i - 1].strip()))
            i = i + 1 + len(body_lines)
            continue
        elif LEFTOVER.match(line):
            section.leftovers.append(i + 1)
        elif INTRO_LIKE.match(line):
            section.intros.append((i + 1, line.strip()))
        i += 1
    return sections, anchors


def parse(doc_text: str) -> dict[str, list[str]]:
    """Exercise id -> its hints in order (each dedented and stripped), for every exercise
    section of the doc; a section without hints maps to an empty list. When a doc has two
    sections for one exercise (``consistency.check_docs`` reports it), the first counts."""
    ladders: dict[str, list[str]] = {}
    for section in _scan(doc_text)[0]:
        if section.id is not None and section.id not in ladders:
            ladders[section.id] = [hint.body for hint in section.hints]
    return ladders


def problems(doc_text: str, exercise_ids, *, required: bool = True) -> list[str]:
    """What is wrong with the doc's hint ladders, one plain sentence each (empty when all is
    well). Every exercise in ``exercise_ids`` needs 2 to 4 hints unless ``required`` is false
    (an environment task); hints that a section has are checked either way."""
    wanted = list(exercise_ids)
    sections, anchors = _scan(doc_text)
    found: list[str] = []
    seen: set[str] = set()
    for section in sections:
        if section.id is None:
            where = "before the first heading" if section.line == 0 else f"under the heading on line {section.line}"
            for hint in section.hints:
                found.append(f"line {hint.line}: the hint block {hint.title!r} is outside any exercise section "
                             f"({where}); hints belong at the end of a '## <id> <title>' section")
            for line, _ in section.intros:
                found.append(f"line {line}: a hints intro line outside any exercise section ({where})")
            for line in section.leftovers:
                found.append(f"line {line}: a leftover '**Hints:**' bullet list ({where}); hints are "
                             "'??? tip \"Hint k of n\"' blocks now")
            continue
        must = required and section.id in wanted and section.id not in seen
        seen.add(section.id)
        found += _section_problems(section, must, anchors)
    if required:
        for exercise_id in wanted:
            if exercise_id not in seen:
                found.append(f"{exercise_id} has no section '## {exercise_id} ...' in the doc, so it has no hints")
    return found


def _section_problems(section: _Section, must: bool, anchors: set[str]) -> list[str]:
    eid, hints, count = section.id, section.hints, len(section.hints)
    expected_intro = intro_line(eid)
    found = []
    for line in section.leftovers:
        found.append(f"{eid}: a leftover '**Hints:**' bullet list on line {line}; turn it into "
                     "'??? tip \"Hint k of n\"' blocks")
    if (must or hints or section.intros) and not MIN_HINTS <= count <= MAX_HINTS:
        found.append(f"{eid} has {count} hint{'' if count == 1 else 's'}; it needs {MIN_HINTS} to {MAX_HINTS}, "
                     "from a nudge to the exact call")
    if hints and not section.intros:
        found.append(f"{eid}: its hints have no intro line; put '{expected_intro}' before them")
    if len(section.intros) > 1:
        found.append(f"{eid} has {len(section.intros)} hints intro lines (lines "
                     f"{', '.join(str(line) for line, _ in section.intros)}); keep one")
    for line, text in section.intros:
        match = INTRO.match(text)
        if not match:
            found.append(f"{eid}: the hints intro line on line {line} is {text!r}, not '{expected_intro}'")
        elif match.group("id") != eid:
            found.append(f"{eid}: the hints intro line on line {line} names `make hint EX={match.group('id')}`, "
                         f"another exercise; it should name {eid}")
        if hints and line > hints[0].line:
            found.append(f"{eid}: the hints intro line on line {line} comes after hint 1; put it before the hints")
    for k, hint in enumerate(hints, 1):
        match = TITLE.match(hint.title)
        if not match:
            found.append(f"{eid}: hint {k} (line {hint.line}) is titled {hint.title!r}, not "
                         f"'??? tip \"Hint {k} of {count}\"'")
        elif int(match.group("k")) != k:
            found.append(f"{eid}: hint {k} (line {hint.line}) is titled 'Hint {match.group('k')} of "
                         f"{match.group('n')}'; number the hints 1 to {count} in order")
        elif int(match.group("n")) != count:
            found.append(f"{eid}: hint {k} (line {hint.line}) says 'of {match.group('n')}', but the exercise has "
                         f"{count} hints")
        if not hint.body:
            found.append(f"{eid}: hint {k} (line {hint.line}) is empty; its text goes on the lines below the "
                         "title, indented 4 spaces")
        if not hint.blank_before:
            found.append(f"{eid}: hint {k} (line {hint.line}) needs a blank line before it, or Markdown does not "
                         "see a hint block")
        for anchor in LOCAL_LINK.findall(hint.body):
            if anchor not in anchors:
                found.append(f"{eid}: hint {k} (line {hint.line}) links to #{anchor}, which is no heading of the doc")
    return found


def intro_line(exercise_id: str) -> str:
    """The intro line of an exercise's hint ladder, as the docs and ``grade new-task`` write it."""
    return INTRO_TEXT.format(id=exercise_id)


def for_exercise(course: Course, exercise_id: str, kit_root: Path = KIT_ROOT) -> list[str]:
    """The hints of one exercise, in order, read from its task's doc (empty when the doc or
    the section has none). An id that is no exercise of the course raises ManifestError."""
    task = next((t for t in course.tasks if t.exercise(exercise_id) is not None), None)
    if task is None:
        raise ManifestError(f"There is no exercise {exercise_id!r} in the course.")
    try:
        text = (kit_root / task.doc).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # a missing doc is reported by consistency.check_docs
    return parse(text).get(exercise_id, [])


_STUB_DOC = re.compile(r"\s*Exercise\s+([A-Za-z0-9]+\.\d+)\b")


def stub_owners(course: Course, kit_root: Path = KIT_ROOT) -> dict[str, str]:
    """``<file>::<method>`` -> the exercise it belongs to
    (``backend/services/auth.py::AuthService.validate_password`` -> ``01.2``), from the
    docstrings of the starter's learner files, which begin "Exercise 01.2."; so a verdict
    about a method (still a stub, or raising) can be traced to its exercise."""
    import ast

    owners: dict[str, str] = {}

    def visit(nodes, rel: str, prefix: str) -> None:
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                visit(node.body, rel, f"{prefix}{node.name}.")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found = _STUB_DOC.match(ast.get_docstring(node) or "")
                if found:
                    owners[f"{rel}::{prefix}{node.name}"] = found.group(1)

    for rel in sorted({f for task in course.tasks for f in task.files}):
        try:
            tree = ast.parse((kit_root / course.starter / rel).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue  # a missing or broken starter file is reported by consistency.check_stubs
        visit(tree.body, rel, "")
    return owners
