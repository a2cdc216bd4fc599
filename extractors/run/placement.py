"""Where the model runs: the run's flags (--workers, --engine, --ray-address, --model,
--model-url, --allow-remote) -> its Engine, every flag checked first (RunError, one line):

    InlineEngine    the driver's own model (the default: --workers 1)       engines.py
    ProcessEngine   N local worker processes, each with its own model        engines.py
    RayEngine       N Ray actors, each with its own model (Ray imported only then)  ray_engine.py

Any engine's model may be a model server instead (--model-url). A schema is sensitive unless it
says otherwise (schemas.Schema.sensitive): a sensitive schema's documents go to a model on
another machine (a --model-url that is not loopback, a Ray cluster with nodes elsewhere) only
with --allow-remote.
"""
from __future__ import annotations

from extractors.errors import RunError
from extractors.run import settings
from extractors.run.engines import (InlineEngine, ProcessEngine, check_remote,
                                    machine_cores)


def model_identity(model_path: str | None, model_url: str | None) -> dict:
    """The model a worker engine will load, as the driver names it in provenance: a GGUF
    (path, verified SHA-256) or a model server (its URL, model name, what it supports)."""
    if model_url:
        import httpx

        from extractors.decide.server_backend import probe_server, server_base
        base = server_base(model_url)
        with httpx.Client(timeout=30) as client:
            probe = probe_server(base, client)
        return {"name": probe.model, "sha256": "", "url": base, "probe": probe}
    from extractors.decide.backends import resolve_model
    path, sha = resolve_model(model_path)
    return {"name": path.name, "sha256": sha, "path": model_path}


def make_engine(schemas: list, *, workers: int | None = None, engine: str | None = None,
                ray_address: str | None = None, model_path: str | None = None,
                model_url: str | None = None, allow_remote: bool = False):
    """The run's flags -> its Engine, every flag checked first (RunError, one line)."""
    from extractors.decide.server_backend import is_loopback, server_base
    workers = settings.WORKERS if workers is None else workers
    engine = engine or settings.ENGINE
    if engine not in ("local", "ray"):
        raise RunError(f"--engine must be local or ray, not {engine!r}")
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise RunError(f"--workers must be a whole number of 1 or more, not {workers!r}")
    if ray_address and engine != "ray":
        raise RunError("--ray-address needs --engine ray")
    if model_url and model_path:
        raise RunError("give --model (a GGUF run here) or --model-url (a model server), "
                       "not both")
    if model_url and not is_loopback(server_base(model_url)):
        check_remote(f"the model server {server_base(model_url)}", schemas, allow_remote)
    if engine == "ray":
        from extractors.run.ray_engine import RayEngine, import_ray
        import_ray()
        return RayEngine(workers, ray_address, model_identity(model_path, model_url),
                         allow_remote)
    cores = machine_cores()
    if workers > cores:
        raise RunError(f"--workers {workers} is more than this machine's {cores} cores (each "
                       "worker holds a model and needs a core); use --engine ray for more")
    if workers > 1:
        return ProcessEngine(workers, model_identity(model_path, model_url))
    if model_url:
        from extractors.decide.server_backend import ServerBackend
        return InlineEngine(ServerBackend(model_url))
    from extractors.decide.backends import load_backend
    from extractors.run.workers import quiet_stderr
    with quiet_stderr():       # llama.cpp prints its own notes while loading
        return InlineEngine(load_backend(model_path))
