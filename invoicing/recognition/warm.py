"""A warm PDF text reader per web process (issue 10), for `isolated.run`.

Starting a new interpreter and importing PDFium for every upload cost ~185 ms, most of a
deposit. Instead each web process keeps one small worker: this file run as a script (no
Django, `-E`, the same trimmed environment and folder as the one-shot child), which imports
pypdf and PDFium once, then, for each file it is sent, **forks a child** that

- sets its own RLIMIT_AS and RLIMIT_CPU (a forked child starts with no CPU time used),
  and reads the file exactly as the one-shot child does (`isolated.answer_for`);
- is killed by the worker at its wall-clock deadline.

So every file is still read by a fresh process under the same limits: a bomb that exhausts
the address space kills that child only, and nothing a file does outlives it. The worker
itself never reads a PDF. The web process sends one JSON line and waits at most the same
wall-clock limit for the reply (a header line, then the child's stdout and stderr); past
it, or if the worker dies or answers nonsense, the worker's whole process group (the worker
and its child) is killed and the next file starts a new worker. The web process only ever
holds the small reply: its memory does not grow (issue 9).

`extract()` returns None when the worker is busy (another thread of this process) or
cannot be started: the caller then runs the one-shot child, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

# The answer of one file: 3 pages of at most 200,000 characters, JSON-escaped.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
MAX_ERRORS_BYTES = 4096
MAX_HEADER_BYTES = 4096
READ_CHUNK = 256 * 1024


@dataclass(frozen=True)
class Reply:
    """What the child left, with the fields of a CompletedProcess that `isolated` reads."""

    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""
    timed_out: bool = False


class _Broken(Exception):
    """The worker died, closed its pipe or answered nonsense."""


class _Worker:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-E", __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=os.path.dirname(os.path.abspath(__file__)),
            env=env,
            start_new_session=True,  # its own process group: killed with its child
        )
        self.owner = os.getpid()
        self.buffer = bytearray()

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, request: dict) -> None:
        line = json.dumps(request).encode() + b"\n"
        try:
            self.process.stdin.write(line)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise _Broken from exc

    def receive(self, deadline: float) -> Reply | None:
        """The reply, or None at the deadline."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            header = None
            while True:
                if header is None and b"\n" in self.buffer:
                    line, _, rest = bytes(self.buffer).partition(b"\n")
                    header = _header(line)
                    self.buffer = bytearray(rest)
                if header is not None and len(self.buffer) >= header["size"]:
                    payload, self.buffer = bytes(self.buffer), bytearray()
                    return _reply(header, payload)
                if header is None and len(self.buffer) > MAX_HEADER_BYTES:
                    raise _Broken("header too long")
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    return None
                chunk = os.read(self.process.stdout.fileno(), READ_CHUNK)
                if not chunk:
                    raise _Broken("the worker closed its pipe")
                self.buffer += chunk

    def kill(self) -> None:
        """The worker and whatever child it has: the whole process group."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.forget()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)

    def stop(self) -> None:
        """At exit: closing its stdin ends the worker's loop."""
        self.forget()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def forget(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


def _header(line: bytes) -> dict:
    try:
        header = json.loads(line)
        header["returncode"] = int(header["returncode"])
        header["stdout"], header["stderr"] = int(header["stdout"]), int(header["stderr"])
        header["timed_out"] = bool(header["timed_out"])
    except (ValueError, KeyError, TypeError) as exc:
        raise _Broken("nonsense header") from exc
    if not (
        0 <= header["stdout"] <= MAX_ANSWER_BYTES and 0 <= header["stderr"] <= MAX_ERRORS_BYTES
    ):
        raise _Broken("reply too large")
    header["size"] = header["stdout"] + header["stderr"]
    return header


def _reply(header: dict, payload: bytes) -> Reply:
    if len(payload) != header["size"]:
        raise _Broken("more than one reply")
    split = header["stdout"]
    return Reply(header["returncode"], payload[:split], payload[split:], header["timed_out"])


# --- The web process's side ---------------------------------------------------------------

_lock = threading.Lock()
_worker: _Worker | None = None


def extract(
    path: str,
    *,
    memory_mb: int,
    cpu_seconds: int,
    max_content_bytes: int,
    seconds: float,
    env: dict[str, str],
) -> Reply | None:
    """The text layer of `path` read by a child of the warm worker, within `seconds` of wall
    clock from now (the worker's start included). None: busy or cannot start."""
    if not _lock.acquire(blocking=False):
        return None
    try:
        deadline = time.monotonic() + seconds
        request = {
            "path": path,
            "memory_mb": memory_mb,
            "cpu_seconds": cpu_seconds,
            "max_content_bytes": max_content_bytes,
            # The worker kills its child a little before the caller gives up on the worker.
            "seconds": max(seconds * 0.8, seconds - 0.25),
        }
        return _ask(request, deadline, env)
    finally:
        _lock.release()


def _ask(request: dict, deadline: float, env: dict[str, str]) -> Reply | None:
    global _worker
    for attempt in (1, 2):
        worker = _worker
        if worker is None or worker.owner != os.getpid() or not worker.alive():
            if worker is not None and worker.owner == os.getpid():
                worker.kill()
            try:
                worker = _worker = _Worker(env)
            except OSError:
                _worker = None
                return None
        try:
            worker.send(request)
        except _Broken:
            # Died while idle: nothing was read yet, so one new worker may try again.
            worker.kill()
            _worker = None
            if attempt == 2:
                return None  # the one-interpreter child reads it (not "too large")
            continue
        try:
            reply = worker.receive(deadline)
        except _Broken:
            # The worker (not the file's child, which has its own limits) died: the file is
            # read again by a one-interpreter child, whose verdict is the file's own, rather
            # than being called "too large" for a failure of ours.
            worker.kill()
            _worker = None
            return None
        if reply is None:  # the wall-clock limit: the worker and its child are killed
            worker.kill()
            _worker = None
            return Reply(returncode=-signal.SIGKILL, timed_out=True)
        return reply
    return None


def shutdown() -> None:
    """Stop this process's worker (at exit; tests)."""
    global _worker
    with _lock:
        if _worker is not None and _worker.owner == os.getpid():
            _worker.stop()
        _worker = None


def _after_fork_in_child() -> None:
    """A forked web process starts its own worker; the parent's stays the parent's."""
    global _lock, _worker
    _lock = threading.Lock()
    if _worker is not None:
        _worker.forget()  # our copies of its pipes only: the parent keeps using it
    _worker = None


os.register_at_fork(after_in_child=_after_fork_in_child)


def _at_exit() -> None:
    if _worker is not None and _worker.owner == os.getpid():
        _worker.stop()


atexit.register(_at_exit)


# --- The worker (this file run as a script: no Django) --------------------------------------


def serve() -> int:
    """One request per line on stdin, one reply per request on stdout; ends at EOF."""
    import isolated  # type: ignore[import-not-found] - this folder is first on sys.path

    isolated.preload()
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    for line in requests:
        request = json.loads(line)
        returncode, answer, errors, timed_out = _run_child(isolated, request)
        header = {
            "returncode": returncode,
            "stdout": len(answer),
            "stderr": len(errors),
            "timed_out": timed_out,
        }
        replies.write(json.dumps(header).encode() + b"\n" + answer + errors)
        replies.flush()
    return 0


def _run_child(isolated, request: dict) -> tuple[int, bytes, bytes, bool]:
    import tempfile

    deadline = time.monotonic() + float(request["seconds"])
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as errors:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, covered through the replies
            _child(isolated, request, read_end, write_end, errors.fileno())
        os.close(write_end)
        answer, timed_out = _collect(read_end, pid, deadline)
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
        errors.seek(0, os.SEEK_END)
        errors.seek(max(0, errors.tell() - MAX_ERRORS_BYTES))
        return os.waitstatus_to_exitcode(status), answer, errors.read(), timed_out


def _child(isolated, request: dict, read_end: int, write_end: int, errors_fd: int) -> None:
    code = 1
    try:
        os.close(read_end)
        # Never the worker's pipes: a stray print must not reach the web process.
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(errors_fd, 2)
        isolated._set_limits(int(request["memory_mb"]), int(request["cpu_seconds"]))
        answer = isolated.answer_for(request["path"], int(request["max_content_bytes"]))
        data = memoryview(json.dumps(answer).encode())
        while data:
            data = data[os.write(write_end, data) :]
        code = 0
    except BaseException:  # MemoryError included: the parent reads it from stderr
        try:
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        except BaseException:  # noqa: S110 - dying anyway
            pass
    finally:
        os._exit(code)


def _collect(read_end: int, pid: int, deadline: float) -> tuple[bytes, bool]:
    """The child's answer until it closes its end, at most MAX_ANSWER_BYTES; killed at the
    deadline or past the size."""
    answer = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(read_end, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                os.kill(pid, signal.SIGKILL)
                return b"", True
            chunk = os.read(read_end, READ_CHUNK)
            if not chunk:
                return bytes(answer), False
            answer += chunk
            if len(answer) > MAX_ANSWER_BYTES:
                os.kill(pid, signal.SIGKILL)
                return b"", False


if __name__ == "__main__":
    sys.exit(serve())
