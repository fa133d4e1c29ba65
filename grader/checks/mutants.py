"""Mutation testing of a task's tests (scoring rule 5, grader/checks/scoring.py).

A mutant is the reference solution with one small change inside one function of a learner
file: a comparison, a boolean operator, a constant, a statement, an ``if`` test, a keyword
argument or a ``+``/``-``. Each mutant is graded with the kit's own grader. It is *killed*
when a test that passes on the unmutated solutions does not pass on it; a mutant that
survives shows a mistake a learner could make without losing a point, unless it cannot
change behaviour at all (an *equivalent* mutant, listed after a review in
grader/checks/equivalent_mutants.toml).

Plain functions, so tests and the ``grade mutants`` command share them: ``generate`` (the
mutants of one source text), ``grade_baseline`` and ``grade_mutant`` (one grading each),
``grade_mutants`` (many, side by side), ``summarise`` (counts and rates), ``run`` (all of it
for a task), ``render`` and ``to_dict`` (the report).
"""

import ast
import difflib
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader import KIT_ROOT
from grader.grading import runner, tree
from grader.grading.manifest import Course, Task
from grader.grading.results import PASSED, TaskResult
from grader.checks.scoring import MUTANT_GOAL, PUBLIC_MUTANT_GOAL

_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # where this grader package is imported from
EQUIVALENTS_PATH = KIT_ROOT / "grader" / "checks" / "equivalent_mutants.toml"
# One test process per grading: the side-by-side work is done by grading several mutants.
OPTIONS = runner.RunOptions(stack="embedded", jobs=1, test_timeout=5, total_timeout=120)

KILLED, SURVIVED, ERROR = "killed", "survived", "error"
CHANGED_TESTS = "the tests changed after the baseline was graded; run again when nobody is editing them"

# Operators. A site that yields two mutants has two operators, so that an id's number
# counts sites of one operator in one function.
OPERATORS = (
    "compare",  # == <-> !=, < <-> <=, > <-> >=, in <-> not in, is <-> is not
    "compare-flip",  # < <-> >
    "bool-op",  # and <-> or
    "drop-not",  # not x -> x
    "const-inc",  # int n -> n + 1
    "const-zero",  # int n -> 0 (n != 0)
    "const-bool",  # True <-> False
    "remove-stmt",  # a statement -> pass
    "guard-true",  # if test -> True
    "guard-false",  # if test -> False
    "drop-kwarg",  # f(..., name=value) -> f(...)
    "arith",  # a + b <-> a - b
)
_COMPARE = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE,
            ast.GtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_FLIP = {ast.Lt: ast.Gt, ast.Gt: ast.Lt}
_SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
           ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.And: "and", ast.Or: "or",
           ast.Add: "+", ast.Sub: "-"}
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class UsageError(Exception):
    """The command was misused: a task without learner files, a bad equivalents file, ..."""


class BaselineError(Exception):
    """The unmutated solutions do not earn full marks, so no mutant can be judged."""


@dataclass(frozen=True)
class Mutant:
    id: str  # <file>:<qualified function>:<operator>:<n>
    file: str  # the learner file, relative to starter/
    function: str  # qualified name, e.g. AuthService.login
    operator: str
    line: int  # in the original file
    description: str
    diff: str  # unified diff of the function (both sides through ast.unparse)
    source: str = field(repr=False)  # the whole mutated file


# -- generating mutants ------------------------------------------------------------------


@dataclass
class _Site:
    """One change: set ``holder.<field>`` (or item ``index`` of that list) to ``value``."""

    operator: str
    order: tuple
    line: int
    holder: object
    field: str
    index: int | None
    value: object
    description: str


def _swap(holder, name: str, index: int | None, value):
    if index is None:
        old = getattr(holder, name)
        setattr(holder, name, value)
    else:
        items = getattr(holder, name)
        old, items[index] = items[index], value
    return old


