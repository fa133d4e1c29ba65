"""Hostile learner code (tests/fixtures/hostile/, see its README): every attack is graded on
both stacks and must score what its expected.toml says.

The rules checked for every attack and stack:
- a full scorecard, never a crash: every exercise has test verdicts or a stated problem,
  and no thread of the grader died of an uncaught exception;
- the expected total (on the local stack a cheat scores what the stubs score: 0);
- no process is left behind (the grader's descendants, the sandbox's user ids, the attack's
  own recognisable command line);
- the kit checkout is unchanged (hashes of its files, and ``git status``);
- on the local stack no message contains hidden-test source text or the grading machine's
  environment (a canary variable set here); ``hidden_text`` / ``canary`` in expected.toml
  say what the embedded stack is expected to show; ``hidden_inputs`` checks the test data
  the hidden tests send (which the learner's app necessarily sees) only where asked;
- with ``inert = true``, the result rendered by every renderer a person reads (the terminal's
  compact view and scorecard, Markdown, JUnit, Gradescope) holds no escape sequence or
  control character from the messages, and no line that reads as a total the result does not
  have; ``escapes = "present"`` checks that the raw results do carry the sequences.

Set HOSTILE_REPORT=/some/file.jsonl to get one line per grading (totals, times, leftovers), and
HOSTILE_SLOW=1 to include the attacks marked ``slow`` (minutes, gigabytes).
"""

import ast
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest
from rich.console import Console

from grader import KIT_ROOT, render
from grader.grading import reap, runner, sandbox, tree
from grader.stacks import app as app_process

CORPUS = Path(__file__).parent / "fixtures" / "hostile"
ATTACKS = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.toml").is_file())
# What attacks aim at in the kit. (The rest of grader/ is left out: the kit is being developed
# while this runs, and its own edits must not look like an attack.)
KIT_PARTS = ("grader/public", "grader/hidden", "solutions", "starter/backend/services", "course.toml")
PLANTED = ("sitecustomize.py", "usercustomize.py", "conftest.py")  # new ones anywhere in the kit: an attack
KIT_COPY_PARTS = ("grader", "solutions", "starter", "shared", "tasks", "course.toml")
CANARY = "HOSTILE_CANARY"
TEST_TIMEOUT = 2.0
ROOT = os.geteuid() == 0

# Attacks that kill whatever started them are graded in a separate Python process, under
# two "shield" processes: each is a child subreaper, so the test processes a killed grader
# leaves behind are re-parented to a shield (which they may kill in turn), never to pytest.
SHIELD = """
import ctypes, os, subprocess, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
code = subprocess.run(sys.argv[1:], start_new_session=True).returncode
deadline = time.monotonic() + 60  # then what is still running is left to pytest, which reports it
while time.monotonic() < deadline:  # stay the parent of the orphans we adopted until they end
    try:
        if os.waitpid(-1, os.WNOHANG) == (0, 0):
            time.sleep(0.05)
    except ChildProcessError:
        break
sys.exit(code)
"""
ISOLATED_GRADE = """
import json, sys
from pathlib import Path
from grader.grading import manifest, runner, tree
impl, stack, out, kit, timeout, task = sys.argv[1:7]
course = manifest.load()
result = runner.grade(course.find(task), tree.resolve_impl(impl, course), course,
                      runner.RunOptions(stack=stack, test_timeout=float(timeout), total_timeout=240,
                                        include_hidden=True), kit_root=Path(kit))
Path(out).write_text(json.dumps({"total": result.total, "notices": result.notices, "exercises": [
    {"id": e.id, "problem": e.problem, "tests": [[t.name, t.outcome, t.message] for t in e.tests]}
    for e in result.exercises]}))
"""


# -- what a grading produced, in one shape for both ways of running it -------------------------

