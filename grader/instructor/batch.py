"""``grade batch``: grade many learners' forks of one task in the trusted mode and write a
gradebook.

Each fork is graded by its own ``grade <task> --stack local --impl FORK --json ...``
process, so a fork that breaks grading (or the grader itself, on that fork) costs only its
own row: the batch reads what that process wrote and records the reason when it wrote
nothing usable. Forks run one after another, or ``jobs`` at a time.

Output, in ``out``:
    gradebook.csv      one row per fork: status, reason, one column per exercise, total,
                       possible, trust, the sha256 of each learner file taken, the kit commit
    <fork>.json        the fork's full results (``grade --json``), or, when grading did not
                       complete, {"fork", "path", "status", "reason"}
"""

import csv
import json
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from grader.grading.manifest import Task
from grader.grading.protocol import EXIT_NOT_GRADED

GRADED, NOT_GRADED, ERROR = "graded", "not graded", "error"
STACK = "local"  # the trusted mode: the learner's app in its own sandboxed process
GRACE_SECONDS = 60  # beyond the grading's own time limit, before a grading process is stopped
REASON_CHARS = 300
_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula


class BatchError(Exception):
    """Bad input to the batch as a whole (not one fork's problem): a list file that cannot be read."""


@dataclass
class Fork:
    name: str  # unique in the batch; names the fork's JSON file
    path: Path
    problem: str = ""  # set when the fork cannot even be tried (no such folder)


@dataclass
class Row:
    fork: Fork
    status: str
    reason: str = ""
    results: dict = field(default_factory=dict)  # the fork's JSON results, when grading completed
    seconds: float = 0.0


