"""Run stage: input paths -> records + rejections in OUT, exactly once per document.

    inputs.py      paths -> the batch's files and their content hashes
    read_ahead.py  files -> documents read in background threads (each in a limited child)
    batch.py       the one batch driver (one schema or --schema auto), ledger-driven resume
    extract.py     one Document -> Extraction (candidates, rank, choose per field)
    record.py      Extraction -> a validated record row, or a DocumentError
    outputs.py     the ledger, rejections and flushes in OUT
    placement.py   where the model runs: flags -> an engine (--workers, --engine, --model-url)
    engines.py     the model in the driver, or N local worker processes
    ray_engine.py  N Ray actors (Ray imported only for --engine ray)
    workers.py     what a worker does: a document -> its outcome (row or rejection)
    settings.py    the run's tuned numbers
"""
from extractors.run.batch import check_limits, run_batch
from extractors.run.extract import Extractor
from extractors.run.inputs import collect_inputs, safe_sha
from extractors.run.outputs import check_out, ledger
from extractors.run.read_ahead import ReadAhead

__all__ = ["run_batch", "check_limits", "check_out", "Extractor", "collect_inputs", "safe_sha", "ledger", "ReadAhead"]