class Outcome:
    def __init__(self, total, notices, exercises, crash="", result=None):
        self.total = total
        self.notices = list(notices)
        self.exercises = exercises  # [(id, problem, [(nodeid, outcome, message)])]
        self.crash = crash
        self.result = result  # the TaskResult, when graded in this process

    @classmethod
    def of(cls, result):
        return cls(result.total, result.notices,
                   [(e.id, e.problem, [(t.name, t.outcome, t.message) for t in e.tests]) for e in result.exercises],
                   result=result)

    def texts(self) -> list[str]:
        found = list(self.notices)
        for _, problem, tests in self.exercises:
            found.append(problem)
            found += [message for _, _, message in tests]
        return found


def _grade(impl: Path, stack: str, kit_root: Path, isolate: bool, course, task: str) -> Outcome:
    if not isolate:
        options = runner.RunOptions(stack=stack, test_timeout=TEST_TIMEOUT, total_timeout=240, include_hidden=True)
        result = runner.grade(course.find(task), tree.resolve_impl(str(impl), course, kit_root), course, options,
                              kit_root=kit_root)
        return Outcome.of(result)
    out = impl.parent / f"result-{stack}.json"
    temp = impl.parent / "tmp"  # a killed grader cannot clean up: keep what it leaves out of /tmp
    temp.mkdir(exist_ok=True)
    shield = [sys.executable, "-c", SHIELD]
    done = subprocess.run([*shield, *shield, sys.executable, "-c", ISOLATED_GRADE, str(impl), stack, str(out),
                           str(kit_root), str(TEST_TIMEOUT), task], cwd=KIT_ROOT, capture_output=True, timeout=300,
                          start_new_session=True, env={**os.environ, "TMPDIR": str(temp)})
    if not out.exists():
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        return Outcome(None, [], [], crash=f"the grader process ended without a result "
                                           f"({app_process.describe_exit(done.returncode)}): {' | '.join(tail)}")
    data = json.loads(out.read_text())
    return Outcome(data["total"], data["notices"],
                   [(e["id"], e["problem"], [tuple(t) for t in e["tests"]]) for e in data["exercises"]])


# -- the kit, hidden text, processes -------------------------------------------------------------

def _kit_fingerprint(kit: Path) -> dict[str, str]:
    hashes = {}
    for part in KIT_PARTS:
        path = kit / part
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts:
                continue
            hashes[str(file.relative_to(kit))] = hashlib.sha256(file.read_bytes()).hexdigest()
    for name in PLANTED:  # planted where the kit's own Python processes would pick them up
        for file in kit.rglob(name):
            if ".venv" not in file.parts or "site-packages" in file.parts:
                hashes.setdefault(str(file.relative_to(kit)), hashlib.sha256(file.read_bytes()).hexdigest())
    for file in (kit / ".venv").glob("lib/python*/site-packages/*.pth"):
        hashes[str(file.relative_to(kit))] = hashlib.sha256(file.read_bytes()).hexdigest()
    return hashes


def _git_status(kit: Path) -> str:
    done = subprocess.run(["git", "-C", str(kit), "status", "--porcelain", "--", *KIT_PARTS],
                          capture_output=True, text=True, timeout=120)
    return done.stdout


def _hidden_markers(kit: Path) -> list[str]:
    """Source lines of the hidden tests that no message could contain by accident: code that
    appears in no public test (a message holds a test's text, never its source line)."""
    public = "\n".join(p.read_text() for p in (kit / "grader" / "public" / "task01").glob("*.py"))
    markers = set()
    for path in (kit / "grader" / "hidden" / "task01").glob("*.py"):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 24 and line not in public and not line.startswith(("#", '"', "'", "f\"", ")")):
                markers.add(line)
    return sorted(markers)


def _hidden_inputs(kit: Path) -> list[str]:
    """String literals only the hidden tests use that look like test data (emails, passwords):
    what the learner's app receives from a hidden test and may echo back."""
    shared = "".join(p.read_text() for folder in ("grader/public/task01", "grader/testkit")
                     for p in (kit / folder).glob("*.py"))
    found = set()
    for path in (kit / "grader" / "hidden" / "task01").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            value = getattr(node, "value", None)
            if (isinstance(node, ast.Constant) and isinstance(value, str) and len(value) >= 8
                    and " " not in value and value not in shared and any(c.isdigit() or c == "@" for c in value)):
                found.add(value)
    return sorted(found)


