"""Degenerate versions of a task's solution, for scoring rule 4 (grader/checks/scoring.py): one
learner method at a time replaced by "raise the error its docstring names first" or by
"return None" (which is also what a method that does nothing returns), and, as the
yardstick, by the stub's ``raise NotImplementedError``.

The method -> exercise mapping comes from the starter's docstrings ("Exercise 01.4. ...").
"""

import ast
import inspect
import re
from dataclasses import dataclass
from pathlib import Path

from grader import KIT_ROOT
from grader.grading import tree
from grader.grading.manifest import Course, Task

EXERCISE_IN_DOCSTRING = re.compile(r"Exercise\s+([A-Za-z]*\d+\.\d+)")
ERRORS_ALIAS = "_kit_errors"
STUB = "the stub"  # the yardstick: what the exercise earns with only this method unwritten


@dataclass(frozen=True)
class Degenerate:
    file: str  # the learner file, relative to starter/
    method: str  # Class.method
    exercise: str
    body: str  # what replaced the method's body, e.g. "raise ValidationError" or "return None"
    source: str  # the whole degenerate file


def _error_names() -> list[str]:
    from shared import errors

    return [name for name, value in vars(errors).items()
            if inspect.isclass(value) and issubclass(value, errors.AppError)]


def _functions(body: list[ast.stmt]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and not n.name.startswith("_")]


def _stub_methods(starter_text: str) -> dict[str, tuple[str, str]]:
    """Class.method (or a module-level function's name) -> (exercise id, first error its
    docstring names) for a starter file."""
    known = _error_names()
    found = {}
    module = ast.parse(starter_text).body
    scopes = [(f"{cls.name}.", cls.body) for cls in module if isinstance(cls, ast.ClassDef)] + [("", module)]
    for prefix, body in scopes:
        for node in _functions(body):
            doc = ast.get_docstring(node) or ""
            exercise = EXERCISE_IN_DOCSTRING.search(doc)
            if not exercise:
                continue
            named = sorted((doc.find(f"``{n}``"), n) for n in known if f"``{n}``" in doc)
            found[prefix + node.name] = (exercise.group(1), named[0][1] if named else "AppError")
    return found


def _replace_body(solution_text: str, method: str, statement: str) -> str:
    tree = ast.parse(solution_text)
    class_name, _, name = method.rpartition(".")
    scopes = [c.body for c in tree.body if isinstance(c, ast.ClassDef) and c.name == class_name] if class_name \
        else [tree.body]
    for body in scopes:
        for node in _functions(body):
            if node.name == name:
                node.body = ast.parse(statement).body
                # After the docstring and any ``from __future__`` import, which must come first.
                at = next((i for i, n in enumerate(tree.body) if not (
                    (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))
                    or (isinstance(n, ast.ImportFrom) and n.module == "__future__"))), len(tree.body))
                tree.body.insert(at, ast.parse(f"import shared.errors as {ERRORS_ALIAS}").body[0])
                return ast.unparse(tree) + "\n"
    raise LookupError(f"{method} is not in the solution")


def versions(task: Task, course: Course, kit_root: Path = KIT_ROOT) -> list[Degenerate]:
    out = []
    for rel in task.files:
        if not tree.is_module(rel):
            continue  # a data file has no methods; its degenerate versions are the task's own tests' business
        starter = (kit_root / course.starter / rel).read_text(encoding="utf-8")
        solution = (kit_root / course.solutions / rel).read_text(encoding="utf-8")
        for method, (exercise, error) in _stub_methods(starter).items():
            for body, statement in ((STUB, "raise NotImplementedError"),
                                    (f"raise {error}", f"raise {ERRORS_ALIAS}.{error}('degenerate')"),
                                    ("return None", "return None")):
                out.append(Degenerate(rel, method, exercise, body, _replace_body(solution, method, statement)))
    return out


def write_tree(degenerate: Degenerate, task: Task, course: Course, kit_root: Path = KIT_ROOT) -> Path:
    """A learner folder (laid out like starter/): the solutions, with one degenerate file."""
    return tree.solution_variant(task, course, degenerate.file, degenerate.source, kit_root, prefix="degenerate-")
