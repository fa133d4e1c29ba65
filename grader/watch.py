"""``grade watch``: grade again each time a learner file of the task is saved.

The system's file events come through watchfiles; where they do not arrive (some network
and container mounts), ``--poll`` looks at the files' times and sizes twice a second, and
so does the loop when watchfiles cannot start at all. Nothing a learner's code does ends
the loop: a grading that fails is reported and the loop waits for the next save. Ctrl-C
ends it.
"""

import os
import time
from pathlib import Path
from typing import Callable, Iterator

from grader import KIT_ROOT
from grader.manifest import Course, Task
from grader.tree import Impl, TreeError

POLL_SECONDS = 0.5
SETTLE_SECONDS = 0.2  # an editor's save can be several writes: wait for them to settle


def watched_files(task: Task, impl: Impl, course: Course, kit_root: Path = KIT_ROOT) -> list[Path]:
    source = impl.source if impl.source is not None else kit_root / course.starter
    return [source / rel for rel in task.files]


def _signature(files: list[Path]) -> tuple:
    marks = []
    for path in files:
        try:
            info = os.stat(path)
            marks.append((info.st_mtime_ns, info.st_size))
        except OSError:
            marks.append(None)  # deleted for a moment (an editor replacing the file)
    return tuple(marks)


def _polled(files: list[Path]) -> Iterator[set[Path]]:
    seen = _signature(files)
    while True:
        time.sleep(POLL_SECONDS)
        now = _signature(files)
        if now != seen:
            changed = {f for f, a, b in zip(files, seen, now) if a != b}
            seen = now
            yield changed


def _events(files: list[Path], poll: bool) -> Iterator[set[Path]]:
    """Sets of learner files that changed, as they change."""
    if poll:
        yield from _polled(files)
        return
    try:
        import watchfiles
    except ImportError:
        yield from _polled(files)
        return
    wanted = {str(f.resolve()) for f in files}
    folders = sorted({str(f.parent) for f in files if f.parent.is_dir()})
    try:
        # Folders, not files: editors often save by writing a new file and renaming it.
        for changes in watchfiles.watch(*folders, watch_filter=lambda _change, path: str(Path(path).resolve()) in wanted,
                                        debounce=int(SETTLE_SECONDS * 1000), raise_interrupt=True):
            yield {Path(path) for _change, path in changes}
    except (OSError, RuntimeError):  # no file events here (a limit, an odd file system): poll
        yield from _polled(files)


def run(grade_once: Callable[[], None], files: list[Path], say: Callable[[str], None] = print,
        poll: bool = False) -> None:
    def attempt() -> None:
        try:
            grade_once()
        except TreeError as exc:  # a file missing for a moment, mid-save
            say(f"not graded: {exc}")
        except Exception as exc:  # noqa: BLE001 (the loop outlives whatever went wrong)
            say(f"grading failed ({type(exc).__name__}: {exc}); waiting for the next save")

    names = ", ".join(str(f) for f in files)
    events = None
    try:
        while True:
            before = _signature(files)
            attempt()
            if _signature(files) != before:  # saved while grading: that version is not graded yet
                say(f"{time.strftime('%H:%M:%S')} saved while grading: grading again")
                continue
            say(f"Watching {names}; save to grade again, Ctrl-C to stop.")
            if events is None:
                events = _events(files, poll)
            changed = next(events)
            time.sleep(SETTLE_SECONDS)
            say(f"{time.strftime('%H:%M:%S')} saved {', '.join(sorted(p.name for p in changed))}: grading again")
    except KeyboardInterrupt:
        say("Stopped watching.")
