"""Never lose or corrupt a document: concurrent writers, crash repair, kill-and-resume, hostile
PDFs, invisible-text injection twins, privacy (no network, no values in logs, owner-only
outputs)."""
from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import polars as pl

from extractors.fields import FieldSpec
from extractors.write import append_records, drop_records, write_rejection

SPECS = [FieldSpec("total", "money", "", [], True)]


def _row(i: int, schema: str = "s") -> dict:
    from decimal import Decimal
    return {"total": Decimal(i) / 4, "doc_sha256": f"{i:064x}", "schema": schema,
            "source_file": f"doc{i}.txt"}


def _writer(out: str, start: int, n: int) -> None:
    for i in range(start, start + n):
        append_records(Path(out), [_row(i)], SPECS)


def _rejecter(out: str, shas: list[int]) -> None:
    for i in shas:
        write_rejection(Path(out), f"{i:064x}"[:16],
                        {"doc_sha256": f"{i:064x}", "schema": "s", "reason": "test"})


def test_concurrent_writers_never_lose_or_duplicate_rows(tmp_path):
    """Four processes append 15 documents each while a fifth rejects (moves to rejected/) ten
    documents that one of them accepts: every read-modify-write holds OUT/.records.lock."""
    out = tmp_path / "out"
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(out), k * 100, 15)) for k in range(4)]
    procs.append(ctx.Process(target=_rejecter, args=(str(out), list(range(500, 510)))))
    procs.append(ctx.Process(target=_writer, args=(str(out), 500, 10)))
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    df = pl.read_parquet(out / "records.parquet")
    shas = df["doc_sha256"].to_list()
    assert len(shas) == len(set(shas))                          # no duplicate
    rejected = {json.loads(f.read_text())["doc_sha256"] for f in (out / "rejected").glob("*.json")}
    expected = {f"{k * 100 + i:064x}" for k in range(4) for i in range(15)}
    moved = {f"{i:064x}" for i in range(500, 510)}
    assert expected <= set(shas)                                # nothing lost
    assert set(shas) | rejected == expected | moved             # each of the ten is somewhere...
    assert not (set(shas) & rejected)                           # ...exactly once
    assert pl.read_csv(out / "records.csv").height == df.height


def test_drop_records_and_rejection_move_a_document(tmp_path):
    out = tmp_path / "out"
    append_records(out, [_row(1), _row(2)], SPECS)
    write_rejection(out, f"{1:064x}"[:16], {"doc_sha256": f"{1:064x}", "schema": "s"})
    assert pl.read_parquet(out / "records.parquet")["doc_sha256"].to_list() == [f"{2:064x}"]
    append_records(out, [_row(1)], SPECS)     # accepted again (review accept / --force)
    assert not list((out / "rejected").glob("*.json"))
    assert drop_records(out, f"{2:064x}", "s") == 1
    assert pl.read_parquet(out / "records.parquet")["doc_sha256"].to_list() == [f"{1:064x}"]
