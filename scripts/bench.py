"""Benchmark, in one run: the wall time of grading Task 01 against the solutions on the
embedded and the local stack (and their ratio), the grader's overhead over running the
same pytest suite directly on the same tree, and a class: ``grade batch`` over N forks of
the task (half solutions, half the starter) on the local stack, in forks per minute.

    make bench            (or: .venv/bin/python scripts/bench.py [--runs N] [--forks N] [--batch-jobs N])

Each single-grading measurement is the median of N runs after one warm-up run; the batch
runs once (it is itself N gradings).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from grader.grading import manifest, runner, tree  # noqa: E402


def timed(command: list[str], env: dict | None = None, cwd: Path = KIT) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(command)} exited with {done.returncode}")
    return elapsed


def median_of(runs: int, command: list[str], **kwargs) -> float:
    timed(command, **kwargs)  # warm-up: imports and .pyc files
    return statistics.median(timed(command, **kwargs) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--task", default="01")
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--batch-jobs", type=int, default=2)
    args = parser.parse_args()

    course = manifest.load()
    task = course.find(args.task)
    grade_cmd = [str(Path(sys.executable).parent / "grade"), task.id, "--impl", "solutions"]
    graded = median_of(args.runs, grade_cmd)
    graded_local = median_of(args.runs, grade_cmd + ["--stack", "local"])
    graded_serial = median_of(args.runs, grade_cmd + ["--jobs", "1"])

    # The same tests, same tree, same pytest options, without the grader around them.
    root = tree.build(tree.resolve_impl("solutions", course), task, course).root
    try:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(KIT)]), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        direct_cmd = [
            sys.executable, "-m", "pytest", *map(str, task.test_dirs()), "-c", str(runner.CHILD_INI),
            "--rootdir", str(KIT), "-p", "pytest_asyncio.plugin", "-p", "pytest_timeout",
            "-p", "grader.grading.plugin", "-p", "grader.testkit.fixtures", "-p", "no:cacheprovider", "-q", "--tb=no",
        ]
        direct = median_of(args.runs, direct_cmd, env=env, cwd=root)
    finally:
        tree.remove(root)

    batch_seconds = batch(task, course, args.forks, args.batch_jobs) if args.forks else 0.0

    # Overhead compares like with like: one test process each.
    overhead = (graded_serial - direct) / direct * 100
    print(f"task {task.id}, solutions, median of {args.runs} warm runs on {os.cpu_count()} cores")
    print(f"  grade, embedded ({runner.RunOptions.jobs} test processes): {graded:6.2f} s   (goal: under 2 s)")
    print(f"  grade --stack local:                {graded_local:6.2f} s   "
          f"({graded_local / graded:.1f} x embedded; goal: under 3 x)")
    print(f"  grade --jobs 1:                     {graded_serial:6.2f} s")
    print(f"  pytest directly, same suite:        {direct:6.2f} s   (one process)")
    print(f"  grader overhead (--jobs 1 vs direct): {overhead:5.1f} %   (goal: under 25 %)")
    if args.forks:
        print(f"  grade batch, {args.forks} forks, --jobs {args.batch_jobs}, local: {batch_seconds:6.1f} s   "
              f"({args.forks / batch_seconds * 60:.1f} forks per minute; goal for 20 forks: under 120 s)")
    others = [t for t in course.tasks if t.kind == "code" and t.id != task.id]
    if others:
        print(f"every other code task, solutions, median of {args.runs} warm runs "
              f"(the pipeline tasks' goal: local at most 3 x task {task.id} local)")
    for other in others:
        command = [str(Path(sys.executable).parent / "grade"), other.id, "--impl", "solutions"]
        embedded, local = median_of(args.runs, command), median_of(args.runs, command + ["--stack", "local"])
        pipeline = "kafka" in other.backends or "mysql" in other.backends
        against = f"; {local / graded_local:.1f} x task {task.id} local" if pipeline else ""
        print(f"  task {other.id}: embedded {embedded:6.2f} s, local {local:6.2f} s ({local / embedded:.1f} x{against})")


def batch(task, course, forks: int, jobs: int) -> float:
    """Seconds ``grade batch`` takes over ``forks`` forks (solutions and starters, alternating)."""
    base = Path(tempfile.mkdtemp(prefix="bench-forks-"))
    try:
        paths = []
        for n in range(forks):
            fork = base / f"fork{n:02d}"
            shutil.copytree(KIT / course.starter, fork, ignore=shutil.ignore_patterns("__pycache__"))
            if n % 2 == 0:
                for rel in task.files:
                    shutil.copy(KIT / course.solutions / rel, fork / rel)
            paths.append(str(fork))
        command = [sys.executable, "-m", "grader", "batch", "--task", task.id, "--jobs", str(jobs),
                   "--out", str(base / "gradebook"), *paths]
        return timed(command)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
