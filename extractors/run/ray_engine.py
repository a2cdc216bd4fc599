"""Ray engine: a batch's documents (their bytes and content hash) -> Outcomes from N Ray actors,
each holding one model loaded once, handed back in submission order (ray.util.ActorPool).

Ray is the engine: the actors read each document (in their own limited child), classify,
extract and validate it, and return the outcome; the driver (extractors/run/batch.py) alone
writes, through the same ledger and crash-safe writes as a local run, so a killed driver is
resumed by running the same command again. Without --ray-address a local Ray is started (and
stopped at the end); with one, the run connects to that cluster (every node needs this package
and the model). Ray is an optional extra (`pip install -e '.[ray]'`), imported only here.
"""
from __future__ import annotations

import logging

from extractors.errors import RunError
from extractors.run import settings
from extractors.run.workers import (Job, Outcome, Worker, WorkerSetup, quiet_stderr,
                                    schema_source)


def import_ray():
    """The ray module, or RunError (one line) when it is not installed."""
    try:
        import ray
        from ray.util import ActorPool   # noqa: F401 - part of what this engine needs
    except ImportError:
        raise RunError("--engine ray needs Ray: pip install -e '.[ray]' (or pip install "
                       "'ray>=2.9')") from None
    return ray


class WorkerActor:
    """A Ray actor's body (ray.remote is applied in RayEngine.start): one Worker, its model
    loaded once, for the whole run."""

    def __init__(self, setup: WorkerSetup):
        self.worker = Worker(setup)

    def ready(self) -> str:
        return self.worker.host

    def process(self, job: Job) -> Outcome:
        return self.worker.process(job)


def _unwrap(exc: BaseException, where: str) -> RunError:
    """A Ray error -> the run's one-line RunError (a worker's RunError keeps its message)."""
    cause = getattr(exc, "cause", None)
    if isinstance(cause, RunError):
        return cause
    if isinstance(cause, BaseException):
        return RunError(f"{where}: {type(cause).__name__}: {cause}")
    text = str(exc).strip().splitlines()
    return RunError(f"{where}: {type(exc).__name__}" + (f": {text[0][:200]}" if text else ""))


class RayEngine:
    """N Ray actors; `address`: a cluster to join (None: a local Ray for this run)."""

    reads = True         # documents go to the actors as bytes; they read them

    def __init__(self, workers: int, address: str | None, model: dict, allow_remote: bool):
        self.workers, self.address, self.model = workers, address, model
        self.allow_remote = allow_remote
        self.name, self.sha256 = model["name"], model["sha256"]
        self.host = model.get("url") or "ray"
        self.slots = workers * settings.WORKER_QUEUE
        self.pool = None
        self.started = False
        self.count = 0

    def _init(self) -> None:
        ray = import_ray()
        kwargs = dict(include_dashboard=False, log_to_driver=False,
                      logging_level=logging.ERROR, configure_logging=True)
        try:
            with quiet_stderr():
                if self.address:
                    ray.init(address=self.address, **kwargs)
                else:
                    from extractors.run.engines import machine_cores
                    ray.init(address="local", num_cpus=max(machine_cores(), self.workers),
                             **kwargs)
        except Exception as exc:  # noqa: BLE001 - Ray raises many kinds on a bad address
            raise RunError(f"could not start or reach Ray"
                           f"{' at ' + self.address if self.address else ''}: "
                           f"{type(exc).__name__}: {str(exc).strip()[:200]}") from None
        self.started = True

    def _check_nodes(self, schemas: list) -> None:
        """A cluster with nodes on other machines is 'elsewhere' for a sensitive schema."""
        import ray

        from extractors.decide.server_backend import is_loopback
        from extractors.run.engines import check_remote
        here = ray.util.get_node_ip_address()
        others = [n["NodeManagerAddress"] for n in ray.nodes() if n.get("Alive")
                  and n["NodeManagerAddress"] != here and not is_loopback(n["NodeManagerAddress"])]
        if others:
            check_remote(f"the Ray cluster (nodes {', '.join(sorted(set(others))[:3])})",
                         schemas, self.allow_remote)

    def start(self, setup: WorkerSetup, schemas: list) -> None:
        import ray
        from ray.util import ActorPool
        self._init()
        self._check_nodes(schemas)
        cpus = int(ray.cluster_resources().get("CPU", 0))
        if cpus < self.workers:
            raise RunError(f"the Ray cluster has {cpus} CPUs: --workers {self.workers} is more "
                           "than it can run at once")
        setup.schemas = [schema_source(s) for s in schemas]     # each actor loads them again
        setup.threads = settings.WORKER_THREADS or max(1, cpus // self.workers)
        setup.engine = "ray"
        setup.model_path, setup.model_sha256 = self.model.get("path"), self.sha256
        setup.model_url, setup.server_probe = self.model.get("url"), self.model.get("probe")
        actor = ray.remote(num_cpus=setup.threads, max_restarts=0)(WorkerActor)
        ref = ray.put(setup)
        actors = [actor.remote(ref) for _ in range(self.workers)]
        try:
            ray.get([a.ready.remote() for a in actors], timeout=settings.RAY_START_TIMEOUT)
        except Exception as exc:  # noqa: BLE001
            raise _unwrap(exc, "a Ray worker could not start") from None
        self.pool = ActorPool(actors)

    def submit(self, job: Job) -> None:
        self.pool.submit(lambda actor, j: actor.process.remote(j), job)
        self.count += 1

    def in_flight(self) -> int:
        return self.count

    def next(self, wait: bool = True) -> Outcome | None:
        if not self.count:
            return None
        try:
            got = self.pool.get_next(timeout=None if wait else 0)
        except TimeoutError:
            return None
        except Exception as exc:  # noqa: BLE001 - a worker's error or a lost actor
            raise _unwrap(exc, "a Ray worker failed") from None
        self.count -= 1
        return got

    def close(self, ok: bool = True) -> None:
        """The actors end with the run's Ray job (a cluster stays up; a local Ray stops)."""
        if not self.started:
            return
        import ray
        with quiet_stderr():
            ray.shutdown()
        self.started = False
