"""Static checks that the manifest, the task docs, the starter and the solutions agree.
Each check returns a list of problems in plain words (empty when all is well)."""

import ast
import re
from pathlib import Path

from grader import KIT_ROOT
from grader.manifest import Course

EXERCISE_HEADING = re.compile(r"^##\s+(\d{2}\.\d+)\s+(.*?)\s*$")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower-case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


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


def _stubbed(path: Path) -> list[str]:
    """Public methods of a starter file that do more than raise NotImplementedError."""
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
            starter, solution = root / course.starter / rel, root / course.solutions / rel
            if not (starter.is_file() and solution.is_file()):
                continue  # reported by check_files
            stub_api, solution_api = _api(starter), _api(solution)
            for name in sorted(set(stub_api) | set(solution_api)):
                if stub_api.get(name) != solution_api.get(name):
                    problems.append(f"{rel}: {name} differs: starter {stub_api.get(name)!r}, solution {solution_api.get(name)!r}")
            for name in _stubbed(starter):
                problems.append(f"{course.starter}/{rel}: {name} has a body; starter methods must only raise NotImplementedError")
    return problems


def check_all(course: Course, root: Path = KIT_ROOT) -> list[str]:
    return check_docs(course, root) + check_files(course, root) + check_stubs(course, root)
