"""Turn a pytest report into a verdict a learner can act on: an outcome and one plain
sentence naming what went wrong and, when learner code is at fault, where (file:line)."""

import os
from types import TracebackType

from grader.grading import embedded_limits, protocol

NEEDS_SERVICES = "needs a real database"  # a skip reason asking for a real stack starts so
MESSAGE_LIMIT = 2000  # a learner's 10 MB exception message must not become a 10 MB result


class LearnerModuleUnavailable(ImportError):
    """Raised on any use of a learner module that could not be imported safely."""


def _unwrap(exc: BaseException) -> BaseException:
    # anyio and asyncio may wrap a single failure in an exception group.
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def _frames(tb: TracebackType | None):
    while tb is not None:
        yield tb.tb_frame.f_code.co_filename, tb.tb_lineno, tb.tb_frame.f_code.co_name
        tb = tb.tb_next


def _all_frames(exc: BaseException):
    """Frames of the exception and of the exceptions it was raised from, innermost last."""
    chain = []
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    for item in reversed(chain):
        yield from _frames(item.__traceback__)


def learner_location(exc: BaseException, impl_root: str, learner_files: list[str]) -> str | None:
    """``backend/services/auth.py:42 in register`` for the innermost learner frame, if any."""
    if not impl_root:
        return None
    targets = {os.path.realpath(os.path.join(impl_root, f)): f for f in learner_files}
    found = None
    for filename, lineno, func in _all_frames(exc):
        rel = targets.get(os.path.realpath(filename))
        if rel:
            found = f"{rel}:{lineno} in {func}"
    return found


def _syntax_error(exc: SyntaxError, impl_root: str) -> str:
    where = os.path.relpath(exc.filename, impl_root) if impl_root else exc.filename
    return f"{where}, line {exc.lineno}: {type(exc).__name__}: {exc.msg}"


def describe_import_failure(exc: BaseException, rel: str, impl_root: str) -> str:
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{_syntax_error(exc, impl_root)}. Nothing in this file can run until it is fixed."
    where = learner_location(exc, impl_root, [rel]) or rel
    return f"importing {rel} failed at {where}: {type(exc).__name__}: {exc}"


def _assertion_text(exc: BaseException) -> str:
    text = str(exc)
    # pytest's assertion rewriting appends "assert <expr>" after the message; keep the message.
    head = text.split("\nassert ", 1)[0].strip()
    return head or "an assertion failed"


def cut(message: str, limit: int = MESSAGE_LIMIT) -> str:
    return message if len(message) <= limit else message[:limit] + " [... cut]"


HIDDEN_NOTE = " (what came back is not shown for hidden tests)"


def verdict(report, call, item, impl_root: str, learner_files: list[str], redact: bool = False) -> tuple[str, str]:
    """``redact``: a hidden test on a trusted stack, whose message must carry no text the
    learner's code produced (else a learner could echo the hidden tests' inputs out)."""
    outcome, message = _verdict(report, call, item, impl_root, learner_files)
    if redact and message:
        message = _redacted(call, message)
    return outcome, cut(message)


def _redacted(call, message: str) -> str:
    from grader.testkit.remote import AppVerdict

    exc = _unwrap(call.excinfo.value) if call is not None and call.excinfo is not None else None
    if isinstance(exc, AppVerdict):
        return exc.redacted
    # Test-written messages read "<what was done>: expected <what>, got <what came back>".
    for marker in (", got ", " got "):
        if marker in message:
            return message.split(marker, 1)[0] + HIDDEN_NOTE
    return message


def _verdict(report, call, item, impl_root: str, learner_files: list[str]) -> tuple[str, str]:
    if report.passed:
        return protocol.PASSED, ""
    if report.skipped:
        reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        if reason.startswith(NEEDS_SERVICES):
            return protocol.NEEDS_SERVICES, reason
        return protocol.ERROR, f"the test was skipped: {reason}"
    excinfo = call.excinfo
    if excinfo is None:
        return protocol.ERROR, str(report.longrepr)[-500:]
    exc = _unwrap(excinfo.value)
    from grader.testkit.remote import AppVerdict

    if isinstance(exc, AppVerdict):  # the app runs in its own process: kit code described it
        return exc.outcome, str(exc)
    where = learner_location(exc, impl_root, learner_files)
    at = f" (at {where})" if where else ""
    name = type(exc).__name__

    if name == "Failed" and "pytest-timeout" in str(exc):
        seconds = item.config.getoption("timeout", None) or 0
        return protocol.TIMEOUT, f"did not finish within {float(seconds):g} s: look for an infinite loop or a call that never returns{at}."
    limit = embedded_limits.verdict(exc)
    if limit and limit[0] == "limit":
        return protocol.NEEDS_SERVICES, f"{NEEDS_SERVICES}: the embedded database cannot run this query ({cut(str(exc), 300)}); a real MongoDB can: grade on the local stack (STACK=local)."
    if limit:
        return protocol.FAILED, f"your query uses {limit[1]}, an operator MongoDB does not have (the database said: {cut(str(exc), 300)}){at}."
    if isinstance(exc, NotImplementedError):
        if where:
            return protocol.FAILED, f"not implemented yet: {exc or 'this method'} still raises NotImplementedError{at}."
    if isinstance(exc, AssertionError):
        return protocol.FAILED, _assertion_text(exc)
    if isinstance(exc, SyntaxError) and exc.filename:
        return protocol.ERROR, f"your code does not import: {_syntax_error(exc, impl_root)}."
    if isinstance(exc, LearnerModuleUnavailable):  # the kit's own words: why the file is not available
        return protocol.ERROR, f"your code does not import: {exc}{at}."
    if isinstance(exc, ImportError) and where:
        return protocol.ERROR, f"your code does not import: {name}: {exc}{at}."
    if isinstance(exc, SystemExit):
        return protocol.ERROR, f"your code called exit({exc.code}){at}; services must raise errors, not exit."
    if where:
        return protocol.FAILED, f"your code raised {name}: {exc}{at}."
    if report.when != "call":
        return protocol.ERROR, f"the test could not be set up: {name}: {exc}"
    return protocol.FAILED, f"{name}: {exc}"
