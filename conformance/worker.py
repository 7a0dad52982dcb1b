"""Targets in worker processes, so that a campaign survives what its targets do.

A target spec may name the interpreter its worker runs in: `MODULE[:DEVICE][@PYTHON]`,
e.g. `torch:cpu@/opt/nightly/bin/python` (a release against a nightly, or a backend's
environment against stock torch). That interpreter needs the target module; it finds this
package on a path appended after its own (its own torch wins) and needs no numpy.

Processes: the campaign starts one worker per target, `python -m conformance.worker SPEC`.
The worker imports the target's module once and forks a child that serves programs; when
the child dies (a segfault, an abort, a kill after a time limit) the worker reports how
and forks a fresh one in milliseconds, without importing torch again; a child is also
replaced after RECYCLE_EVERY programs, so that what its allocators keep (a big tensor's
pages, which glibc rarely gives back) is returned and memory stays flat. The device is first
touched in the child, so CUDA is never initialized in a process that forks. Where there
is no fork, the worker serves programs itself and a crash costs a new worker.

Protocol: length-prefixed pickles on the worker's stdin and stdout (the child's prints go
to stderr, which is kept in a file whose tail explains a crash).

    campaign -> worker   ("spawn",) | ("quit",)
    worker -> campaign   ("zygote", info) once; ("exited", pid, how) after a child died
    campaign -> child    ("run", program_json, autograd, modes) | ("stop",) | ("quit",)
    child -> campaign    ("ready", info) | ("error", message)
                         ("event", Event) ... ("done",)       for each run
                         ("fatal", class, message, traceback) before it exits

`stop` asks a child to abandon the program it is running (the campaign has already seen
the divergence it needed); the child checks for it between statements.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .devices import capabilities
from .execution import CHECK, ENTERED
from .program import statement_at

HEADER = struct.Struct(">I")
PROTOCOL = 4   # pickles every supported interpreter reads
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
RECYCLE_EVERY = 2000  # programs a child runs before a fresh one is forked (memory stays flat)


class ProtocolError(Exception):
    """The worker's stream could not be read (it died in the middle of a message)."""


