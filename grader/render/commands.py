"""The commands the kit prints for a learner to run, in the one form that works in a new
shell from the kit's folder: the Makefile's (``make grade TASK=01``). The ``grade`` script
lives in .venv/bin, which a new shell does not have on its PATH.

Every target and variable written here is one the Makefile has and passes on
(tests/test_first_hour.py reads the Makefile to check it)."""

import shlex

DEFAULT_IMPL, DEFAULT_STACK = "starter", "embedded"  # the Makefile's defaults: left out of a command


def make(target: str, **variables: str | None) -> str:
    """``make TARGET VAR=value ...``; a variable that is None or empty is left out (the
    Makefile's default applies). A value with spaces or quotes is quoted for the shell."""
    shown = [f"{name}={shlex.quote(str(value))}" for name, value in variables.items() if value not in (None, "")]
    return " ".join(["make", target, *shown])


def _impl(impl: str) -> str | None:
    return None if impl == DEFAULT_IMPL else impl


def _stack(stack: str) -> str | None:
    return None if stack == DEFAULT_STACK else stack


def grade(task: str, impl: str = DEFAULT_IMPL, stack: str = DEFAULT_STACK, verbose: bool = False) -> str:
    """Grade a task (``01``) or one exercise (``01.4``)."""
    return make("grade", TASK=task, IMPL=_impl(impl), STACK=_stack(stack), VERBOSE="1" if verbose else None)


def doctor(stack: str = DEFAULT_STACK, verbose: bool = False) -> str:
    return make("doctor", STACK=_stack(stack), VERBOSE="1" if verbose else None)


def hint(exercise: str) -> str:
    return make("hint", EX=exercise)


def watch(task: str) -> str:
    return make("watch", TASK=task)
