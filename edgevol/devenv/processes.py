"""PID files, zombie-aware liveness and stopping processes by PID.

Daemons started by the dev environment re-parent to PID 1, which on these
machines does not reap children: a dead daemon lingers as a zombie and
``kill -0`` still succeeds on it.  Liveness therefore reads the process
state from ``/proc/PID/stat``.  Everything is stopped by PID, never by name.
"""

import errno
import os
import signal
import socket
import subprocess
import threading
import time


def read_pid(pid_file):
    """The PID stored in ``pid_file``, or None if missing or unreadable."""
    try:
        with open(pid_file) as f:
            return int(f.read().strip() or 0) or None
    except (OSError, ValueError):
        return None


def write_pid(pid_file, pid):
    os.makedirs(os.path.dirname(pid_file), exist_ok=True)
    tmp = pid_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % pid)
    os.replace(tmp, pid_file)


def remove_file(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _reap_if_child(pid):
    # A child of this very process stays a zombie until we wait for it.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _stat_state(stat_path):
    try:
        with open(stat_path) as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may hold spaces or ')'.
    return stat[stat.rindex(")") + 2]


def process_state(pid):
    """The one-letter state of ``pid`` (R, S, D, Z, ...) or None if gone."""
    return _stat_state("/proc/%d/stat" % pid)


def is_alive(pid):
    """True if ``pid`` exists and any of its threads is not a zombie.

    The main thread of an exiting daemon shows ``Z`` while its other
    threads still run (and still hold its ports), so every task counts.
    """
    if not pid:
        return False
    _reap_if_child(pid)
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except (FileNotFoundError, ProcessLookupError):
        return False
    return any(_stat_state("/proc/%d/task/%s/stat" % (pid, task))
               not in (None, "Z", "X") for task in tasks)


def pid_file_alive(pid_file):
    return is_alive(read_pid(pid_file))


def wait_until(predicate, timeout, interval=0.05):
    """Poll ``predicate`` until true; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


def terminate(pid, timeout=10.0, signum=signal.SIGTERM):
    """Send ``signum``, SIGKILL after ``timeout``; True once it is dead."""
    if not is_alive(pid):
        return True
    _signal(pid, signum)
    if wait_until(lambda: not is_alive(pid), timeout):
        return True
    _signal(pid, signal.SIGKILL)
    return wait_until(lambda: not is_alive(pid), 5.0)


def _signal(pid, signum):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def stop_pid_file(pid_file, timeout=10.0, signum=signal.SIGTERM):
    """Stop the process named by ``pid_file`` and remove the file."""
    return stop_pid_files([pid_file], timeout, signum)


def stop_pid_files(pid_files, timeout=10.0, signum=signal.SIGTERM):
    """Stop the processes named by ``pid_files`` together.

    All get ``signum`` at once so that their shutdowns overlap; a file is
    removed once its process is dead.  True if all are dead.
    """
    pids = {path: read_pid(path) for path in pid_files}
    for pid in pids.values():
        if is_alive(pid):
            _signal(pid, signum)
    all_dead = True
    for path, pid in pids.items():
        if pid and not terminate(pid, timeout, signum):
            all_dead = False
            continue
        remove_file(path)
    return all_dead


def spawn_detached(argv, log_path, pid_file, env=None, cwd=None):
    """Start ``argv`` in a new session with output to ``log_path``.

    The process outlives this one (setsid, stdin from /dev/null); its PID
    goes to ``pid_file``.
    """
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, "ab") as log, open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(argv, stdin=devnull, stdout=log, stderr=log,
                                env=env, cwd=cwd, start_new_session=True,
                                close_fds=True)
    write_pid(pid_file, proc.pid)
    return proc.pid


def port_is_free(port, host="127.0.0.1"):
    """True if nothing listens on ``host:port`` and we may bind it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Daemons bind with SO_REUSEADDR too, so TIME_WAIT leftovers don't count.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            return False
        raise
    finally:
        sock.close()
    return True


def port_answers(port, host="127.0.0.1", timeout=0.5):
    """True if something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def listening_pid(port, host="127.0.0.1"):
    """PID of the process listening on TCP ``host:port``, or None.

    Read from /proc (the socket's inode, then whose fd it is), so that a
    helper like epmd, which its starter never names, can be stopped by PID.
    """
    inode = _listening_inode(port, host)
    if inode is None:
        return None
    target = "socket:[%s]" % inode
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _has_fd(int(entry), target):
            return int(entry)
    return None


def _listening_inode(port, host):
    wanted = "%s:%04X" % ("".join(reversed(
        ["%02X" % int(part) for part in host.split(".")])), port)
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fields = line.split()
                # State 0A is LISTEN.
                if fields[1] == wanted and fields[3] == "0A":
                    return fields[9]
    except OSError:
        pass
    return None


def _has_fd(pid, target):
    fd_dir = "/proc/%d/fd" % pid
    try:
        return any(os.readlink(os.path.join(fd_dir, fd)) == target
                   for fd in os.listdir(fd_dir))
    except OSError:
        return False


def rss_kib(pid):
    """Resident set size of ``pid`` in KiB (0 if unknown)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def log_tail(path, lines=20):
    """The last ``lines`` lines of a log file, for error messages."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 16384))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return "(no log at %s)" % path
    return "\n".join(text.splitlines()[-lines:])


def run_parallel(steps):
    """Run independent callables in threads; re-raise the first failure."""
    errors = []

    def call(step):
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
