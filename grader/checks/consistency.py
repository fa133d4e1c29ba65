"""Static checks that the manifest, the task docs, the starter, the solutions and the tests'
exercise markers agree. Each check returns a list of problems in plain words (empty when
all is well); ``check_all`` runs them all."""

import ast
import re
from pathlib import Path

from grader import KIT_ROOT
from grader.desk import hints
from grader.grading.tree import is_module
from grader.grading.manifest import EXERCISE_HEADING, Course, Task, github_anchor

# test_01_4_login.py, test_01_4_login_hidden.py, test_m01_2_totals.py: task, exercise number, words.
TEST_FILE_NAME = re.compile(r"test_([A-Za-z0-9]+)_(\d+)_\w+\.py")


def check_docs(course: Course, root: Path = KIT_ROOT) -> list[str]:
    problems = []
    for task in course.tasks:
        doc = root / task.doc
        if not doc.is_file():
            problems.append(f"task {task.id}: its doc {task.doc} is missing")
            continue
        headings = {}
        for line in doc.read_text(encoding="utf-8").splitlines():
            match = EXERCISE_HEADING.match(line)
            if match:
                headings.setdefault(match.group(1), []).append(match.group(2))
        for exercise in task.exercises:
            found = headings.pop(exercise.id, [])
            if len(found) != 1:
                problems.append(f"{task.doc}: expected one heading '## {exercise.id} {exercise.title}', found {len(found)}")
                continue
            if found[0] != exercise.title:
                problems.append(f"{task.doc}: heading of {exercise.id} is {found[0]!r}, the manifest says {exercise.title!r}")
            anchor = github_anchor(f"{exercise.id} {found[0]}")
            if anchor != exercise.anchor:
                problems.append(f"{task.doc}: {exercise.id}'s anchor is #{anchor}, the manifest says #{exercise.anchor}")
        for stray in headings:
            problems.append(f"{task.doc}: heading for exercise {stray}, which is not in the manifest under task {task.id}")
    return problems


def check_files(course: Course, root: Path = KIT_ROOT) -> list[str]:
    """Learner files exist in starter/ and solutions/, and solutions/ holds nothing else."""
    problems = []
    listed = set()
    for task in course.tasks:
        for rel in task.files:
            listed.add(rel)
            for base in (course.starter, course.solutions):
                if not (root / base / rel).is_file():
                    problems.append(f"task {task.id}: {base}/{rel} is missing")
    solutions = root / course.solutions
    for path in sorted(solutions.rglob("*.py")) if solutions.is_dir() else []:
        rel = path.relative_to(solutions).as_posix()
        if rel not in listed and "__pycache__" not in rel:
            problems.append(f"{course.solutions}/{rel} is not a learner-editable file of any task")
    return problems


def _api(path: Path) -> dict[str, str]:
    """Public classes and functions of a module with their signatures, as text."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    api = {}

    def visit(nodes, prefix=""):
        for node in nodes:
            if isinstance(node, ast.ClassDef):
                api[prefix + node.name] = "class"
                visit(node.body, prefix + node.name + ".")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
                kind = "async " if isinstance(node, ast.AsyncFunctionDef) else ""
                api[prefix + node.name] = f"{kind}({ast.unparse(node.args)}) -> {ast.unparse(node.returns) if node.returns else ''}"

    visit(tree.body)
    return api


def stub_bodies(path: Path) -> list[str]:
    """Public methods of a starter file that do more than raise NotImplementedError (empty:
    the file is a stub). ``grade release`` refuses a starter file for which it is not empty."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    offenders = []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        for node in cls.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name.startswith("_"):
                continue
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            raises = (len(body) == 1 and isinstance(body[0], ast.Raise)
                      and "NotImplementedError" in ast.unparse(body[0]))
            if not raises:
                offenders.append(f"{cls.name}.{node.name}")
    return offenders


def check_stubs(course: Course, root: Path = KIT_ROOT) -> list[str]:
    """Starter files keep the solutions' signatures, and their methods only raise NotImplementedError."""
    problems = []
    for task in course.tasks:
        for rel in task.files:
            if not is_module(rel):
                continue  # a data file (compose file, Dockerfile): no signatures to keep
            starter, solution = root / course.starter / rel, root / course.solutions / rel
            if not (starter.is_file() and solution.is_file()):
                continue  # reported by check_files
            broken = [problem for _, problem in (_parse(starter, root), _parse(solution, root)) if problem]
            if broken:
                problems += broken
                continue
            stub_api, solution_api = _api(starter), _api(solution)
            for name in sorted(set(stub_api) | set(solution_api)):
                if stub_api.get(name) != solution_api.get(name):
                    problems.append(f"{rel}: {name} differs: starter {stub_api.get(name)!r}, solution {solution_api.get(name)!r}")
            for name in stub_bodies(starter):
                problems.append(f"{course.starter}/{rel}: {name} has a body; starter methods must only raise NotImplementedError")
    return problems


