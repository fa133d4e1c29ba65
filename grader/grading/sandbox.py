"""Start a learner's program with less power than the grader: ``python -m grader.grading.sandbox
SPEC -- ARGV...`` applies SPEC (JSON) and then replaces itself with ARGV.

SPEC keys, all optional:
    limits   {"AS": bytes, "CPU": seconds, "NPROC": n, "FSIZE": bytes, "NOFILE": n, "CORE": 0}
    reveal   paths the program needs (its Python, the app): a folder on the way to one that
             others may not enter (say /root, mode 700) is covered by an empty tmpfs that
             holds only the way through, in the private mount namespace (root only)
    jail     {"keep_ro": [...], "keep_rw": [...], "base": folder}: a root of its own that
             holds only the system folders and these paths (root only; see ``jail``)
    uid      run as this user and group id, with no supplementary groups (root only)
    cwd      working folder
    pid_ns   true: the program is the first process of a PID namespace of its own (it sees
             only its own processes in /proc, and when it ends every process it started
             ends with it); this launcher stays outside, passes signals on and exits as it
             did (root only, with a jail, which mounts the namespace's own /proc)
    cgroup   files to write this process's id to (``cgroup.procs`` of a control group): the
             program and everything it starts share that group's memory and process caps
             (see grader/grading/isolation.py), and the grader can kill them all at the end
    kill_all with "uid": kill every process of that uid and exit (cleans up what a
             learner's program left running, whatever session it moved to)

This module imports only the standard library and runs no learner code: everything happens
before ``exec``. It is started with ``python -I`` (no PYTHONPATH, no site folders of the
user), so nothing a learner managed to write anywhere runs in it while it still is root.
Without root, only the limits apply; the grader says so on the scorecard.

``command`` and ``pick_uid`` are the parent's side: how to start something through it.
"""

import ctypes
import functools
import json
import os
import pwd
import random
import resource
import signal
import sys

CLONE_NEWNS, CLONE_NEWPID = 0x00020000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS = 38
PR_SET_PDEATHSIG = 1
LIMITS = {
    "AS": resource.RLIMIT_AS, "CPU": resource.RLIMIT_CPU, "NPROC": resource.RLIMIT_NPROC,
    "FSIZE": resource.RLIMIT_FSIZE, "NOFILE": resource.RLIMIT_NOFILE, "CORE": resource.RLIMIT_CORE,
}
EXIT_SETUP_FAILED = 97
UID_RANGE = (61_000, 64_000)


def command(spec: dict, argv: list[str]) -> list[str]:
    """The command line that starts ``argv`` under ``spec``."""
    return [sys.executable, "-I", os.path.abspath(__file__), json.dumps(spec), "--", *argv]


def pick_uid() -> int:
    """A user id no account and no running process uses, so limits and clean-up touch only
    what we start with it."""
    used = {entry.pw_uid for entry in pwd.getpwall()}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                used.add(os.stat(f"/proc/{entry}").st_uid)
            except OSError:
                pass
    while True:
        uid = random.randrange(*UID_RANGE)
        if uid not in used:
            return uid


@functools.cache
def can_jail() -> bool:
    """Whether this machine lets us make a private mount namespace (tried once, in a child)."""
    import subprocess

    try:
        return subprocess.run(command({"probe": True}, []), capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def kill_user(uid: int) -> None:
    """Kill every process of ``uid`` (from the parent: through a short-lived launcher)."""
    import subprocess

    subprocess.run(command({"uid": uid, "kill_all": True}, []), check=False, timeout=30)


class SandboxError(Exception):
    pass


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(errno)}")


def _mount_api():
    libc = _libc()
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    return libc


def private_namespace() -> None:
    """A mount namespace of our own: what we mount from here on, nobody else sees."""
    libc = _mount_api()
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")


def reveal(paths: list[str]) -> None:
    """Make each path reachable for an unprivileged user without opening anything else."""
    libc = _mount_api()
    covered: dict[str, int] = {}  # folder we covered -> a handle on the original
    try:
        # The way as written and the way to where it leads: a symlinked folder on the first
        # (a virtualenv linked from elsewhere) is passed through on both.
        ways = dict.fromkeys(way for path in paths for way in (os.path.abspath(path), os.path.realpath(path)))
        for path in ways:
            parts = path.strip("/").split("/")
            for depth in range(len(parts) - 1):
                folder = "/" + "/".join(parts[:depth])
                child = parts[depth]
                inside = os.path.join(folder, child)
                if folder not in covered:
                    if os.stat(folder).st_mode & 0o001:
                        continue  # others may pass through already
                    # Keep a handle on the original folder, cover it, then bring back only the way.
                    covered[folder] = os.open(folder, os.O_PATH)
                    _check(libc.mount(b"tmpfs", folder.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                                      b"size=4k,mode=711"), f"cover {folder}")
                if os.path.lexists(inside):
                    continue  # brought back for an earlier path
                source = f"/proc/self/fd/{covered[folder]}/{child}"
                os.mkdir(inside) if os.path.isdir(source) else open(inside, "w").close()
                _check(libc.mount(source.encode(), inside.encode(), None, MS_BIND | MS_REC, None),
                       f"bring back {inside}")
    finally:
        for handle in covered.values():
            os.close(handle)


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