def _leaks_hidden(texts: list[str], markers: list[str]) -> list[str]:
    found = []
    for text in texts:
        flat = " ".join(text.split())
        if re.search(r"\bdef test_\w+\(", text):
            found.append(text[:200])
        elif any(" ".join(m.split()) in flat for m in markers):
            found.append(text[:200])
    return found


_RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # SGR: what rich itself writes to style text
_CONTROLS = ("\x1b", "\x9b", "\x9d", "\x07", "\r")


def _not_inert(result, tmp_path: Path) -> list[str]:
    """What of the result's text is not inert in the renderers a person reads: a control
    character, or (on the terminal) a line that starts as a total the result does not have."""
    problems = []
    for view in (render.compact, render.scorecard):
        console = Console(file=io.StringIO(), force_terminal=True, width=120)
        view(result, console)
        shown = _RICH_STYLE.sub("", console.file.getvalue())
        problems += [f"{view.__name__}: {c!r} on the terminal" for c in _CONTROLS if c in shown]
        real = f"Total: {result.total:g} / {result.possible}"
        problems += [f"{view.__name__}: the line {line!r}" for line in shown.splitlines()
                     if line.startswith("Total:") and not line.startswith(real)]
    render.write_junit(result, tmp_path / "junit.xml")
    gradescope = render.gradescope_results(result)
    for name, text in (("markdown", render.markdown_summary(result)),
                       ("junit", (tmp_path / "junit.xml").read_text(encoding="utf-8")),
                       ("gradescope", json.dumps(gradescope, ensure_ascii=False))):
        problems += [f"{name}: {c!r} in the output" for c in _CONTROLS if c in text]
    return problems


