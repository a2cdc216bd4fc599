"""The OCR process: OCR jobs (one document's pages each) -> their pages' words, read by one
long-lived child process that builds the OCR engine once (about 0.9 CPU s) and then reads
document after document sent to it over a pipe.

The limits are those a child per document had: each job may use `timeout` seconds of CPU per
engine thread (and WALL_FACTOR times `timeout` in wall time; read.py `wait_for_child`, counted
from the job's start), and the process may map `mem_mb` MB more than it inherited and its
engine takes. A job over
a limit, a crash or an error kills the process (it may be in any state) and the document is
rejected with the same reason codes as before (parse_timeout, memory_limit, parse_error, stage
`ocr`); the next job forks a new one. A process is also replaced after settings.WORKER_PAGES pages, so
that what its heap keeps does not add up over a long batch. Idle processes are kept in a pool
(one per reader thread that needs one at the same time).

The child ends with the run by itself: it is killed when the thread that forked it ends
(PR_SET_PDEATHSIG; the process pool only reuses a process while that thread lives), when idle it
also exits once its parent is gone, and during a job its own CPU limit (RLIMIT_CPU, raised per
job by the job's budget) stops it. It holds no copy of the parent's pipe ends, so an answer
written after the run is gone cannot block it.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import threading

from extractors.errors import DocumentError
from extractors.read import settings

_IDLE: list["_Worker"] = []
_LOCK = threading.Lock()


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _serve(jobs, conn, mem_mb: int, parent: int, parents_ends=()) -> None:
    """The child: (args, cpu budget) jobs -> ("ok", pages) or ("err", (name, message, is_mem)).

    It dies with the thread that forked it (PR_SET_PDEATHSIG, so a run killed with SIGKILL
    leaves no OCR process behind, even one blocked writing its answer) and closes its copies of
    the parent's pipe ends (`parents_ends`): with nobody else holding the answers pipe's read
    end, a write to it after the run is gone fails instead of blocking forever."""
    from extractors.read.child import die_with_parent
    die_with_parent(parent)
    for end in parents_ends:
        try:
            end.close()
        except OSError:
            pass
    import gc
    gc.freeze()     # what it inherits from the parent: the collector leaves it alone
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    from extractors.read.ocr_engine import engine
    from extractors.read.ocr_render import ocr_pdf_pages
    try:            # the engine and its libraries, once: the limit is for the pages' work
        engine()
    except Exception:  # noqa: BLE001 - the first job meets the error again and reports it
        pass
    if mem_mb:      # on top of what this process maps by now (model, libraries, engine)
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        lim = mapped + int(mem_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    while True:
        try:
            while not jobs.poll(1.0):
                if os.getppid() != parent:      # the run is gone
                    os._exit(0)
            job = jobs.recv()
        except (EOFError, OSError):
            os._exit(0)
        if job is None:
            os._exit(0)
        args, cpu_budget = job
        cpu = int(_own_cpu() + cpu_budget) + 5          # SIGXCPU past the job's budget
        resource.setrlimit(resource.RLIMIT_CPU,
                           (cpu, hard if hard == resource.RLIM_INFINITY else max(hard, cpu)))
        try:
            conn.send(("ok", ocr_pdf_pages(*args)))
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a reason code
            try:
                conn.send(("err", (type(exc).__name__, str(exc)[:300], _out_of_memory(exc))))
            except BaseException:  # noqa: BLE001
                os._exit(1)


def _out_of_memory(exc: BaseException) -> bool:
    """A MemoryError, or the engine's way of saying so (a library that cannot be mapped, an
    allocation onnxruntime or OpenCV could not make)."""
    seen = 0
    while exc is not None and seen < 10:     # the engine wraps what OpenCV raised
        msg = str(exc).lower()
        if isinstance(exc, MemoryError) or any(
                m in msg for m in ("failed to map segment", "cannot allocate memory",
                                   "bad_alloc", "failed to allocate", "insufficient memory")):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class _Worker:
    def __init__(self, mem_mb: int):
        ctx = mp.get_context("fork")
        # two one-way pipes (a duplex one is a socket pair)
        jobs_r, self.jobs = ctx.Pipe(duplex=False)
        self.conn, answers_w = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_serve, args=(jobs_r, answers_w, mem_mb, os.getpid(),
                                                     (self.jobs, self.conn)), daemon=True)
        self.proc.start()
        jobs_r.close()
        answers_w.close()
        self.mem_mb, self.pages = mem_mb, 0
        # the process dies when this thread ends (PR_SET_PDEATHSIG): reused only meanwhile
        self.thread = threading.current_thread()

    def close(self, kill: bool = True) -> None:
        try:
            if not kill and self.proc.is_alive():
                self.jobs.send(None)        # lets it exit (and be counted) on its own
                self.proc.join(5)
        except (OSError, ValueError):
            pass
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(1)
        self.conn.close()
        self.jobs.close()


def _take(mem_mb: int) -> _Worker:
    with _LOCK:
        while _IDLE:
            w = _IDLE.pop()
            if w.mem_mb == mem_mb and w.proc.is_alive() and w.thread.is_alive():
                return w
            w.close()
    return _Worker(mem_mb)


def run_job(args: tuple, timeout: float, mem_mb: int, threads: int):
    """OCR one document's pages (`ocr.ocr_pdf_pages(*args)`) in the OCR process, or raise the
    DocumentError the document is rejected with."""
    from extractors.read.child import child_cpu_seconds, wait_for_child
    w = _take(mem_mb)
    keep = False
    try:
        cpu0 = child_cpu_seconds(w.proc.pid)
        w.jobs.send((args, timeout * threads))
        wait_for_child(w.conn, w.proc, timeout, threads=threads, what="OCR", stage="ocr",
                        cpu0=cpu0)
        status, payload = w.conn.recv()
    except (EOFError, OSError):
        w.proc.join(1)
        code = w.proc.exitcode
        reason = "parse_timeout" if code == -signal.SIGXCPU else \
            "memory_limit" if code and code < 0 else "parse_error"
        raise DocumentError(reason, f"OCR process died (exit code {code})",
                            stage="ocr") from None
    else:
        if status == "ok":
            w.pages += len(payload)
            keep = w.pages < settings.WORKER_PAGES
    finally:
        if keep:
            with _LOCK:
                _IDLE.append(w)
        else:
            w.close()
    if status == "err":
        name, msg, is_mem = payload
        if is_mem:
            raise DocumentError("memory_limit", "OCR went over the memory limit", stage="ocr")
        raise DocumentError("parse_error", f"OCR failed ({name}: {msg})", stage="ocr")
    return payload


def shutdown() -> None:
    """End the idle OCR processes (they are waited for, so their CPU time is counted)."""
    with _LOCK:
        idle, _IDLE[:] = list(_IDLE), []
    for w in idle:
        w.close(kill=False)


def _after_fork_in_child() -> None:
    """A process forked from this one (a parser child, another OCR process) does not own the
    pool's processes: forget them (without closing what the parent still uses)."""
    _IDLE.clear()
    global _LOCK
    _LOCK = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)
