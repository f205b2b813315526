"""Run the ``kdaxioms`` command line as a separate process under a wall-time and memory cap.

Used by ``test_hostile.py`` (issue 12): every reproducer of hostile or careless input must end
in a clean exit status with at most one line on standard error, within 5 s of the command's own
time and 500 MB, and write nothing outside the folder it was given.

How the caps are measured (and why):

* **Time.**  Starting Python and importing SymPy, NumPy and Z3 takes 2-3 s on the test machine
  (more under load), which is not the command's time.  The child therefore imports those
  modules and ``kdaxioms.proofs.cli`` first, writes the (system-wide monotonic) time at which
  the imports ended to a clock file, and then calls ``cli.main()`` exactly as the ``kdaxioms``
  script does.  The command's own time is "process exit seen by the parent" minus that stamp;
  it is asserted against :data:`COMMAND_SECONDS`.  The process group is killed at
  ``imports + COMMAND_SECONDS + KILL_SLACK`` so that a hang fails fast instead of blocking.
* **Memory.**  ``RLIMIT_AS`` is useless for Python + NumPy + Z3 (virtual memory is far above
  resident memory), so the resident set of the whole process group (the command, its worker and
  solver processes) is sampled from ``/proc`` every :data:`POLL_SECONDS` and the group is killed
  when the sum exceeds the cap; the command's own peak (``ru_maxrss`` from ``os.wait4``, which is
  the child's own rusage, not the test process's cumulative one) is folded in after exit.
* **Leftovers.**  The child starts a new session; any process of that session alive after the
  command exited (an orphaned worker) is reported and killed by its id.
* **Start-up, once.**  With a :class:`Zygote`, the imports are done once: a Python process that
  has imported them forks one child per command.  The child starts its session, takes the case's
  working folder, environment (``HOME``, ``TMPDIR``, ...), standard streams and clock, and then
  calls ``cli.main()`` and exits as the script does (``sys.exit``, so ``atexit`` handlers run).
  The zygote reports the child's exit status and ``ru_maxrss`` from its ``os.wait4``.  This saves
  the 2 s of imports per case; a case that needs another interpreter prefix (``setpriv``) still
  starts its own process.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

#: The command's own time (after imports) that a hostile input may take.
COMMAND_SECONDS = 5.0
#: Resident memory of the whole process group.
MEMORY_MB = 500
#: A hang is killed this long after the cap (so that "took 5.3 s" and "hangs" are told apart).
KILL_SLACK = 3.0
#: The cap on start-up (imports) before the clock starts, generous for a loaded machine.
STARTUP_SECONDS = 30.0
POLL_SECONDS = 0.025
#: A message longer than this echoes too much of the input (the sandbox's own path, which the
#: message names when it names a file, is counted as the four characters ``BOX/``).
MESSAGE_CHARS = 240

_PAGE = os.sysconf("SC_PAGE_SIZE")

#: Imports the heavy modules, stamps the clock, then runs the command as the script does.
RUNNER = """\
import os, sys, time
import numpy, sympy, z3
from kdaxioms.proofs import cli
with open(os.environ["KDAXIOMS_TEST_CLOCK"], "w") as clock:
    clock.write(repr(time.monotonic()))
sys.argv[0] = "kdaxioms"
sys.exit(cli.main())
"""

#: Imports the heavy modules once, then forks one child per request line (JSON: argv, cwd, env,
#: stdout, stderr, clock); replies with the child's pid, then ``[status, ru_maxrss]``.
ZYGOTE = """\
import json, os, sys, tempfile, time
import numpy, sympy, z3
from kdaxioms.proofs import cli
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        break
    print(pid, flush=True)
    _, status, usage = os.wait4(pid, 0)
    print(json.dumps([status, usage.ru_maxrss]), flush=True)
else:
    sys.exit(0)
