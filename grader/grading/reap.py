"""Nothing a learner starts outlives grading.

The grader marks itself a "child subreaper": a process that daemonises (double fork,
new session) is re-parented to the grader instead of init, so it stays among the grader's
descendants, which ``kill_descendants`` finds through /proc and kills.
"""

import ctypes
import os
import signal

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("ascii", "replace")
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def descendants(pid: int | None = None) -> list[int]:
    pid = os.getpid() if pid is None else pid
    tree, found, todo = _children_map(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_descendants(pid: int | None = None, rounds: int = 5, spare: frozenset[int] = frozenset()) -> int:
    """SIGKILL every descendant except ``spare`` (processes that were there before us, with
    theirs); a few passes, as a forking process may add more. Reap our own children."""
    killed = 0
    for _ in range(rounds):
        tree = _children_map()
        protected = set(spare)
        todo = list(spare)
        while todo:
            for child in tree.get(todo.pop(), []):
                protected.add(child)
                todo.append(child)
        found = [p for p in descendants(pid) if p not in protected]
        if not found:
            break
        for child in found:
            try:
                os.kill(child, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        _reap()
    return killed


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
