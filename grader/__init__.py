"""The course autograder: builds an implementation tree, runs a task's tests against it in a
child process, and reports a per-exercise scorecard."""

from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parent.parent