os.setsid()
os.chdir(job["cwd"])
os.environ.clear()
os.environ.update(job["env"])
tempfile.tempdir = None
for target, path, flags in ((0, os.devnull, os.O_RDONLY), (1, job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                            (2, job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
    fd = os.open(path, flags, 0o644)
    os.dup2(fd, target)
    os.close(fd)
sys.stdin = open(0, closefd=False)
with open(job["clock"], "w") as clock:
    clock.write(repr(time.monotonic()))
sys.argv = ["kdaxioms", *job["argv"]]
sys.exit(cli.main())
"""


@dataclass
class Outcome:
    """What one capped run did."""

    argv: list[str]
    status: int | None
    stdout: str
    stderr: str
    wall_seconds: float
    command_seconds: float
    peak_mb: float
    max_processes: int
    killed: str | None = None
    leftovers: list[str] = field(default_factory=list)

    def describe(self) -> str:
        err = self.stderr if len(self.stderr) < 1500 else self.stderr[:700] + "\n[...]\n" + self.stderr[-700:]
        return (f"argv={self.argv!r}\nstatus={self.status} killed={self.killed} command={self.command_seconds:.2f}s "
                f"wall={self.wall_seconds:.2f}s peak={self.peak_mb:.0f}MB processes={self.max_processes} "
                f"leftovers={self.leftovers}\nstderr ({len(self.stderr.splitlines())} lines):\n{err}"
                f"\nstdout[:300]={self.stdout[:300]!r}")


def _session(sid: int) -> list[tuple[int, int, str]]:
    """``(pid, rss_bytes, name)`` of every live process in session ``sid``."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        name = stat[stat.find("(") + 1:stat.rfind(")")]
        fields = stat[stat.rfind(")") + 2:].split()
        # fields[0] = state, [3] = session, [21] = rss (pages)
        if len(fields) > 21 and int(fields[3]) == sid and fields[0] != "Z":
            out.append((int(entry), int(fields[21]) * _PAGE, name))
    return out


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class Zygote:
    """A Python process that has imported the command line and forks one child per command
    (see the module's docstring).  Use as a context manager; ``env`` and ``cwd`` are those of the
    zygote itself (its imports), each command gets its own."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path):
        self._env, self._cwd, self._log = env, cwd, log
        self._pending = b""

    def __enter__(self) -> "Zygote":
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen([sys.executable, "-c", ZYGOTE], cwd=self._cwd, env=self._env,
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True)
        return self

    def __exit__(self, *exc) -> None:
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc.stdout.close()

    def fork(self, argv: list[str], cwd: Path, env: dict[str, str], stdout: Path, stderr: Path) -> int:
        """Start one command; its pid (the id of its new session)."""
        job = {"argv": list(argv), "cwd": str(cwd), "env": env, "stdout": str(stdout), "stderr": str(stderr),
               "clock": env["KDAXIOMS_TEST_CLOCK"]}
        self._proc.stdin.write(json.dumps(job) + "\n")
        self._proc.stdin.flush()
        return int(self._line(wait=True))

    def poll(self) -> tuple[int, int] | None:
        """``(wait status, ru_maxrss in KiB)`` of the command once it has exited, else None."""
        line = self._line(wait=False)
        if line is None:
            return None
        status, maxrss = json.loads(line)
        return status, maxrss

    def _line(self, wait: bool) -> str | None:
        """The zygote's next reply line (``None`` if ``wait`` is false and none is complete).
        Read from the pipe's descriptor with our own buffer: the pid and the status of a command
        that exits at once can arrive in one read, and a buffered reader would hide the second
        line from ``select``."""
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._pending:
            if not wait and not select.select([fd], [], [], 0)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"the zygote exited; its standard error is in {self._log}")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return line.decode()


class _Own:
    """A command started as its own process (``prefix`` + this interpreter + :data:`RUNNER`)."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], stdout: Path, stderr: Path,
                 prefix: tuple[str, ...]):
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            self.pid = subprocess.Popen([*prefix, sys.executable, "-c", RUNNER, *argv], cwd=cwd, env=env,
                                        stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                        start_new_session=True).pid

    def poll(self) -> tuple[int, int] | None:
        pid, status, usage = os.wait4(self.pid, os.WNOHANG)
        return (status, usage.ru_maxrss) if pid else None


class _Forked:
    """A command forked by a :class:`Zygote`."""

    def __init__(self, zygote: Zygote, argv: list[str], cwd: Path, env: dict[str, str], stdout: Path, stderr: Path):
        self._zygote = zygote
        self.pid = zygote.fork(argv, cwd, env, stdout, stderr)

    def poll(self) -> tuple[int, int] | None:
        return self._zygote.poll()


def run_capped(argv: list[str], cwd: Path, env: dict[str, str], io_dir: Path, *,
               command_seconds: float = COMMAND_SECONDS, memory_mb: float = MEMORY_MB,
               prefix: tuple[str, ...] = (), zygote: Zygote | None = None) -> Outcome:
    """Run ``kdaxioms ARGV`` in ``cwd`` under the caps; ``prefix`` wraps the interpreter
    (e.g. ``setpriv`` to drop root's permission override); with a ``zygote`` (and no prefix) the
    command is forked from it instead of starting Python afresh.  Never raises on the child's
    behaviour."""
    io_dir.mkdir(parents=True, exist_ok=True)
    clock = io_dir / "clock"
    clock.unlink(missing_ok=True)
    env = {**env, "KDAXIOMS_TEST_CLOCK": str(clock)}
    out_path, err_path = io_dir / "stdout", io_dir / "stderr"
    began = time.monotonic()
    child = (_Forked(zygote, argv, cwd, env, out_path, err_path) if zygote is not None and not prefix
             else _Own(argv, cwd, env, out_path, err_path, prefix))
    sid, peak, most, killed, started = child.pid, 0, 0, None, None
    while True:
        done = child.poll()
        if done:
            break
        members = _session(sid)
        peak = max(peak, sum(m[1] for m in members))
        most = max(most, len(members))
        now = time.monotonic()
        if started is None and clock.exists():
            try:
                started = float(clock.read_text())
            except ValueError:
                pass
        limit = (started + command_seconds + KILL_SLACK) if started is not None else began + STARTUP_SECONDS
        if killed is None and now > limit:
            killed = "time"
        elif killed is None and peak > memory_mb * 2**20:
            killed = "memory"
        if killed is not None:
            _kill(m[0] for m in members)
        time.sleep(POLL_SECONDS)
    ended = time.monotonic()
    status, maxrss = done
    peak = max(peak, maxrss * 1024)
    if started is None and clock.exists():
        try:
            started = float(clock.read_text())
        except ValueError:
            pass
    # Workers or solvers of the command that outlive it are a bug; give them a moment to exit.
    leftovers, deadline = _session(sid), ended + 1.0
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.05)
        leftovers = _session(sid)
    names = [f"{pid}:{name}" for pid, _, name in leftovers]
    _kill(pid for pid, _, _ in leftovers)
    return Outcome(argv=list(argv), status=None if killed else os.waitstatus_to_exitcode(status),
                   stdout=out_path.read_text(errors="replace"), stderr=err_path.read_text(errors="replace"),
                   wall_seconds=ended - began, command_seconds=ended - (started if started is not None else began),
                   peak_mb=peak / 2**20, max_processes=most, killed=killed, leftovers=names)


def snapshot(root: Path, skip: tuple[Path, ...] = ()) -> set[Path]:
    """Every path under ``root`` (files and folders), without following symbolic links."""
    found: set[Path] = set()
    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        if any(here == s or s in here.parents for s in skip):
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if here / d not in skip]
        found.update(here / name for name in dirs + files)
    return found


