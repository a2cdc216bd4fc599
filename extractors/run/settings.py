"""Run settings: how a batch reads ahead and writes, each with what measured it. Change them with
flags or a config file ([run] section; `extract settings` lists them); code reads them as
`settings.NAME` at call time."""
from __future__ import annotations

FLUSH_EVERY = 25       # accepted rows are written every 25 documents (--flush-every)
FLUSH_SECONDS = 30.0   # ... or every 30 s, whichever comes first
READ_AHEAD = 3         # documents read (each in its own limited child) while the model works
                       # (--read-ahead; 3 kept both cores busy on real ad orders, bench/throughput.py)
READ_WORKERS = 1       # ... by this many reader threads (each waits on one parser child)
TOP_K = 5              # ranked options the model sees per field
REPAIR_OPTIONS = 12    # ranked options kept per field for business-rule repair (rule_repair.py)
WORKERS = 1            # model workers (--workers); 1: the model runs in the driver's process
ENGINE = "local"       # where workers run (--engine): local processes, or ray (actors)
WORKER_THREADS = 0     # llama.cpp threads per model worker; 0: the machine's cores (local) or the
                       # Ray cluster's CPUs, divided by the workers, at least 1
WORKER_QUEUE = 8       # documents in flight per model worker: outcomes are committed in input
                       # order, so a slow (OCR'd) document must not leave the other workers idle;
                       # Ray, 2 workers, 30 ad orders: 94.5 s with 8 against 116.2 s with 2
RAY_START_TIMEOUT = 300.0   # seconds for the Ray workers to start and load their models