def read_forks(arguments: list[str]) -> list[Fork]:
    """Each argument is a fork's folder, or a text file listing folders (one per line; blank
    lines and lines starting with # are skipped; relative paths are read from the file's
    folder). A folder that does not exist still gets a row, with the reason."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument).expanduser()
        if path.is_file():
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise BatchError(f"{argument}: cannot read this list of forks ({exc}).") from None
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    listed = Path(line).expanduser()
                    paths.append(listed if listed.is_absolute() else path.parent / listed)
        else:
            paths.append(path)
    if not paths:
        raise BatchError("no forks given: name fork folders, or a text file listing them.")
    forks, used = [], set()
    for path in paths:
        path = path.absolute()
        base = _NAME.sub("-", path.name).strip(".-") or "fork"
        name, n = base, 1
        while name.lower() in used:
            n += 1
            name = f"{base}-{n}"
        used.add(name.lower())
        problem = "" if path.is_dir() else f"no such folder: {path}"
        forks.append(Fork(name, path, problem))
    return forks


def grade_fork(task: Task, fork: Fork, out: Path, *, jobs: int = 1, total_timeout: float = 300.0,
               test_timeout: float = 10.0, runner=subprocess.run) -> Row:
    """Grade one fork in its own grading process and read back what it wrote."""
    started = time.monotonic()
    if fork.problem:
        return _finish(Row(fork, NOT_GRADED, fork.problem), out, started)
    json_path = out / f"{fork.name}.json"
    json_path.unlink(missing_ok=True)  # an old file must not pass for this run's results
    command = [sys.executable, "-m", "grader", "task", task.id, "--stack", STACK, "--impl", str(fork.path),
               "--json", str(json_path), "--jobs", str(jobs), "--total-timeout", str(total_timeout),
               "--test-timeout", str(test_timeout)]
    env = {k: v for k, v in os.environ.items() if k not in ("APP_URL", "GITHUB_STEP_SUMMARY")}
    env["GRADE_STATE"] = str(out / ".progress" / f"{fork.name}.json")  # not the instructor's own progress
    try:
        done = runner(command, capture_output=True, text=True, errors="replace", timeout=total_timeout + GRACE_SECONDS,
                      stdin=subprocess.DEVNULL, env=env)
    except subprocess.TimeoutExpired:
        return _finish(Row(fork, ERROR, f"grading did not finish within {total_timeout + GRACE_SECONDS:.0f} s"),
                       out, started)
    except OSError as exc:
        return _finish(Row(fork, ERROR, f"the grading process could not be started: {exc}"), out, started)
    if done.returncode == EXIT_NOT_GRADED and json_path.is_file():  # the machine's problem, not the fork's
        try:
            notices = json.loads(json_path.read_text(encoding="utf-8")).get("notices", [])
        except (OSError, ValueError, AttributeError):
            notices = []
        reason = " / ".join(map(str, notices)) or _last_line(done.stderr) or "the stack was not ready"
        return _finish(Row(fork, ERROR, f"not graded: {reason}"), out, started)
    if done.returncode != 0 or not json_path.is_file():
        reason = _last_line(done.stderr) or _last_line(done.stdout) or f"exit code {done.returncode}"
        status = NOT_GRADED if done.returncode == 2 else ERROR  # 2: the grader refused the input
        return _finish(Row(fork, status, reason.removeprefix("grade: ")), out, started)
    try:
        results = json.loads(json_path.read_text(encoding="utf-8"))
        graded = bool(results["graded"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return _finish(Row(fork, ERROR, f"the results file could not be read ({type(exc).__name__})"), out, started)
    # Graded: the notices (a file not taken, an import that failed) explain low scores.
    reason = " / ".join(results.get("notices", [])) or ("" if graded else "not graded")
    row = Row(fork, GRADED if graded else NOT_GRADED, reason, results)
    row.seconds = time.monotonic() - started
    return row


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _finish(row: Row, out: Path, started: float) -> Row:
    """A fork whose grading did not complete still gets its JSON file, with the reason."""
    row.seconds = time.monotonic() - started
    payload = {"fork": row.fork.name, "path": str(row.fork.path), "status": row.status, "reason": row.reason}
    (out / f"{row.fork.name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return row


def run(task: Task, forks: list[Fork], out: Path, *, jobs: int = 1, total_timeout: float = 300.0,
        test_timeout: float = 10.0, progress: Callable[[int, int, str], None] | None = None) -> list[Row]:
    """Grade every fork, ``jobs`` at a time, and write the gradebook (also when interrupted:
    the forks not graded then say so)."""
    out.mkdir(parents=True, exist_ok=True)
    # Side by side, each grading gets one test process: the machine's cores are shared out
    # between forks rather than within one.
    per_fork = 1 if jobs > 1 else 2
    rows: dict[str, Row] = {}
    lock = threading.Lock()

    def one(fork: Fork) -> None:
        row = grade_fork(task, fork, out, jobs=per_fork, total_timeout=total_timeout, test_timeout=test_timeout)
        with lock:
            rows[fork.name] = row
            if progress:
                progress(len(rows), len(forks), fork.name)

    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        for future in [pool.submit(one, fork) for fork in forks]:
            future.result()
    finally:  # Ctrl-C included: the forks not started yet are not graded, and say so
        pool.shutdown(wait=True, cancel_futures=True)
        ordered = [rows.get(f.name) or _finish(Row(f, NOT_GRADED, "not graded: the batch was interrupted"), out,
                                               time.monotonic()) for f in forks]
        write_gradebook(task, ordered, out / "gradebook.csv")
    return ordered


def columns(task: Task) -> list[str]:
    files = [f"sha256 {rel}" for rel in task.files]
    return ["fork", "path", "status", "reason", *(e.id for e in task.exercises), "total", "possible", "trust",
            *files, "kit_commit", "seconds"]


def gradebook_row(task: Task, row: Row) -> dict[str, str]:
    results = row.results
    scores = {e["id"]: e["score"] for e in results.get("exercises", [])} if results else {}
    hashes = {f["path"]: f["sha256"] for f in results.get("learner_files", [])} if results else {}
    values = {
        "fork": row.fork.name, "path": str(row.fork.path), "status": row.status,
        "reason": " ".join(row.reason.split())[:REASON_CHARS],
        **{e.id: _number(scores.get(e.id, "")) for e in task.exercises},
        "total": _number(results.get("total", 0)) if results and row.status == GRADED else "",  # no score: not "0"
        "possible": str(task.possible),
        "trust": results.get("trust", "") if results else "",
        **{f"sha256 {rel}": hashes.get(rel, "") for rel in task.files},
        "kit_commit": results.get("kit_commit", "") if results else "",
        "seconds": f"{row.seconds:.1f}",
    }
    return {key: _cell(value) for key, value in values.items()}


def write_gradebook(task: Task, rows: list[Row], path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns(task))
        writer.writeheader()
        for row in rows:
            writer.writerow(gradebook_row(task, row))
    tmp.replace(path)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a fork named "=HYPERLINK(...)" or a reason a
    learner's code wrote must not become a formula."""
    value = str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value