class TargetFault(Exception):
    """A target that crashed (died, or raised what no statement may raise) or hung."""

    def __init__(self, kind, detail, path, log=""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind        # "crash" or "timeout"
        self.detail = detail    # how: "killed by SIGSEGV", "no result within ...", ...
        self.path = path        # the statement it was running: (index, body index, ...)
        self.index = path[0]    # ... and the top-level statement holding it
        self.log = log          # the last lines the worker wrote to stderr
        self.op = None          # that statement's op (set where the program is known)


# --- framing -------------------------------------------------------------------------------
def send(fd, message):
    data = pickle.dumps(message, protocol=PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd, n):
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def receive(fd):
    """One message, read with no byte beyond it (a child that dies leaves the rest)."""
    (n,) = HEADER.unpack(_read_exactly(fd, HEADER.size))
    return pickle.loads(_read_exactly(fd, n))


# --- the worker process ------------------------------------------------------------------------
def _info(target=None):
    import platform
    info = {"python": sys.executable, "python_version": platform.python_version(),
            "pid": os.getpid()}
    if target is not None:
        from .api_gap import api_names
        info["torch_version"] = target.torch_version()
        info["module_file"] = getattr(target.module, "__file__", None)
        torch = sys.modules.get("torch")
        info["api"] = api_names(torch) if torch is not None else None
    return info


def _stop_requested(fd):
    while select.select([fd], [], [], 0)[0]:
        if receive(fd)[0] == "stop":
            return True
    return False


def _serve(spec, fd_in, fd_out):
    """A child: make the target (device checked here), then run programs until told to quit."""
    from .execution import Side
    from .program import Program
    from .targets import TargetError, parse_target
    try:
        target = parse_target(spec)
    except TargetError as e:
        send(fd_out, ("error", str(e)))
        return
    send(fd_out, ("ready", _info(target)))
    while True:
        message = receive(fd_in)
        if message[0] == "quit":
            return
        if message[0] != "run":
            continue  # a stop that came after its program had ended
        _, program, autograd, modes = message
        events = Side(target, autograd, modes).events(Program.from_json(program))
        try:
            for event in events:
                send(fd_out, ("event", event))
                if _stop_requested(fd_in):
                    break
        except BaseException as e:  # noqa: BLE001 - statements' Exceptions are observed
            send(fd_out, ("fatal", type(e).__name__, str(e), traceback.format_exc()))
            raise
        finally:
            events.close()
        send(fd_out, ("done",))


def _describe(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            return f"killed by {signal.Signals(sig).name}"
        except ValueError:
            return f"killed by signal {sig}"
    return f"exited with status {os.WEXITSTATUS(status)}"


def main(argv=None):
    import faulthandler
    import importlib
    spec = (argv or sys.argv[1:])[0]
    fd_in, fd_out = 0, os.dup(1)
    os.dup2(2, 1)             # what the target prints goes to the log, not into the protocol
    faulthandler.enable()     # a segfault's stack, in the log
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the campaign decides when workers end
    module_name = spec.partition(":")[0]
    try:
        importlib.import_module(module_name)   # once, for every child
    except Exception:  # noqa: BLE001 - the child reports it as the target's error
        pass
    if not hasattr(os, "fork"):
        return _serve(spec, fd_in, fd_out) or 0
    send(fd_out, ("zygote", _info()))
    while True:
        try:
            message = receive(fd_in)
        except EOFError:
            return 0
        if message[0] == "quit":
            return 0
        if message[0] != "spawn":
            continue  # what was sent to a child that died before reading it
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _serve(spec, fd_in, fd_out)
            except BaseException:  # noqa: BLE001 - reported as "fatal" already, or EOF
                code = 3
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        send(fd_out, ("exited", pid, _describe(status)))


# --- the campaign's side ---------------------------------------------------------------------
def split_spec(spec):
    """`MODULE[:DEVICE][@PYTHON]` -> (target spec, interpreter or None)."""
    target, _, python = spec.partition("@")
    return target, (python or None)


class WorkerTarget:
    """A target whose programs run in a worker process (see the module docstring): it
    yields a run's events as conformance.execution.Side does, or raises TargetFault."""

    def __init__(self, spec, statement_timeout=10.0, program_timeout=60.0, startup_timeout=120.0):
        from .targets import TargetError
        self.spec = spec
        self.target_spec, self.python = split_spec(spec)
        if not self.target_spec or self.target_spec.startswith(":"):
            raise TargetError(f"bad target {spec!r}: expected MODULE[:DEVICE][@PYTHON], "
                              "e.g. torch:cpu")
        self.module_name, _, device = self.target_spec.partition(":")
        self.device = device or None
        self.statement_timeout = statement_timeout
        self.program_timeout = program_timeout
        self.startup_timeout = startup_timeout
        self.info = {}
        self.restarts = 0
        self._proc = self._child = None
        self._runs = 0
        self._zygote = False
        self._fd_in = self._fd_out = None
        self._log = tempfile.NamedTemporaryFile(prefix="conformance-worker-", suffix=".log")
        self._log_stream = open(self._log.name, "ab")  # appends: truncating it is safe

    is_refimpl = property(lambda self: self.module_name == "refimpl")
    capabilities = property(lambda self: capabilities(self.device))

    def __str__(self):
        return self.spec

    def torch_version(self):
        return self.info.get("torch_version", "unknown")

    # --- processes ----------------------------------------------------------------------
    def _command(self):
        if self.python is None:
            return [sys.executable, "-m", "conformance.worker", self.target_spec]
        boot = (f"import sys; sys.path.append({PACKAGE_ROOT!r}); "
                "from conformance.worker import main; sys.exit(main())")
        return [self.python, "-c", boot, self.target_spec]

    def _environment(self):
        env = dict(os.environ)
        if self.python is None:  # this interpreter: what this process imports, it imports
            env["PYTHONPATH"] = os.pathsep.join(p or os.getcwd() for p in sys.path)
        return env

    def start(self):
        """Start the worker and its first child; TargetError where the target cannot run."""
        from .targets import TargetError
        if self._proc is None or self._proc.poll() is not None:
            if self._log_stream.closed:
                self._log_stream = open(self._log.name, "ab")
            try:
                self._proc = subprocess.Popen(
                    self._command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=self._log_stream, env=self._environment(),
                    start_new_session=True)  # Ctrl-C reaches the campaign, not its workers
            except OSError as e:
                raise TargetError(f"target {self.spec!r}: cannot start {self._command()[0]}: "
                                  f"{e.strerror or e}") from None
            self._fd_in, self._fd_out = self._proc.stdin.fileno(), self._proc.stdout.fileno()
            self._buffer = b""
            first = self._wait_message(self.startup_timeout, "start")
            if first[0] == "zygote":
                self.info.update(first[1])
                self._zygote = True
            else:
                self._zygote = False
                self._started(first)
                return
        self._child = None
        send(self._fd_in, ("spawn",))
        self._started(self._wait_message(self.startup_timeout, "start"))

    def _started(self, message):
        from .targets import TargetError
        if message[0] == "error":
            self.close()
            raise TargetError(message[1].replace(repr(self.target_spec), repr(self.spec), 1)
                              + (f" in {self.python}" if self.python else ""))
        if message[0] != "ready":
            self.close()
            raise TargetError(f"target {self.spec!r}: its worker did not start "
                              f"({message!r}); {self.log_tail()}")
        self.info.update(message[1])
        self._child = message[1]["pid"]
        self._runs = 0  # programs this child has run

    def _wait_message(self, timeout, what):
        from .targets import TargetError
        try:
            message = self._next(time.monotonic() + timeout)
        except (EOFError, ProtocolError):
            message = None
        if message is None:
            self.close()
            raise TargetError(f"target {self.spec!r}: its worker failed to {what}: "
                              f"{self.log_tail() or 'no output'}")
        return message

    def _next(self, deadline):
        """The next message, or None at the deadline (EOFError: the worker is gone)."""
        while True:
            if len(self._buffer) >= HEADER.size:
                (n,) = HEADER.unpack(self._buffer[:HEADER.size])
                if len(self._buffer) >= HEADER.size + n:
                    data = self._buffer[HEADER.size:HEADER.size + n]
                    self._buffer = self._buffer[HEADER.size + n:]
                    try:
                        return pickle.loads(data)
                    except Exception as e:  # noqa: BLE001
                        raise ProtocolError(str(e)) from None
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._fd_out], [], [], left)[0]:
                return None
            chunk = os.read(self._fd_out, 1 << 20)
            if not chunk:
                raise EOFError
            self._buffer += chunk

    def log_tail(self, lines=12):
        try:
            text = Path(self._log.name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def _clear_log(self):
        with open(self._log.name, "r+b") as f:
            f.truncate()

    def _child_ended(self, deadline):
        """After a kill or a fatal error: the worker's report of how its child ended."""
        while self._zygote:
            try:
                message = self._next(deadline)
            except (EOFError, ProtocolError):
                break
            if message is None:
                break
            if message[0] == "exited":
                self._child = None
                return message[2]
        self._kill_worker()
        return None

    def _kill_worker(self):
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except OSError:
                self._proc.kill()
            self._proc.wait()
        self._child = None

    def close(self):
        """End the worker (and its child)."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            try:
                if self._child is not None:
                    send(self._fd_in, ("quit",))
                    self._child_ended(time.monotonic() + 5)
                if self._proc.poll() is None:
                    send(self._fd_in, ("quit",))
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._kill_worker()
        for stream in (self._proc.stdin, self._proc.stdout, self._log_stream):
            try:
                stream.close()
            except OSError:
                pass
        self._proc = None

    # --- runs ------------------------------------------------------------------------------
    def events(self, program, autograd, modes):
        if self._child is not None and self._zygote and self._runs >= RECYCLE_EVERY:
            self._recycle()
        if self._child is None:
            self.restarts += self._proc is not None
            self.start()
        self._runs += 1
        self._clear_log()
        send(self._fd_in, ("run", program.to_json(), autograd, modes))
        started = time.monotonic()
        last = None
        try:
            while True:
                statement_deadline = time.monotonic() + self.statement_timeout
                deadline = min(statement_deadline, started + self.program_timeout)
                try:
                    message = self._next(deadline)
                except (EOFError, ProtocolError) as e:
                    self._kill_worker()
                    raise TargetFault("crash", f"the worker process died ({type(e).__name__})",
                                      running_path(program, last), self.log_tail()) from None
                if message is None:
                    limit = ("statement", self.statement_timeout) \
                        if deadline == statement_deadline else ("program", self.program_timeout)
                    self._kill_child()
                    raise TargetFault("timeout", f"no result within the {limit[0]} time limit "
                                      f"({limit[1]:g}s)", running_path(program, last), self.log_tail())
                kind = message[0]
                if kind == "event":
                    last = message[1]
                    yield last
                elif kind == "done":
                    return
                elif kind == "fatal":
                    how = self._child_ended(time.monotonic() + 10)
                    raise TargetFault("crash", f"raised {message[1]}: {message[2]}"[:500]
                                      + (f" ({how})" if how else ""), running_path(program, last),
                                      message[3][-2000:])
                elif kind == "exited":
                    self._child = None
                    raise TargetFault("crash", message[2], running_path(program, last), self.log_tail())
        except TargetFault:
            raise
        except GeneratorExit:  # the runner has what it needed: stop the child's run
            self._abandon()
            raise
        except BaseException:  # interrupted (Ctrl-C, SIGTERM) while waiting: no waiting more
            self._kill_worker()
            raise

    def _recycle(self):
        """A fresh child for the next programs: whatever the last one's allocators kept
        (torch's and the C library's, which return little to the system) goes with it,
        so a campaign's memory stays flat over hours. Not counted as a restart."""
        send(self._fd_in, ("quit",))
        if self._child_ended(time.monotonic() + 10) is not None:
            self.start()

    def _kill_child(self):
        if self._zygote and self._child is not None:
            try:
                os.kill(self._child, signal.SIGKILL)
            except OSError:
                pass
            self._child_ended(time.monotonic() + 10)
        else:
            self._kill_worker()

    def _abandon(self):
        """The runner stopped reading (it found its divergence): stop the child's run."""
        try:
            send(self._fd_in, ("stop",))
            deadline = time.monotonic() + self.statement_timeout
            while True:
                message = self._next(deadline)
                if message is None:
                    self._kill_child()
                    return
                if message[0] in ("done", "fatal", "exited"):
                    if message[0] == "fatal":
                        self._child_ended(time.monotonic() + 10)
                    elif message[0] == "exited":
                        self._child = None
                    return
        except (OSError, EOFError, ProtocolError):
            self._kill_worker()


def running_path(program, last):
    """The statement (its path) a target was running after its last event: the one after
    a CHECK, the first of a block's body after ENTERED, the block while it is left."""
    if last is None:
        return (0,)
    if last.kind == ENTERED:
        return last.path + (0,)
    if last.kind != CHECK:
        return last.path
    following = last.path[:-1] + (last.path[-1] + 1,)
    if len(following) > 1:
        try:
            statement_at(program.statements, following)
        except IndexError:  # the body's last statement: its block is being left
            return last.path[:-1]
    return following


if __name__ == "__main__":
    sys.exit(main())