def _short(node: ast.AST, limit: int = 60) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _functions(body: list[ast.stmt], prefix: str = ""):
    """(qualified name, node) of every function and method, nested ones too, in source order."""
    for node in body:
        if isinstance(node, _FUNCTIONS):
            name = prefix + node.name
            yield name, node
            yield from _functions(node.body, name + ".<locals>.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, prefix + node.name + ".")
        else:
            for child in _statement_lists(node):
                yield from _functions(child, prefix)


def _statement_lists(node: ast.AST):
    for name, value in ast.iter_fields(node):
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
        elif isinstance(value, list):
            for item in value:  # except handlers, match cases
                if isinstance(item, (ast.excepthandler, ast.match_case)):
                    yield item.body


def _children(node: ast.AST):
    for name, value in ast.iter_fields(node):
        if isinstance(node, ast.AnnAssign) and name == "annotation":
            continue  # types, not behaviour
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ast.AST):
                    yield name, index, item
        elif isinstance(value, ast.AST):
            yield name, None, value


def _is_docstring_like(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _sites(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[_Site]:
    """Every change the operators can make in ``func``'s body, nested functions excluded
    (they have sites of their own)."""
    sites: list[_Site] = []
    counter = iter(range(1 << 30))

    def add(operator, node, holder, name, index, value, description, sub=0):
        line = getattr(node, "lineno", 0)
        sites.append(_Site(operator, (line, getattr(node, "col_offset", 0), sub, next(counter)), line,
                           holder, name, index, value, description))

    def walk(node: ast.AST, parent: ast.AST, name: str, index: int | None) -> None:
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            return
        if isinstance(node, ast.stmt) and index is not None:
            last_return = parent is func and isinstance(node, ast.Return) and index == len(func.body) - 1
            if not (last_return or _is_docstring_like(node) or isinstance(node, (ast.Pass, ast.Global, ast.Nonlocal))):
                add("remove-stmt", node, parent, name, index, ast.Pass(), f"removed `{_short(node)}`")
        if isinstance(node, ast.If):
            for constant in (True, False):
                if not (isinstance(node.test, ast.Constant) and node.test.value is constant):
                    add(f"guard-{str(constant).lower()}", node, node, "test", None, ast.Constant(constant),
                        f"`if {_short(node.test)}` -> `if {constant}`")
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for operator, table in (("compare", _COMPARE), ("compare-flip", _FLIP)):
                    new = table.get(type(op))
                    if new is not None:
                        add(operator, node, node, "ops", i, new(),
                            f"`{_SYMBOL[type(op)]}` -> `{_SYMBOL[new]}` in `{_short(node)}`", sub=i)
        elif isinstance(node, ast.BoolOp):
            new = ast.Or if isinstance(node.op, ast.And) else ast.And
            add("bool-op", node, node, "op", None, new(),
                f"`{_SYMBOL[type(node.op)]}` -> `{_SYMBOL[new]}` in `{_short(node)}`")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add("drop-not", node, parent, name, index, node.operand, f"`{_short(node)}` -> `{_short(node.operand)}`")
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            add("const-bool", node, node, "value", None, not node.value, f"`{node.value}` -> `{not node.value}`")
        elif isinstance(node, ast.Constant) and type(node.value) is int:  # None, strings, floats: left alone
            add("const-inc", node, node, "value", None, node.value + 1, f"`{node.value}` -> `{node.value + 1}`")
            if node.value != 0:
                add("const-zero", node, node, "value", None, 0, f"`{node.value}` -> `0`")
        elif isinstance(node, ast.Call):
            for i, keyword in enumerate(node.keywords):
                what = f"{keyword.arg}=" if keyword.arg else f"**{_short(keyword.value)}"
                add("drop-kwarg", keyword, node, "keywords", None, node.keywords[:i] + node.keywords[i + 1:],
                    f"dropped `{what}` in `{_short(node.func)}(...)`", sub=i)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            new = ast.Sub if isinstance(node.op, ast.Add) else ast.Add
            add("arith", node, node, "op", None, new(), f"`{_SYMBOL[type(node.op)]}` -> `{_SYMBOL[new]}` in `{_short(node)}`")
        for child_name, child_index, child in _children(node):
            walk(child, node, child_name, child_index)

    for i, statement in enumerate(func.body):
        walk(statement, func, "body", i)
    return sorted(sites, key=lambda s: s.order)


def _splice(source: str, func: ast.AST, text: str) -> str | None:
    """``source`` with ``func``'s lines (decorators included) replaced by ``text``, indented
    alike; None when the function shares a line with other code. The rest of the file stays
    byte for byte as it was."""
    lines = source.splitlines(keepends=True)
    first = min([func.lineno] + [d.lineno for d in func.decorator_list])
    indent = lines[func.lineno - 1].encode()[: func.col_offset].decode("utf-8", "replace")
    tail = lines[func.end_lineno - 1].encode()[func.end_col_offset:].decode("utf-8", "replace").strip()
    if indent.strip() or not lines[first - 1].startswith(indent) or (tail and not tail.startswith("#")):
        return None
    body = "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))
    return "".join(lines[: first - 1]) + body + "\n" + "".join(lines[func.end_lineno:])


def generate(source: str, file: str) -> list[Mutant]:
    """The first-order mutants of one learner file, in source order. Mutants that do not
    compile, or read the same as the original once unparsed, are left out."""
    module = ast.parse(source, filename=file)
    mutants = []
    for qualname, func in _functions(module.body):
        original = ast.unparse(func)
        numbers: dict[str, int] = {}
        for site in _sites(func):
            numbers[site.operator] = number = numbers.get(site.operator, 0) + 1
            old = _swap(site.holder, site.field, site.index, site.value)
            try:
                changed = ast.unparse(func)
                text = _splice(source, func, changed) or ast.unparse(module) + "\n"
            finally:
                _swap(site.holder, site.field, site.index, old)
            if changed == original:
                continue
            try:
                compile(text, file, "exec")
            except (SyntaxError, ValueError):
                continue
            diff = "\n".join(difflib.unified_diff(
                original.splitlines(), changed.splitlines(), f"a/{file} ({qualname})", f"b/{file} ({qualname})",
                lineterm="", n=2))
            mutants.append(Mutant(f"{file}:{qualname}:{site.operator}:{number}", file, qualname, site.operator,
                                  site.line, f"line {site.line}: {site.description}", diff, text))
    return mutants


def learner_sources(task: Task, course: Course, kit_root: Path = KIT_ROOT) -> dict[str, str]:
    """The task's learner files as the reference solutions have them."""
    if not task.files:
        raise UsageError(f"Task {task.id} has no learner files (course.toml `files`), so it has no mutants.")
    sources = {}
    for rel in task.files:
        if not tree.is_module(rel):
            continue  # mutants are of Python code; a data file's variants are tested by the task's kit tests
        path = kit_root / course.solutions / rel
        try:
            sources[rel] = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{path} cannot be read ({exc.strerror or exc}); the kit checkout is incomplete.") from None
    return sources


def select(mutants: list[Mutant], function: str | None = None, limit: int | None = None) -> list[Mutant]:
    """The mutants in functions whose qualified name contains ``function``, at most ``limit``."""
    chosen = [m for m in mutants if not function or function in m.function]
    return chosen[:limit] if limit is not None else chosen


# -- grading -------------------------------------------------------------------------------


@dataclass
class Baseline:
    total: float
    possible: int
    passed: dict[str, bool]  # test that passed -> whether it is hidden
    duration: float
    suite: str = ""  # hash of the test files graded (grader/grading/provenance.py)
    waiting: set[str] = field(default_factory=set)  # tests marked for a real server, not run on this stack


@dataclass
class MutantResult:
    id: str
    status: str  # killed, survived or error
    killed_by: list[str] = field(default_factory=list)  # passed on the baseline, not on the mutant
    public: bool = False  # a public test is among them
    score: float = 0.0
    duration: float = 0.0
    error: str = ""
    first_failure: str = ""  # the first killing test and its message, to see why


def grade_files(sources: dict[str, str], task: Task, course: Course, kit_root: Path = KIT_ROOT,
                options: runner.RunOptions = OPTIONS) -> TaskResult:
    """Grade learner files given as text, from a temporary folder laid out like starter/."""
    folder = Path(tempfile.mkdtemp(prefix=f"mutant-{task.id}-"))
    try:
        for rel, text in sources.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
        return runner.grade(task, tree.resolve_impl(str(folder), course, kit_root), course, options, kit_root=kit_root)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def grade_baseline(sources: dict[str, str], task: Task, course: Course, kit_root: Path = KIT_ROOT,
                   options: runner.RunOptions = OPTIONS) -> Baseline:
    result = grade_files(sources, task, course, kit_root, options)
    tests = [t for e in result.exercises for t in e.tests]
    # A test marked for a real server is not run on embedded: the mutants are judged without it.
    missed = [f"{t.name}: {t.outcome} {t.message[:200]}".strip()
              for e in result.exercises for t in e.missed(options.stack)]
    missed += [f"{e.id}: {e.problem}" for e in result.exercises if e.problem]
    if missed or not tests:
        details = "; ".join((missed + result.notices)[:5])
        raise BaselineError(
            f"The reference solutions earn {result.total:g} / {result.possible} on task {task.id}, not full marks, "
            f"so no mutant can be judged against them. Fix the solutions or the tests first. {details}".strip())
    return Baseline(result.total, result.possible, {t.name: t.hidden for t in tests if t.outcome == PASSED},
                    result.duration, result.provenance.get("suite_sha256", ""),
                    {t.name for t in tests if t.outcome != PASSED})


def grade_mutant(mutant: Mutant, task: Task, course: Course, baseline: Baseline, sources: dict[str, str],
                 kit_root: Path = KIT_ROOT, options: runner.RunOptions = OPTIONS) -> MutantResult:
    """Grade one mutant (the solutions with its one mutated file) and compare with the baseline."""
    started = time.monotonic()
    try:
        result = grade_files({**sources, mutant.file: mutant.source}, task, course, kit_root, options)
    except Exception as exc:  # a grading that did not work is reported, never counted as a kill
        return MutantResult(mutant.id, ERROR, duration=time.monotonic() - started, error=f"{type(exc).__name__}: {exc}")
    return judge(mutant.id, result, baseline)


def judge(mutant_id: str, result: TaskResult, baseline: Baseline) -> MutantResult:
    """Killed when a test that passed on the baseline did not pass here. A grading that ran
    other tests than the baseline's (someone edited them meanwhile) decides nothing: a test
    that vanished would otherwise count as a kill."""
    if not result.graded:
        problem = next((e.problem for e in result.exercises if e.problem), "")
        return MutantResult(mutant_id, ERROR, duration=result.duration,
                            error=" / ".join([problem, *result.notices])[:1000])
    outcomes = {t.name: t for e in result.exercises for t in e.tests}
    suite = result.provenance.get("suite_sha256", "")
    if (suite and baseline.suite and suite != baseline.suite) or set(outcomes) != set(baseline.passed) | baseline.waiting:
        return MutantResult(mutant_id, ERROR, duration=result.duration, error=CHANGED_TESTS)
    killed_by = [name for name in baseline.passed if outcomes[name].outcome != PASSED]
    first = outcomes[killed_by[0]] if killed_by else None
    return MutantResult(
        mutant_id, KILLED if killed_by else SURVIVED, killed_by,
        public=any(not baseline.passed[name] for name in killed_by),
        score=result.total, duration=result.duration,
        first_failure=f"{first.name}: {first.outcome}: {first.message[:300]}" if first else "",
    )


Progress = Callable[[int, int, str], None]


def grade_mutants(mutants: list[Mutant], task: Task, course: Course, baseline: Baseline, sources: dict[str, str],
                  jobs: int = 1, kit_root: Path = KIT_ROOT, options: runner.RunOptions = OPTIONS,
                  progress: Progress | None = None) -> dict[str, MutantResult]:
    """Grade every mutant, ``jobs`` at a time. Side by side, each grading runs in a process
    of its own (``python -m grader.checks.mutants``): when runner.grade ends it kills every
    descendant of its process it did not see at its start, which in one process would
    include a concurrent grading's test process. Plain subprocesses, not multiprocessing:
    spawn would re-run the caller's main script, fork would copy its threads' locks."""
    results: dict[str, MutantResult] = {}
    lock = threading.Lock()

    def done(mutant: Mutant, outcome: MutantResult) -> None:
        with lock:
            results[mutant.id] = outcome
            count = len(results)
        if progress:
            progress(count, len(mutants), mutant.id)

    if jobs <= 1 or len(mutants) <= 1:
        for mutant in mutants:
            done(mutant, grade_mutant(mutant, task, course, baseline, sources, kit_root, options))
        return results
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = {pool.submit(_grade_in_process, m, task, course, baseline, sources, kit_root, options): m
                   for m in mutants}
        for future in as_completed(futures):
            done(futures[future], future.result())
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _grade_in_process(mutant: Mutant, task: Task, course: Course, baseline: Baseline, sources: dict[str, str],
                      kit_root: Path, options: runner.RunOptions) -> MutantResult:
    with tempfile.TemporaryDirectory(prefix="mutant-job-") as folder:
        job, answer = Path(folder) / "job.pickle", Path(folder) / "result.json"
        job.write_bytes(pickle.dumps((mutant, task, course, baseline, sources, kit_root, options)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(_PACKAGE_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            done = subprocess.run([sys.executable, "-m", "grader.checks.mutants", str(job), str(answer)], env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, timeout=options.total_timeout + 120)
        except subprocess.TimeoutExpired:
            return MutantResult(mutant.id, ERROR, error="the grading process did not finish")
        try:
            return MutantResult(**json.loads(answer.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            return MutantResult(mutant.id, ERROR, error=f"the grading process ended with exit code "
                                                        f"{done.returncode}: {' | '.join(tail)}"[:1000])


def _worker(job: str, answer: str) -> None:
    """One grading in a process of its own (see grade_mutants)."""
    mutant, task, course, baseline, sources, kit_root, options = pickle.loads(Path(job).read_bytes())
    outcome = grade_mutant(mutant, task, course, baseline, sources, kit_root, options)
    Path(answer).write_text(json.dumps(asdict(outcome)), encoding="utf-8")


# -- equivalent mutants --------------------------------------------------------------------


def load_equivalents(path: Path = EQUIVALENTS_PATH) -> dict[str, str]:
    """Reviewed equivalent mutants: id -> reason."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None
    found: dict[str, str] = {}
    for number, entry in enumerate(data.get("equivalent", []), 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(entry.get("reason"), str):
            raise UsageError(f"{path}: entry {number} of [[equivalent]] needs an `id` and a `reason` (strings).")
        if not entry["reason"].strip():
            raise UsageError(f"{path}: {entry['id']} has an empty reason; say why it cannot change behaviour.")
        if entry["id"] in found:
            raise UsageError(f"{path}: {entry['id']} is listed twice.")
        found[entry["id"]] = entry["reason"].strip()
    return found


# -- the summary ---------------------------------------------------------------------------


@dataclass
class FunctionRow:
    file: str
    function: str
    mutants: int = 0  # graded, neither equivalent nor in error
    killed: int = 0
    public: int = 0
    equivalent: int = 0


@dataclass
class Summary:
    generated: int
    selected: int
    graded: int
    equivalent: int
    errors: int
    killed: int
    killed_public: int
    functions: list[FunctionRow]
    survivors: list[Mutant]
    errored: list[tuple[Mutant, str]]
    stale: list[str]  # equivalents-file ids that no mutant has any more
    equivalent_killed: list[str]  # listed as equivalent, yet a test killed it: review the entry

    @property
    def counted(self) -> int:
        """What the rates are of: graded, not equivalent, graded without error."""
        return self.graded - self.equivalent - self.errors

    @property
    def survived(self) -> int:
        return self.counted - self.killed

    @property
    def rate(self) -> float | None:
        return self.killed / self.counted if self.counted else None

    @property
    def public_rate(self) -> float | None:
        return self.killed_public / self.counted if self.counted else None

    @property
    def goal_met(self) -> bool:
        return self.rate is not None and self.rate >= MUTANT_GOAL

    @property
    def public_goal_met(self) -> bool:
        return self.public_rate is not None and self.public_rate >= PUBLIC_MUTANT_GOAL


def summarise(selected: list[Mutant], results: dict[str, MutantResult], equivalents: dict[str, str],
              generated: list[Mutant] | None = None, files: Iterable[str] | None = None) -> Summary:
    """Count what happened to the ``selected`` mutants (of all those ``generated``). An
    equivalents entry is stale when it names a mutant of one of ``files`` (default: the
    files of the generated mutants) that was not generated."""
    generated = selected if generated is None else generated
    generated_ids = {m.id for m in generated}
    scope = set(files) if files is not None else {m.file for m in generated}
    rows: dict[tuple[str, str], FunctionRow] = {}
    summary = Summary(len(generated), len(selected), 0, 0, 0, 0, 0, [], [], [], [], [])
    for mutant in selected:
        outcome = results.get(mutant.id)
        if outcome is None:
            continue  # not graded (interrupted)
        row = rows.setdefault((mutant.file, mutant.function), FunctionRow(mutant.file, mutant.function))
        summary.graded += 1
        if mutant.id in equivalents:
            summary.equivalent += 1
            row.equivalent += 1
            if outcome.status == KILLED:
                summary.equivalent_killed.append(mutant.id)
        elif outcome.status == ERROR:
            summary.errors += 1
            summary.errored.append((mutant, outcome.error))
        else:
            row.mutants += 1
            if outcome.status == KILLED:
                summary.killed += 1
                row.killed += 1
                summary.killed_public += outcome.public
                row.public += outcome.public
            else:
                summary.survivors.append(mutant)
    summary.functions = list(rows.values())
    summary.stale = sorted(i for i in equivalents if i.split(":", 1)[0] in scope and i not in generated_ids)
    return summary


# -- the whole run and its report ------------------------------------------------------------


@dataclass
class Report:
    task: Task
    baseline: Baseline
    summary: Summary
    mutants: list[Mutant]  # those selected
    results: dict[str, MutantResult]
    equivalents: dict[str, str]
    duration: float
    jobs: int
    function: str | None = None
    limit: int | None = None


def run(task: Task, course: Course, *, jobs: int = 1, function: str | None = None, limit: int | None = None,
        kit_root: Path = KIT_ROOT, equivalents_path: Path = EQUIVALENTS_PATH, options: runner.RunOptions = OPTIONS,
        progress: Progress | None = None) -> Report:
    """Generate the task's mutants, grade the baseline and then the mutants, and summarise."""
    started = time.monotonic()
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}.")
    sources = learner_sources(task, course, kit_root)
    equivalents = load_equivalents(equivalents_path)
    generated = [m for rel, text in sources.items() for m in generate(text, rel)]
    selected = select(generated, function, limit)
    if not selected:
        where = f" in a function whose name contains {function!r}" if function else ""
        raise UsageError(f"Task {task.id} has no mutants{where}.")
    if progress:
        progress(0, len(selected), "baseline")
    baseline = grade_baseline(sources, task, course, kit_root, options)
    results = grade_mutants(selected, task, course, baseline, sources, jobs, kit_root, options, progress)
    summary = summarise(selected, results, equivalents, generated, sources)
    return Report(task, baseline, summary, selected, results, equivalents, time.monotonic() - started,
                  jobs, function, limit)


def _percent(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else f"{part} (n/a)"


def goal_lines(summary: Summary) -> list[str]:
    lines = []
    for label, goal, rate, met in (
        ("killed overall", MUTANT_GOAL, summary.rate, summary.goal_met),
        ("killed by public tests alone", PUBLIC_MUTANT_GOAL, summary.public_rate, summary.public_goal_met),
    ):
        now = "n/a" if rate is None else f"{100 * rate:.1f}%"
        lines.append(f"Goal: {100 * goal:.0f}% {label}: {now}, {'met' if met else 'NOT met'}")
    return lines


def render(report: Report, console: Console) -> None:
    summary, baseline, task = report.summary, report.baseline, report.task
    hidden = sum(baseline.passed.values())
    console.print(Text(
        f"Mutants of task {task.id} ({task.title}). Baseline: the solutions earn {baseline.total:g} / "
        f"{baseline.possible} on {len(baseline.passed)} tests ({len(baseline.passed) - hidden} public, "
        f"{hidden} hidden{'; ' + str(len(baseline.waiting)) + ' more need a real server, left out' if baseline.waiting else ''}). "
        f"{report.duration:.0f} s, {report.jobs} at a time."))
    counts = Table(title="Mutants", show_header=False)
    counts.add_column("what")
    counts.add_column("how many", justify="right")
    chosen = f" ({summary.selected} selected)" if summary.selected != summary.generated else ""
    counts.add_row("generated", f"{summary.generated}{chosen}")
    counts.add_row("graded", str(summary.graded))
    counts.add_row("equivalent (reviewed, not counted)", str(summary.equivalent))
    if summary.errors:
        counts.add_row("grading failed (not counted)", str(summary.errors))
    counts.add_row("killed", _percent(summary.killed, summary.counted))
    counts.add_row("killed by public tests alone", _percent(summary.killed_public, summary.counted))
    counts.add_row("survived", _percent(summary.survived, summary.counted))
    console.print(counts)
    for line in goal_lines(summary):
        console.print(Text(line, style="green" if line.endswith(", met") else "red"))
    functions = Table(title="Per function")
    for column in ("function", "mutants", "killed", "by public", "equivalent"):
        functions.add_column(column, justify="left" if column == "function" else "right")
    for row in summary.functions:
        functions.add_row(f"{Path(row.file).name} {row.function}", str(row.mutants), str(row.killed),
                          str(row.public), str(row.equivalent or ""))
    console.print(functions)
    if summary.survivors:
        console.print(Text(f"\nSurvivors ({len(summary.survivors)}): no test noticed these changes.", style="bold"))
    for mutant in summary.survivors:
        console.print(Text(f"\n{mutant.id}\n  {mutant.description}", style="bold"))
        console.print(Text(mutant.diff))
    reasons: dict[str, list[str]] = {}
    for mutant, why in summary.errored:  # one reason (e.g. the tests changed) often covers many
        reasons.setdefault(why, []).append(mutant.id)
    for why, ids in reasons.items():
        console.print(Text(f"\nGrading failed for {len(ids)} mutant(s), not counted: {why}", style="bold magenta"))
        for mutant_id in ids:
            console.print(Text(f"  {mutant_id}"))
    for title, items in (
        ("Listed as equivalent, yet a test killed them: review these entries", summary.equivalent_killed),
        (f"Stale entries of {EQUIVALENTS_PATH.name} (no such mutant any more)", summary.stale),
    ):
        if items:
            console.print(Text(f"\n{title}:", style="bold magenta"))
            for item in items:
                console.print(Text(f"  {item}"))


def to_dict(report: Report) -> dict:
    summary = report.summary
    return {
        "task": report.task.id,
        "duration_seconds": round(report.duration, 1),
        "jobs": report.jobs,
        "function": report.function,
        "limit": report.limit,
        "baseline": {"total": report.baseline.total, "possible": report.baseline.possible,
                     "tests": len(report.baseline.passed), "hidden_tests": sum(report.baseline.passed.values())},
        "generated": summary.generated,
        "selected": summary.selected,
        "graded": summary.graded,
        "equivalent": summary.equivalent,
        "errors": summary.errors,
        "killed": summary.killed,
        "killed_public": summary.killed_public,
        "survived": summary.survived,
        "rate": summary.rate,
        "public_rate": summary.public_rate,
        "goals": {"overall": MUTANT_GOAL, "public": PUBLIC_MUTANT_GOAL,
                  "overall_met": summary.goal_met, "public_met": summary.public_goal_met},
        "functions": [vars(row) for row in summary.functions],
        "stale": summary.stale,
        "equivalent_killed": summary.equivalent_killed,
        "mutants": [
            {"id": m.id, "file": m.file, "function": m.function, "operator": m.operator, "line": m.line,
             "description": m.description, "diff": m.diff,
             "equivalent": report.equivalents.get(m.id),
             **({"status": r.status, "public": r.public, "killed_by": r.killed_by, "score": r.score,
                 "duration_seconds": round(r.duration, 2), "first_failure": r.first_failure, "error": r.error}
                if (r := report.results.get(m.id)) else {"status": "not graded"})}
            for m in report.mutants
        ],
    }


def write_json(report: Report, path: Path) -> None:
    path.expanduser().write_text(json.dumps(to_dict(report), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":  # a worker of grade_mutants: python -m grader.checks.mutants JOB ANSWER
    from grader.checks import mutants as _module  # not __main__'s copy, so pickled classes match

    _module._worker(*sys.argv[1:3])