def _processes() -> dict[int, tuple[int, int, str, str]]:
    """pid -> (parent pid, uid, state, command line) for every process we can read."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            uid = os.stat(f"/proc/{entry}").st_uid
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        found[int(entry)] = (int(fields[1]), uid, fields[0], cmdline)
    return found


def _leftovers(marker: str | None) -> dict[int, str]:
    """Processes that should not exist once a grading is over: our own descendants (orphans
    come back to us: we are a subreaper), the attack's recognisable command line, and
    sandbox-user processes that escaped to init. (Other gradings may run on this machine at
    the same time: their processes have a living parent of their own.)"""
    table = _processes()
    mine = set(reap.descendants())
    low, high = sandbox.UID_RANGE
    left = {}
    for pid, (ppid, uid, state, cmdline) in table.items():
        if state in ("Z", "X") or pid == os.getpid():
            continue
        escaped = low <= uid < high and ppid in (0, 1)
        if pid in mine or escaped or (marker and marker in cmdline):
            left[pid] = f"uid {uid}: {cmdline[:120]}"
    return left


def _still_beating(beat: Path) -> bool:
    """A heartbeat file that is still being touched: its writer survived the grading (a
    process that re-forks all the time shows up in no list of processes)."""
    try:
        first = beat.stat().st_mtime_ns
        time.sleep(0.5)
        return beat.stat().st_mtime_ns != first
    except FileNotFoundError:
        return False


def _stop_beating(beat: Path) -> None:
    """Tell a surviving hopper to stop (its own leash), wait until it has, and tidy up."""
    stop = beat.with_suffix(".stop")
    stop.touch()
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and _still_beating(beat):
        pass
    beat.unlink(missing_ok=True)
    stop.unlink(missing_ok=True)


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    reap.kill_descendants()


def _temp_entries() -> set[str]:
    return {p.name for p in Path("/tmp").glob("grade-*")}


# -- building the learner folder -------------------------------------------------------------

def _learner_folder(name: str, spec: dict, tmp_path: Path, files: tuple[str, ...]) -> Path:
    target = tmp_path / "learner" / name
    # A folder holds only the files it attacks with; the others are the starter's stubs.
    shutil.copytree(KIT_ROOT / "starter" / "backend" / "services", target / "backend" / "services",
                    ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    for rel in files:  # the attacked task's own learner files (the analytics service's, say)
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(KIT_ROOT / "starter" / rel, target / rel)
    shutil.copytree(CORPUS / name, target, ignore=shutil.ignore_patterns("expected.toml", "README.md"),
                    dirs_exist_ok=True)
    # A correct solution (or the stubs) with a hazard: the folder's file holds only what is
    # added to the kit's file, so the tree follows the kit as it changes.
    for key, kit_folder in (("solution_plus", "solutions"), ("starter_plus", "starter")):
        for rel in spec.get(key, []):
            added = (CORPUS / name / rel).read_text(encoding="utf-8")
            (target / rel).write_text((KIT_ROOT / kit_folder / rel).read_text(encoding="utf-8") + "\n\n" + added)
    for rel in spec.get("solution", []):
        shutil.copyfile(KIT_ROOT / "solutions" / rel, target / rel)
    for rel, kit_rel in spec.get("links", {}).items():
        link = target / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)  # the stubs filled in above
        elif link.exists():
            link.unlink()
        link.symlink_to(KIT_ROOT / kit_rel)
    return target


def _kit_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "kit"
    for part in KIT_COPY_PARTS:
        source = KIT_ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            copy.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / part)
    return copy


def _report(line: dict) -> None:
    path = os.environ.get("HOSTILE_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line) + "\n")


# -- the test ------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def _subreaper():
    reap.become_subreaper()  # orphans of a grader killed by an attack come back to us
    yield
    reap.kill_descendants()


@pytest.fixture(scope="module")
def hidden_markers():
    return _hidden_markers(KIT_ROOT), _hidden_inputs(KIT_ROOT)


def check(name: str, stack: str, course, tmp_path: Path, monkeypatch, hidden_markers) -> None:
    spec = tomllib.loads((CORPUS / name / "expected.toml").read_text())
    expected = spec.get(stack, {})
    if not ROOT and stack in str(spec.get("needs_root", "")):
        pytest.skip(f"{name}: on the {stack} stack only a user id and mount namespace of its own (root) stop "
                    "this attack, or keep it harmless")
    if spec.get("slow") and not os.environ.get("HOSTILE_SLOW"):
        pytest.skip(f"{name}: slow and memory-hungry (see its expected.toml); run with HOSTILE_SLOW=1")
    task = course.find(spec.get("task", "01"))
    impl = _learner_folder(name, spec, tmp_path, task.files)
    kit = _kit_copy(tmp_path) if spec.get("kit_copy") and stack == "embedded" else KIT_ROOT
    canary = "canary-" + secrets.token_hex(8)
    monkeypatch.setenv(CANARY, canary)
    crashed_threads: list[str] = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: crashed_threads.append(
        f"{args.thread.name if args.thread else '?'}: {args.exc_type.__name__}: {args.exc_value}")
    kit_before, git_before = _kit_fingerprint(KIT_ROOT), _git_status(KIT_ROOT)
    temp_before = _temp_entries()
    marker = spec.get("leftover_marker")
    beat = Path(spec["heartbeat"]) if spec.get("heartbeat") else None
    if beat:
        beat.unlink(missing_ok=True)
        beat.with_suffix(".stop").unlink(missing_ok=True)
    # What is already running is not this grading's: an earlier test's servers, or another
    # grading on this machine (an orphan of theirs has no living parent either).
    there_before = set(_leftovers(marker))
    started = time.monotonic()
    left: dict[int, str] = {}
    try:
        outcome = _grade(impl, stack, kit, bool(spec.get("isolate")), course, task.id)
        time.sleep(0.3)  # what was killed is gone; what survived is still here
        left = {pid: what for pid, what in _leftovers(marker).items() if pid not in there_before}
        if beat and _still_beating(beat):
            left[0] = f"a process too short-lived to list (it re-forks) still touches {beat}"
    finally:
        threading.excepthook = previous_hook
        _kill(pid for pid in left if pid)
        if beat:
            _stop_beating(beat)
        for path in spec.get("cleanup", []):
            Path(path).unlink(missing_ok=True)
    duration = time.monotonic() - started
    kit_after, git_after = _kit_fingerprint(KIT_ROOT), _git_status(KIT_ROOT)
    changed = sorted(k for k in set(kit_before) | set(kit_after) if kit_before.get(k) != kit_after.get(k))
    texts = outcome.texts()
    source_lines, inputs = hidden_markers
    leaks = _leaks_hidden(texts, source_lines)
    echoed = sorted({value for value in inputs for text in texts if value in text})
    canary_seen = any(canary in text for text in texts)
    _report({"attack": name, "stack": stack, "total": outcome.total, "crash": outcome.crash,
             "seconds": round(duration, 1), "leftovers": list(left.values()), "kit_changed": changed,
             "hidden_text": bool(leaks), "hidden_inputs": echoed[:5], "canary": canary_seen, "thread_crashes": crashed_threads,
             "temp_left": sorted(_temp_entries() - temp_before), "notices": [n[:200] for n in outcome.notices]})

    assert not outcome.crash, f"{name} ({stack}) crashed the grader: {outcome.crash}"
    assert not crashed_threads, f"{name} ({stack}): a grader thread died: {crashed_threads}"
    for exercise_id, problem, tests in outcome.exercises:
        assert tests or problem, f"{name} ({stack}): exercise {exercise_id} has neither verdicts nor a problem"
    assert [e[0] for e in outcome.exercises] == [e.id for e in task.exercises]
    # As root even the embedded stack runs learner code as a user of its own, which stops
    # some attacks there too; ``total_as_root`` says what to expect then.
    key = "total_as_root" if ROOT and "total_as_root" in expected else "total"
    if key in expected:
        assert outcome.total == expected[key], (
            f"{name} ({stack}) scored {outcome.total}, expected {expected[key]}; notices: {outcome.notices[:3]}")
    assert outcome.total >= expected.get("min_total", 0), (
        f"{name} ({stack}) scored {outcome.total}; lost: "
        f"{[(test, message) for _, _, tests in outcome.exercises for test, result, message in tests if result != 'passed']}")
    assert outcome.total <= expected.get("max_total", 100), f"{name} ({stack}) scored {outcome.total}"
    assert not left, f"{name} ({stack}) left processes behind: {left}"
    assert not changed and git_after == git_before, (
        f"{name} ({stack}) changed the kit checkout: {changed[:10]} {git_before!r} -> {git_after!r}")
    hidden = expected.get("hidden_text", "absent" if stack != "embedded" else None)
    if hidden == "absent":
        assert not leaks, f"{name} ({stack}): hidden-test source text reached the results: {leaks[:2]}"
    elif hidden == "present":
        assert leaks, f"{name} ({stack}): the attack did not get hidden-test text into the results (not live?)"
    echo = expected.get("hidden_inputs")  # not checked unless asked: see the README
    if echo == "absent":
        assert not echoed, f"{name} ({stack}): hidden tests' inputs reached the results: {echoed[:5]}"
    elif echo == "present":
        assert echoed, f"{name} ({stack}): no hidden test input reached the results (not live?)"
    escapes = expected.get("escapes")
    if escapes == "present":
        assert any("\x1b" in text or "\\u001b" in text for text in texts), (
            f"{name} ({stack}): no escape sequence reached the results (not live?)")
    if spec.get("inert"):
        assert outcome.result is not None, f"{name}: ``inert`` needs a grading in this process (no ``isolate``)"
        problems = _not_inert(outcome.result, tmp_path)
        assert not problems, f"{name} ({stack}): learner text is not inert: {problems[:5]}"
    seen = expected.get("canary", "absent" if stack != "embedded" else None)
    if seen == "absent":
        assert not canary_seen, f"{name} ({stack}): the grading machine's environment reached the results"
    elif seen == "present":
        assert canary_seen, f"{name} ({stack}): the attack did not see the environment (not live?)"


@pytest.mark.parametrize("name", ATTACKS)
def test_embedded(name, course, tmp_path, monkeypatch, hidden_markers):
    check(name, "embedded", course, tmp_path, monkeypatch, hidden_markers)


@pytest.mark.parametrize("name", ATTACKS)
def test_local(name, course, tmp_path, monkeypatch, hidden_markers):
    check(name, "local", course, tmp_path, monkeypatch, hidden_markers)