def _parse(path: Path, root: Path) -> tuple[ast.Module | None, str]:
    """The file's syntax tree, or a problem saying why there is none."""
    try:
        return ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), ""
    except (SyntaxError, UnicodeDecodeError, ValueError) as exc:
        return None, f"{path.relative_to(root).as_posix()} cannot be read as Python: {exc}"


def _exercise_marks(node: ast.expr) -> list[str | None]:
    """The ids of the ``pytest.mark.exercise(...)`` marks in an expression (a mark, or a
    list or tuple of marks); None for a mark whose id is not a plain string."""
    items = node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]
    found = []
    for item in items:
        if isinstance(item, ast.Call) and ast.unparse(item.func).endswith("mark.exercise"):
            arg = item.args[0] if item.args else None
            found.append(arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None)
    return found


def _pytestmark(body: list[ast.stmt]) -> list[str | None] | None:
    """Exercise marks of a ``pytestmark = ...`` in a module or class body (None: no pytestmark)."""
    for node in body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            return _exercise_marks(node.value)
    return None


def _tests(tree: ast.Module) -> list[tuple[str, list[str | None]]]:
    """Each test function pytest would collect (``test*`` functions, ``Test*`` classes'
    ``test*`` methods), with the exercise marks set on it or on its class."""
    tests = []

    def marks_of(node) -> list[str | None]:
        return [m for d in node.decorator_list for m in _exercise_marks(d)]

    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            tests.append((node.name, marks_of(node)))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            around = marks_of(node) + (_pytestmark(node.body) or [])
            for method in node.body:
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name.startswith("test"):
                    tests.append((f"{node.name}.{method.name}", marks_of(method) + around))
    return tests


def _test_files(task: Task, root: Path) -> list[Path]:
    return [path for folder in task.test_dirs(root) for path in sorted(folder.rglob("test_*.py"))
            if "__pycache__" not in path.parts]


def check_markers(course: Course, root: Path = KIT_ROOT) -> list[str]:
    """Every test names an exercise of its task. A file named ``test_<task>_<n>_<words>.py``
    sets ``pytestmark = pytest.mark.exercise("<task>.<n>")`` and no test in it names another
    exercise; any other test file marks each test (module, class or function level)."""
    problems = []
    for task in course.tasks:
        known = {e.id for e in task.exercises}
        for path in _test_files(task, root):
            rel = path.relative_to(root).as_posix()
            tree, problem = _parse(path, root)
            if tree is None:
                problems.append(problem)
                continue
            module = _pytestmark(tree.body)
            named = TEST_FILE_NAME.fullmatch(path.name)
            if named:
                problems += _check_named_file(task, rel, named, module, _tests(tree), known)
                continue
            for mark in module or []:
                if mark not in known:
                    problems.append(f"{rel}: its pytestmark names exercise {_shown(mark)}, which is not an "
                                    f"exercise of task {task.id} in course.toml")
            for name, marks in _tests(tree):
                if not marks and not module:
                    problems.append(f"{rel}: {name} has no exercise marker (pytest.mark.exercise(\"{task.id}.N\"))")
                for mark in marks:
                    if mark not in known:
                        problems.append(f"{rel}: {name} is marked exercise {_shown(mark)}, which is not an "
                                        f"exercise of task {task.id} in course.toml")
    return problems


def _shown(mark: str | None) -> str:
    return mark if mark is not None else "(an id that is not a plain string)"


def _check_named_file(task: Task, rel: str, named: re.Match, module, tests, known: set[str]) -> list[str]:
    if named.group(1).lower() != task.id.lower():
        return [f"{rel}: its name says task {named.group(1)}, but it is in the tests of task {task.id}"]
    expected = f"{task.id}.{int(named.group(2))}"
    if expected not in known:
        return [f"{rel}: its name says exercise {expected}, which task {task.id} does not have in course.toml"]
    problems = []
    if not module:
        problems.append(f"{rel}: its name says exercise {expected}, but it does not set "
                        f"pytestmark = pytest.mark.exercise(\"{expected}\")")
    elif module != [expected]:
        problems.append(f"{rel}: its name says exercise {expected}, but its pytestmark names "
                        f"{', '.join(_shown(m) for m in module)}")
    for name, marks in tests:
        for mark in marks:
            if mark != expected:
                problems.append(f"{rel}: {name} is marked exercise {_shown(mark)}, but the file is for "
                                f"exercise {expected}")
    return problems