# -- in-process caps (the fuzz suite) --------------------------------------------------------------

class CapExceeded(BaseException):
    """Raised by the test's timer inside the code under test when a case runs over its time cap.
    A ``BaseException``, so that no ``except Exception`` of the product swallows it."""


def _status_kb(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class InProcessCap:
    """Time and memory cap of one in-process case.

    Time: ``setitimer(ITIMER_REAL)`` raises :class:`CapExceeded` in the code under test.
    Memory: the peak resident set is reset (``/proc/self/clear_refs``, value 5) before the case
    and read (``VmHWM``) after it; the growth over the resident set at the start is the case's
    memory.  As a guard against taking the machine down, the address space is limited to the
    current one plus ``guard_mb`` for the duration (a runaway allocation is a ``MemoryError``,
    which fails the case like any other unexpected exception)."""

    def __init__(self, seconds: float, memory_mb: float, guard_mb: float = 2048):
        self.seconds, self.memory_mb, self.guard_mb = seconds, memory_mb, guard_mb
        self.grown_mb = 0.0

    def __enter__(self) -> "InProcessCap":
        import resource
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        self._rss = _status_kb("VmRSS")
        self._limits = resource.getrlimit(resource.RLIMIT_AS)
        guard = (_status_kb("VmSize") + int(self.guard_mb * 1024)) * 1024
        hard = self._limits[1]
        resource.setrlimit(resource.RLIMIT_AS, (guard if hard == resource.RLIM_INFINITY else min(guard, hard), hard))

        def alarm(signum, frame):
            raise CapExceeded(f"exceeded the cap of {self.seconds} s")
        self._previous = signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc) -> None:
        import resource
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)
        resource.setrlimit(resource.RLIMIT_AS, self._limits)
        self.grown_mb = (_status_kb("VmHWM") - self._rss) / 1024
