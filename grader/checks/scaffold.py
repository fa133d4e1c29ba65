"""``grade new-task``: lay out a new task for its author, following the manifest's conventions.

It writes the task doc, the learner file in starter/ and solutions/, one public and one
hidden test file per exercise, and appends the task to course.toml (as text, so the file's
comments stay). Everything it writes is a placeholder that says what to write instead, and
the result already passes ``consistency.check_all``. It writes nothing when any part would
clash with what is there."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from grader.desk import hints
from grader.grading import manifest
from grader.grading.manifest import ManifestError

SLUG = re.compile(r"[a-z][a-z0-9_]*")  # also the learner module's name, so a Python identifier
MAX_EXERCISES = 20
BACKENDS = ("mongodb",)  # every code task so far stores its data in MongoDB


class ScaffoldError(Exception):
    """The task cannot be laid out; the message says why in one line."""


@dataclass(frozen=True)
class Plan:
    """What ``new_task`` writes: file texts by path relative to the kit root, and the
    text appended to course.toml."""

    files: dict[str, str]
    manifest_text: str


def new_task(root: Path, task_id: str, slug: str, title: str, exercises: int = 2) -> list[Path]:
    """Write a new task into the kit at ``root``; return the paths written (course.toml last)."""
    plan = plan_task(root, task_id, slug, title, exercises)
    written = []
    for rel, text in plan.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
        written.append(path)
    course_toml = root / "course.toml"
    with open(course_toml, "a", encoding="utf-8") as handle:
        handle.write(plan.manifest_text)
    return written + [course_toml]


def plan_task(root: Path, task_id: str, slug: str, title: str, exercises: int = 2) -> Plan:
    """Everything ``new_task`` would write, after every check; raises ScaffoldError."""
    task_id, slug, title = task_id.strip(), slug.strip(), title.strip()
    if not manifest.TASK_ID.fullmatch(task_id):
        raise ScaffoldError(f'task id {task_id!r}: use letters and digits only, like "02" or "M01".')
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(f"slug {slug!r}: use lower-case letters, digits and '_', starting with a letter "
                            "(it names the learner's module).")
    if not title or "\n" in title or "\\" in title or '"""' in title:  # it goes into a docstring too
        raise ScaffoldError('the title must be one line of text, without backslashes or """.')
    if not 1 <= exercises <= MAX_EXERCISES:
        raise ScaffoldError(f"--exercises must be between 1 and {MAX_EXERCISES}, not {exercises}.")
    course_toml = root / "course.toml"
    try:
        course = manifest.load(course_toml)
    except ManifestError as exc:
        raise ScaffoldError(str(exc)) from None
    for task in course.tasks:
        if manifest.task_key(task.id) == manifest.task_key(task_id):
            raise ScaffoldError(f"task {task.id} ({task.slug}) already exists in {course_toml}.")
        if task.slug == slug:
            raise ScaffoldError(f"the slug {slug!r} is already task {task.id}'s.")

    ids = [f"{task_id}.{k}" for k in range(1, exercises + 1)]
    titles = [f"TODO exercise {k}" for k in range(1, exercises + 1)]
    points = _split(100, exercises)
    learner = f"backend/services/{slug}.py"
    cls = "".join(part.capitalize() for part in slug.split("_") if part) + "Service"
    doc = manifest.default_doc(task_id, slug)
    files = {
        doc: _doc(task_id, title, learner, cls, ids, titles),
        f"{course.starter}/{learner}": _service(title, doc, cls, ids, starter=True),
        f"{course.solutions}/{learner}": _service(title, doc, cls, ids, starter=False),
    }
    for k, exercise_id in enumerate(ids, start=1):
        stem = f"test_{task_id.lower()}_{k}_{slug}"
        files[f"{manifest.default_public_tests(task_id)}/{stem}.py"] = _test(exercise_id, titles[k - 1], "public")
        files[f"{manifest.default_hidden_tests(task_id)}/{stem}_hidden.py"] = _test(exercise_id, titles[k - 1], "hidden")
    taken = [rel for rel in files if (root / rel).exists()]
    if taken:
        raise ScaffoldError(f"{', '.join(taken)} already exist{'s' if len(taken) == 1 else ''}; nothing was written.")

    text = course_toml.read_text(encoding="utf-8")
    addition = ("" if text.endswith("\n") else "\n") + _manifest_entry(task_id, slug, title, learner, ids, titles, points)
    try:  # the manifest must still load with the task in it
        manifest.loads(text + addition, course_toml)
    except ManifestError as exc:
        raise ScaffoldError(f"course.toml would not load with the new task: {exc}") from None
    return Plan(files, addition)


