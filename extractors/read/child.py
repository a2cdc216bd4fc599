"""Limited child processes: what a parser or OCR child does to die with the run and stop at
its CPU limit, and how the parent waits for its answer (CPU-time and wall-time limits)."""
from __future__ import annotations

import os
import resource

from extractors.errors import DocumentError
from extractors.read import settings


def die_with_parent(parent: int | None = None) -> None:
    """In a child: SIGKILL when the thread that forked it ends (PR_SET_PDEATHSIG: with the run,
    however it ends, even by SIGKILL), and exit now if the parent is already gone (`parent`:
    its pid, recorded before the fork). Ctrl-C is the parent's to handle (the child ignores
    SIGINT: a document being read is never rejected because the user pressed Ctrl-C), and
    SIGTERM ends the child (not the KeyboardInterrupt the run's handler would raise in it)."""
    import ctypes
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1 or (parent is not None and os.getppid() != parent):
        os._exit(1)            # the parent is already gone


def limit_child(cpu_seconds: float | None, parent: int | None = None) -> None:
    """In a parser child: die with the parent (SIGKILL on its exit, so a killed run leaves no
    parser behind) and stop after cpu_seconds of CPU (SIGXCPU) even if nobody is waiting."""
    die_with_parent(parent)
    if cpu_seconds:
        cpu = int(cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def child_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("inf")     # cannot tell: count wall time


def wait_for_child(recv, proc, timeout: float, threads: int = 1, what: str = "parsing",
                    stage: str = "read", cpu0: float = 0.0) -> None:
    """Until the child's answer is ready; parse_timeout once it has used `timeout` seconds of
    CPU per thread it runs (documents read ahead share the cores with the model, and a loaded
    machine shares them with everything else, so wall time overstates the work), or
    settings.WALL_FACTOR x timeout of wall time in any case. `cpu0`: the CPU seconds the child had
    used before this job (a long-lived child, extractors/ocr_worker.py)."""
    import time
    start = time.monotonic()
    while not recv.poll(min(1.0, timeout)):
        waited = time.monotonic() - start
        if waited >= timeout * settings.WALL_FACTOR or \
                (waited >= timeout and
                 child_cpu_seconds(proc.pid) - cpu0 >= timeout * threads):
            raise DocumentError("parse_timeout", f"{what} took longer than {timeout:g}s",
                                stage=stage)