def jail(keep_ro: list[str], keep_rw: list[str], base: str, own_pids: bool = False) -> None:
    """Build a root holding only the system folders, ``keep_ro`` (read-only) and ``keep_rw``
    at their own paths, with a fresh /tmp, /dev and /proc, and chroot into it (in the
    private namespace). Nothing else exists there: not the kit, not other checkouts of it,
    not the home folders of the grading machine. ``base`` is an empty folder to build in."""
    libc = _mount_api()
    _check(libc.mount(b"tmpfs", base.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=1m,mode=755"),
           "make the new root")
    # A fresh /tmp first: what is kept below /tmp (the app's tree and home) is mounted on it.
    os.makedirs(f"{base}/tmp", exist_ok=True)
    _check(libc.mount(b"tmpfs", f"{base}/tmp".encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=64m,mode=1777"),
           "a fresh /tmp")
    for path in [*SYSTEM, *keep_ro, *keep_rw]:
        if not os.path.lexists(path):
            continue
        real = os.path.realpath(path)
        if path != real:  # keep the name too: /bin -> usr/bin, a venv reached through a link
            os.makedirs(os.path.dirname(base + path), exist_ok=True)
            if not os.path.lexists(base + path):
                os.symlink(real, base + path)
        target = base + real
        if os.path.lexists(target) and os.path.ismount(target):
            continue
        os.makedirs(target if os.path.isdir(real) else os.path.dirname(target), exist_ok=True)
        if not os.path.isdir(real):
            open(target, "a").close()
        writable = path in keep_rw
        _check(libc.mount(real.encode(), target.encode(), None, MS_BIND | (0 if writable else MS_REC), None),
               f"keep {path}")
        if not writable:
            libc.mount(None, target.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID, None)
    os.makedirs(f"{base}/dev", exist_ok=True)
    _check(libc.mount(b"/dev", f"{base}/dev".encode(), None, MS_BIND | MS_REC, None), "keep /dev")
    os.makedirs(f"{base}/proc", exist_ok=True)
    if own_pids:  # this PID namespace's own /proc: the grader's processes are not in it
        _check(libc.mount(b"proc", f"{base}/proc".encode(), b"proc", MS_NOSUID | MS_NODEV, None), "mount /proc")
    else:
        _check(libc.mount(b"/proc", f"{base}/proc".encode(), None, MS_BIND | MS_REC, None), "keep /proc")
    os.chroot(base)
    os.chdir("/")


def apply_limits(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        soft_hard = (int(value), int(value))
        try:
            resource.setrlimit(LIMITS[name], soft_hard)
        except (ValueError, OSError):
            # A hard limit already lower than ours: keep it (lower is stricter).
            pass


def become(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def kill_all(uid: int) -> None:
    """As ``uid``, kill -1 reaches exactly the processes of that uid (and not this one)."""
    become(uid)
    for _ in range(5):  # a fork bomb may refill between passes
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return


RELAYED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT)


def _join_groups(spec: dict) -> None:
    for procs in spec.get("cgroup", []):  # before the jail hides /sys, while still root
        with open(procs, "w") as handle:
            handle.write(str(os.getpid()))


def _relay(child: int) -> int:
    """The launcher's part once the program runs in its own PID namespace: pass signals on,
    wait, and end the way the program ended (an exit code, or the same signal)."""
    for sig in RELAYED:
        signal.signal(sig, lambda number, _frame: _forward(child, number))
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if number != signal.SIGKILL:  # SIGKILL's action cannot be set (and is already the default)
            signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1


def _forward(child: int, number: int) -> None:
    try:
        os.kill(child, number)
    except ProcessLookupError:
        pass


def main(argv: list[str]) -> int:
    if len(argv) < 2 or "--" not in argv:
        print("usage: python -m grader.grading.sandbox SPEC -- ARGV...", file=sys.stderr)
        return 2
    spec = json.loads(argv[0])
    command = argv[argv.index("--") + 1:]
    uid = spec.get("uid")
    try:
        if spec.get("kill_all"):
            kill_all(int(uid))
            return 0
        if spec.get("probe"):
            private_namespace()
            return 0
        own_pids = False
        if spec.get("reveal") or spec.get("jail"):
            private_namespace()
            reveal(spec.get("reveal", []))
            own_pids = bool(spec.get("pid_ns") and spec.get("jail"))
            if own_pids:
                _check(_libc().unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
                child = os.fork()  # the first process of the new namespace
                if child:
                    return _relay(child)
            _join_groups(spec)  # the program only, not this launcher: the cap's killer never picks it
            if spec.get("jail"):
                jail(**spec["jail"], own_pids=own_pids)
        else:
            _join_groups(spec)
        apply_limits(spec.get("limits", {}))
        if spec.get("cwd"):
            os.chdir(spec["cwd"])
        if uid is not None:
            become(int(uid))
        if own_pids:  # set last: a change of user clears it. The launcher's end is the program's end.
            _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (SandboxError, OSError) as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return EXIT_SETUP_FAILED
    if not command:
        return 0
    try:
        os.execv(command[0], command)
    except OSError as exc:  # e.g. a folder on the way that this user may not enter
        print(f"sandbox: cannot start {command[0]} as user {uid}: {exc.strerror}", file=sys.stderr)
        return EXIT_SETUP_FAILED
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
