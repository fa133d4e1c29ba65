"""One grading, one set of namespaces and one control group, where the machine allows them.

A grading on the local stack starts its own servers, the learner's app and its test
processes. As root, the grading process first moves itself into namespaces of its own
(``enter``), which everything it starts afterwards inherits:

    network  a loopback of its own: no other grading's servers or apps, and nothing else on
             the machine, can be reached, and no port can collide with theirs
    IPC      System V segments, semaphores and queues of its own, gone with the grading
    mount    a private ``/dev/shm`` (a small tmpfs), gone with the grading

The learner's processes (the app and whatever it starts) are also put in a control group
of their own (``ControlGroup``): a memory cap for all of them together, a process cap, and
at the end every process in it is killed, whatever session it moved to.

Without root, or where the kernel refuses (a container without CAP_SYS_ADMIN), nothing of
this applies and ``enter`` says so; the trust line of the scorecard names what did apply.
The services stack reaches servers elsewhere, so it keeps the machine's network.
"""

import ctypes
import fcntl
import functools
import os
import signal
import socket
import struct
import time
import uuid
from pathlib import Path

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 16384, 1 << 18
SHM_SIZE = "64m"
MEMORY_CAP = 2 << 30  # the learner's processes of one grading together: 2 GiB
PROCESS_CAP = 512  # processes and threads of the learner's processes of one grading together

_entered: list[str] = []  # what ``enter`` applied in this process


def applied() -> list[str]:
    """The namespaces this grading process is in (empty when none were made)."""
    return list(_entered)


def enter() -> list[str]:
    """Move this process into network, IPC and mount namespaces of its own, bring its
    loopback up and give it a private /dev/shm. Returns what applied (nothing without
    root). Call it before any thread starts: namespaces belong to the thread that made them
    and to what it starts afterwards."""
    if _entered or os.geteuid() != 0:
        return applied()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    if libc.unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWNS) != 0:
        return []
    _loopback_up()
    _entered.extend(["network", "IPC"])
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) == 0 and libc.mount(
            b"tmpfs", b"/dev/shm", b"tmpfs", MS_NOSUID | MS_NODEV, f"size={SHM_SIZE},mode=1777".encode()) == 0:
        _entered.append("/dev/shm")
    return applied()


def _loopback_up() -> None:
    """``ip link set lo up``, without needing the ip command."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, siocgifflags, request))[1]
        fcntl.ioctl(sock, siocsifflags, struct.pack("16sH14x", b"lo", flags | iff_up))


def describe() -> str:
    """The namespaces in words, for the trust line ("" when none applied)."""
    made = [m for m in applied() if m != "/dev/shm"]
    if not made:
        return ""
    shm = ", with a private /dev/shm" if "/dev/shm" in applied() else ""
    return "in " + " and ".join(made) + " namespaces of its own" + shm


# -- control groups ------------------------------------------------------------------------

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_cgroups() -> dict[str, Path]:
    """Controller ("memory", "pids", or "" for cgroup v2) -> the folder of this process's group."""
    found: dict[str, Path] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(","):
            if controller in ("memory", "pids"):
                found[controller] = CGROUP_ROOT / controller / path.lstrip("/")
            elif controller == "" and not found and (CGROUP_ROOT / "cgroup.controllers").is_file():
                found[""] = CGROUP_ROOT / path.lstrip("/")
    return found


class ControlGroup:
    """A control group for the learner's processes: ``procs`` are the files a process writes
    its id to, to join (the sandbox does it before it runs learner code); ``kill`` stops
    every process in it; ``remove`` deletes it. ``made`` is empty where none could be made
    (no root, or no writable cgroup filesystem), and then nothing else does anything."""

    def __init__(self, memory: int = MEMORY_CAP, processes: int = PROCESS_CAP):
        self.folders: list[Path] = []
        self.made: list[str] = []
        if os.geteuid() != 0:
            return
        name = f"grade-{uuid.uuid4().hex[:12]}"
        for controller, parent in _own_cgroups().items():
            folder = parent / name
            try:
                folder.mkdir()
            except OSError:
                continue
            self.folders.append(folder)
            settings = {"memory": {"memory.limit_in_bytes": memory}, "pids": {"pids.max": processes},
                        "": {"memory.max": memory, "pids.max": processes}}[controller]
            for setting, value in settings.items():
                try:
                    (folder / setting).write_text(str(value))
                    self.made.append(setting.split(".")[0])
                except OSError:
                    pass

    @property
    def procs(self) -> list[str]:
        return [str(folder / "cgroup.procs") for folder in self.folders]

    def members(self) -> set[int]:
        found: set[int] = set()
        for folder in self.folders:
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return found

    def kill(self, rounds: int = 50) -> None:
        """SIGKILL every process in the group until none is left (a fork bomb refills it
        for a while; the process cap bounds it)."""
        for _ in range(rounds):
            members = self.members()
            if not members:
                return
            for pid in members:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        self.kill()
        for folder in self.folders:
            for _ in range(50):  # a killed process leaves its group a moment later
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.folders = []

    def describe(self) -> str:
        caps = [{"memory": "a memory cap", "pids": "a process cap"}[c] for c in ("memory", "pids") if c in self.made]
        return f"{' and '.join(caps)} for the learner's processes together" if caps else ""


@functools.cache
def group_caps() -> str:
    """What a control group gives here, in words ("" when none can be made): tried once."""
    group = ControlGroup()
    try:
        return group.describe()
    finally:
        group.remove()