def check_stub_docstrings(course: Course, root: Path = KIT_ROOT) -> list[str]:
    """Every exercise of a code task is named ("Exercise 01.4") in a docstring of the task's
    starter files, so a learner finds the method an exercise is about."""
    problems = []
    for task in course.tasks:
        if task.kind != "code":
            continue
        if not task.files:
            problems.append(f"task {task.id} is a code task but lists no learner files")
            continue
        docstrings, unreadable = [], False
        for rel in task.files:
            if not is_module(rel):  # a data file names its exercises in its comments
                path = root / course.starter / rel
                docstrings.append(path.read_text(encoding="utf-8") if path.is_file() else "")
                continue
            tree, _ = _parse(root / course.starter / rel, root) if (root / course.starter / rel).is_file() else (None, "")
            if tree is None:
                unreadable = True  # reported by check_files or check_stubs; no use looking for its exercises
                continue
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                    docstrings.append(ast.get_docstring(node) or "")
        if unreadable:
            continue
        text = "\n".join(docstrings)
        for exercise in task.exercises:
            # "Exercise 01.1" must not be found in "Exercise 01.10".
            if not re.search(rf"\bExercise\s+{re.escape(exercise.id)}(?!\d)", text, re.IGNORECASE):
                files = ", ".join(f"{course.starter}/{rel}" for rel in task.files)
                problems.append(f"exercise {exercise.id} ({exercise.title}) is named in no docstring of {files}: "
                                f"write \"Exercise {exercise.id}.\" in the docstring of the method it is about")
    return problems


def check_events(course: Course, root: Path = KIT_ROOT) -> list[str]:
    """Every event the docs, the tests and the code name is in the catalogue (shared/events.py):
    `topic.action` in a task doc, ``of_type("...")`` in a test, ``EventType.X`` anywhere."""
    from shared.events import TOPICS, EventType

    known_values = {e.value for e in EventType}
    known_names = {e.name for e in EventType}
    actions = {e.value.split(".", 1)[1] for e in EventType}
    mention = re.compile(r"`(" + "|".join(TOPICS) + r")\.([a-z_]+)`")
    problems = []
    for task in course.tasks:
        doc = root / task.doc
        if doc.is_file():
            for topic, action in mention.findall(doc.read_text(encoding="utf-8")):
                # `user.id` is an attribute; `user.renamed` reads as an event the catalogue lacks
                looks_like_event = action.endswith("ed") or action in actions
                if looks_like_event and f"{topic}.{action}" not in known_values:
                    problems.append(f"{task.doc} names the event {topic}.{action}, which is not in shared/events.py")
    sources = [p for d in ("grader/public", "grader/hidden", course.starter, course.solutions, "grader/testkit")
               for p in sorted((root / d).rglob("*.py")) if (root / d).is_dir()]
    for path in sources:
        try:
            module = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue  # reported by the checks that own these files
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(module):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "EventType"
                    and node.attr not in known_names and not node.attr.startswith("_")):
                problems.append(f"{rel}:{node.lineno}: EventType.{node.attr} is not in shared/events.py")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "of_type"
                    and node.args and isinstance(node.args[0], ast.Constant)
                    and node.args[0].value not in known_values):
                problems.append(f"{rel}:{node.lineno}: of_type({node.args[0].value!r}) names an event that is "
                                "not in shared/events.py")
    return problems


def check_hints(course: Course, root: Path = KIT_ROOT) -> list[str]:
    """Every exercise of a code task ends with a ladder of 2 to 4 hints in the shape that the
    docs site and ``grade hint`` read (grader/desk/hints.py). An environment task needs none, but
    any hints it has are checked too."""

    problems = []
    for task in course.tasks:
        doc = root / task.doc
        if not doc.is_file():
            continue  # reported by check_docs
        found = hints.problems(doc.read_text(encoding="utf-8"), [e.id for e in task.exercises],
                               required=task.kind == "code")
        problems += [f"{task.doc}: {problem}" for problem in found]
    return problems


def check_all(course: Course, root: Path = KIT_ROOT) -> list[str]:
    return (check_docs(course, root) + check_hints(course, root) + check_files(course, root)
            + check_stubs(course, root) + check_markers(course, root) + check_stub_docstrings(course, root)
            + check_events(course, root))
