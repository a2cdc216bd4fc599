"""Engines: a batch's documents -> Outcomes (extractors/run/workers.py), handed back in the
order they were submitted, from the driver's own model (InlineEngine, --workers 1) or from N
local worker processes, each with its own model and llama.cpp threads (ProcessEngine). The Ray
engine is in ray_engine.py; which engine a run gets is decided in placement.py.
"""
from __future__ import annotations

import os
from collections import deque

from extractors.errors import RunError
from extractors.run import settings
from extractors.run.workers import Job, Outcome, Worker, WorkerSetup, schema_source


def machine_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)


class InlineEngine:
    """The driver's own backend: each document is extracted when it is submitted."""

    reads = False        # the driver reads documents (extractors/run/read_ahead.py)
    slots = 0            # documents waiting in the engine before the driver takes an outcome

    def __init__(self, backend, host: str = ""):
        import socket
        self.backend = backend
        self.name, self.sha256 = backend.name, backend.sha256
        self.host = host or getattr(backend, "url", None) or f"local:{socket.gethostname()}"
        self.done: deque = deque()
        self.worker: Worker | None = None

    def start(self, setup: WorkerSetup, schemas: list) -> None:
        self.worker = Worker(setup, backend=self.backend, schemas=schemas)

    def submit(self, job: Job) -> None:
        self.done.append(self.worker.process(job))

    def in_flight(self) -> int:
        return len(self.done)

    def next(self, wait: bool = True) -> Outcome | None:
        return self.done.popleft() if self.done else None

    def close(self, ok: bool = True) -> None:
        pass


WORKER_DIED = ("a model worker process stopped (killed, or out of memory); re-run the same "
               "command to continue")


class ProcessEngine:
    """N local worker processes (spawned: nothing of the driver's threads is inherited), each
    loading its own model once with cores/N llama.cpp threads (run.worker_threads)."""

    reads = False

    def __init__(self, workers: int, model: dict):
        self.workers = workers
        self.name, self.sha256 = model["name"], model["sha256"]
        self.model = model
        self.host = model.get("url") or f"local:{os.uname().nodename}"
        self.slots = workers * settings.WORKER_QUEUE
        self.futures: deque = deque()
        self.pool = None

    def start(self, setup: WorkerSetup, schemas: list) -> None:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        from extractors.run.workers import start_worker
        setup.schemas = [schema_source(s) for s in schemas]     # each worker loads them again
        setup.threads = settings.WORKER_THREADS or max(1, machine_cores() // self.workers)
        setup.model_path, setup.model_sha256 = self.model.get("path"), self.sha256
        setup.model_url, setup.server_probe = self.model.get("url"), self.model.get("probe")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"),
                                        initializer=start_worker,
                                        initargs=(setup, os.getpid()))

    def submit(self, job: Job) -> None:
        from concurrent.futures.process import BrokenProcessPool

        from extractors.run.workers import run_job
        try:
            self.futures.append(self.pool.submit(run_job, job))
        except BrokenProcessPool:
            raise RunError(WORKER_DIED) from None

    def in_flight(self) -> int:
        return len(self.futures)

    def next(self, wait: bool = True) -> Outcome | None:
        from concurrent.futures.process import BrokenProcessPool
        if not self.futures or (not wait and not self.futures[0].done()):
            return None
        try:
            return self.futures.popleft().result()
        except BrokenProcessPool:
            raise RunError(WORKER_DIED) from None

    def close(self, ok: bool = True) -> None:
        """Normal end: the idle workers exit. Otherwise (Ctrl-C, an error) they are killed now
        (a document they were extracting is redone by the next run), and a document being
        sent to one of them is dropped: the pool's feeder thread, which may be stuck writing
        it (the run's reader children hold copies of the pipe), is not waited for."""
        if self.pool is None:
            return
        if ok:
            self.pool.shutdown(wait=True)
            return
        queue = getattr(self.pool, "_call_queue", None)    # concurrent.futures' own queue
        if queue is not None:
            queue.cancel_join_thread()
        procs = list(getattr(self.pool, "_processes", {}).values())
        for p in procs:
            p.kill()
        for p in procs:
            p.join(5)
        self.pool.shutdown(wait=False, cancel_futures=True)


def check_remote(where: str, schemas: list, allow_remote: bool) -> None:
    """RunError unless the documents of every schema may go to `where` (another machine)."""
    sensitive = [s.name for s in schemas if s.sensitive]
    if sensitive and not allow_remote:
        raise RunError(f"schema {', '.join(sensitive)} is sensitive: its documents stay on this "
                       f"machine, and {where} is elsewhere; pass --allow-remote to send them, "
                       "or mark the schema model_config = ConfigDict(json_schema_extra="
                       "{'sensitive': False})")