def _split(total: int, parts: int) -> list[int]:
    """``total`` points shared out as evenly as whole numbers allow (a placeholder to adjust)."""
    return [total // parts + (1 if k < total % parts else 0) for k in range(parts)]


def _toml(text: str) -> str:
    # A JSON string is a valid TOML basic string: the same quotes and escapes.
    return json.dumps(text, ensure_ascii=False)


def _manifest_entry(task_id, slug, title, learner, ids, titles, points) -> str:
    # Only what the conventions cannot give: doc, test folders and anchors are left out.
    lines = [
        "",
        "[[tasks]]",
        f"id = {_toml(task_id)}",
        f"slug = {_toml(slug)}",
        f"title = {_toml(title)}",
        f"files = [{_toml(learner)}]",
        f"backends = [{', '.join(map(_toml, BACKENDS))}]",
    ]
    for exercise_id, exercise_title, share in zip(ids, titles, points):
        lines += [
            "",
            "  [[tasks.exercises]]",
            f"  id = {_toml(exercise_id)}",
            f"  title = {_toml(exercise_title)}  # TODO: the title, the same as the doc heading",
            f"  points = {share}  # TODO: see the scoring section of docs/maintainers.md",
            # Scoring rule 7: selftest holds each race and listing to its test and breakers.
            "  races = []  # TODO: each rule two requests can race on, in words (\"a token works once\")",
            "  listings = []  # TODO: each endpoint that states an order: {name = \"GET /...\", paging = \"cursor\"}",
        ]
    return "\n".join(lines) + "\n"


def _doc(task_id, title, learner, cls, ids, titles) -> str:
    parts = [
        f"# Task {task_id}: {title}\n",
        "TODO: what the learner builds in this task, and why the platform needs it.\n",
        "You write one file, inside `starter/`:\n",
        "| file | class | exercises |\n|---|---|---|",
        f"| `{learner}` | `{cls}` | {_span(ids)} |\n",
        "Each method's docstring names its exercise and states its rules.\n",
        "## Concepts\n",
        "TODO: the ideas the exercises need (the models, schemas and routes to read first, the "
        "library calls), each under a `###` heading.\n",
    ]
    for k, (exercise_id, exercise_title) in enumerate(zip(ids, titles), start=1):
        parts += [
            # Renaming an exercise: change this heading and its title in course.toml together.
            f"## {exercise_id} {exercise_title}\n",
            "**Endpoints:** TODO: the routes this exercise serves and the status they answer.\n",
            f"**Method:** TODO: `{cls}.exercise_{k}` (rename it, in `starter/` and `solutions/`).\n",
            "**Rules:**\n- TODO: every rule the tests check, public and hidden, one per line.\n"
            "- TODO: for a rule two requests can race on (works once, exactly one wins, at most N, a "
            "count), what holds when they arrive at the same moment; for a listing, its order and "
            "tiebreak (`_id`).\n",
            "**Example:** TODO: a request and the response it gets.\n",
            # A ladder of 2 to 4 collapsed hints, from a nudge to the exact call (grader/desk/hints.py).
            hints.intro_line(exercise_id) + "\n",
            '??? tip "Hint 1 of 2"\n    TODO: a nudge: where to look (a concept section, a model, a route).\n',
            '??? tip "Hint 2 of 2"\n    TODO: the exact call or query shape, never the solution\'s code.\n',
        ]
    parts += [
        "## Check your work\n",
        f"From the kit root:\n\n```bash\nmake grade TASK={task_id}\n```\n",
    ]
    return "\n".join(parts)


def _span(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{ids[0]} and {ids[1]}" if len(ids) == 2 else f"{ids[0]} to {ids[-1]}"


def _service(title, doc, cls, ids, starter: bool) -> str:
    role = "your work" if starter else "the reference solution"
    lines = [
        f'"""{title}: {role}.',
        "",
        f"TODO: what this module covers. The rules are in {doc}; each method names its exercise.",
        '"""',
        "",
        "",
        f"class {cls}:",
        '    """TODO: what the service needs (events, mailer, settings) and how backend/deps.py builds it."""',
    ]
    for k, exercise_id in enumerate(ids, start=1):
        if starter:
            body = f'raise NotImplementedError("{cls}.exercise_{k}")'
        else:
            body = f'raise NotImplementedError("TODO: the reference solution of exercise {exercise_id}")'
        lines += [
            "",
            f"    async def exercise_{k}(self) -> None:",
            f'        """Exercise {exercise_id}. TODO: rename the method, give it its parameters and say what',
            '        it returns and which errors it raises."""',
            f"        {body}",
        ]
    return "\n".join(lines) + "\n"


def _test(exercise_id: str, exercise_title: str, which: str) -> str:
    return "\n".join([
        f'"""{exercise_id} {exercise_title}{" (hidden tests)" if which == "hidden" else ""}."""',
        "",
        "import pytest",
        "",
        f'pytestmark = pytest.mark.exercise("{exercise_id}")',
        "",
        "",
        "def test_write_this_test():",
        f'    pytest.fail("write this test: exercise {exercise_id} has no {which} test yet")',
        *(_SHAPE_EXAMPLES if which == "public" else []),
        "",
    ])


# Scoring rule 7, as the public test file's comments: one test per race and per listing of the
# exercise in course.toml (see tests of Task 01 and 03 for real ones).
_SHAPE_EXAMPLES = [
    "",
    "",
    "# A race of course.toml (races = [...]): the same words in the marker; the requests go at once.",
    '# @pytest.mark.race("a token works once, also when it is sent twice at the same moment")',
    "# async def test_...(client):",
    "#     for round_ in race.rounds():  # one round on embedded, more on a real server",
    "#         responses = await race.at_once(client.post(...) for _ in range(3))",
    '#         expect.equal(race.statuses(responses), [200, 400, 400], "statuses of 3 ... at the same moment")',
    "#",
    "# A listing of course.toml (listings = [{name, paging}]): items tying on the sort key, inserted",
    "# out of _id order, paged with a small limit, each expected once in the tiebreak order.",
    '# @pytest.mark.ties("GET /things")',
    "# async def test_...(client):",
    "#     ids, insert_order = paging.tied_ids(5)",
    "#     ... seed one item per id of insert_order, all with the same sort value ...",
    '#     items = await paging.by_cursor(client, "/things", "5 things with one created_at", limit=2)',
    '#     paging.expect_each_once(items, ids, "GET /things, 2 at a time (ties in _id order)")',
]
