"""``grade watch``: grade again each time a learner file of the task is saved.

The loop looks at the files' times and sizes twice a second, which works everywhere;
the system's file events (through watchfiles, unless ``--poll``) make it react at once.
Where those events do not arrive (some network and container mounts) nothing is lost.
Nothing a learner's code does ends the loop: a grading that fails is reported and the loop
waits for the next save. Ctrl-C ends it.
"""

import os
import queue
import threading
import time
from pathlib import Path
from typing import Callable

from grader import KIT_ROOT
from grader.grading.manifest import Course, Task
from grader.grading.tree import Impl, TreeError

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


def _native_events(files: list[Path], wake: queue.Queue, stop: threading.Event) -> None:
    """Put something in ``wake`` whenever the system says a learner file changed. Runs in a
    thread started before the first grading, so a save is never missed while it starts."""
    try:
        import watchfiles

        wanted = {str(f.resolve()) for f in files}
        folders = sorted({str(f.parent) for f in files if f.parent.is_dir()})
        # Folders, not files: editors often save by writing a new file and renaming it.
        for _changes in watchfiles.watch(*folders, stop_event=stop, raise_interrupt=False,
                                         watch_filter=lambda _change, path: str(Path(path).resolve()) in wanted):
            wake.put(True)
    except Exception:  # noqa: BLE001 (no file events here: the polling in run() still sees every save)
        return


def _listen(files: list[Path], native: bool) -> tuple[queue.Queue, threading.Event]:
    """A queue the system's file events wake (when ``native``), and the event that stops them."""
    wake: queue.Queue = queue.Queue()
    stop = threading.Event()
    if native:
        threading.Thread(target=_native_events, args=(files, wake, stop), daemon=True).start()
    return wake, stop


def _next_save(files: list[Path], since: tuple, wake: queue.Queue) -> tuple:
    """Wait until the files' signature differs from ``since``, let the save settle, and
    return the new signature."""
    while _signature(files) == since:
        try:
            wake.get(timeout=POLL_SECONDS)
        except queue.Empty:
            pass
    time.sleep(SETTLE_SECONDS)  # an editor's save can be several writes
    while not wake.empty():
        wake.get_nowait()
    return _signature(files)


def run(grade_once: Callable[[], None], files: list[Path], say: Callable[[str], None] = print,
        poll: bool = False) -> None:
    """Grade, then wait for a save and grade again, until Ctrl-C. What decides that a file
    changed is its time and size, looked at every POLL_SECONDS; the system's file events
    (unless ``poll``) only make the loop react at once."""
    def attempt() -> None:
        try:
            grade_once()
        except TreeError as exc:  # a file missing for a moment, mid-save
            say(f"not graded: {exc}")
        except Exception as exc:  # noqa: BLE001 (the loop outlives whatever went wrong)
            say(f"grading failed ({type(exc).__name__}: {exc}); waiting for the next save")

    names = ", ".join(str(f) for f in files)
    wake, stop = _listen(files, native=not poll)
    try:
        while True:
            graded = _signature(files)
            attempt()
            if _signature(files) != graded:  # saved while grading: that version is not graded yet
                say(f"{time.strftime('%H:%M:%S')} saved while grading: grading again")
                continue
            say(f"Watching {names}; save to grade again, Ctrl-C to stop.")
            now = _next_save(files, graded, wake)
            changed = sorted(f.name for f, a, b in zip(files, graded, now) if a != b) or ["a file"]
            say(f"{time.strftime('%H:%M:%S')} saved {', '.join(changed)}: grading again")
    except KeyboardInterrupt:
        say("Stopped watching.")
    finally:
        stop.set()


def saves(files: list[Path]):
    """Yield once per save of one of ``files`` (for ``grade serve --reload``). Saves are
    counted from the first ``next()``."""
    wake, stop = _listen(files, native=True)
    seen = _signature(files)
    try:
        while True:
            seen = _next_save(files, seen, wake)
            yield
    finally:
        stop.set()
