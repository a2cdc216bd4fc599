"""Throughput work (issue 4): the pdfium text layer, reading ahead of the model, streamed records."""
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from extractors.errors import DocumentError

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("[!s]*/*.pdf"))    # born-digital (not scanned/)


@pytest.mark.parametrize("pdf", SAMPLES, ids=lambda p: p.name)
def test_pdfium_text_layer_reads_like_pdfplumber(pdf):
    """The fast text layer gives the same page text, words, boxes and per-character xs as the
    pdfplumber path it replaces (left edges within 0.2 pt; a word's right edge within 1 pt: pdfium
    widens a glyph before a justified space by part of the word spacing)."""
    from extractors.read.pdf import read_pdf_pages
    slow, fast = read_pdf_pages(str(pdf), None, "pdfplumber"), read_pdf_pages(str(pdf), None)
    assert [p.text for p in fast] == [p.text for p in slow]
    for a, b in zip(slow, fast):
        assert b.hidden_chars == a.hidden_chars
        assert [(w.text, w.start, w.end, w.line) for w in b.words] == \
               [(w.text, w.start, w.end, w.line) for w in a.words]
        for wa, wb in zip(a.words, b.words):   # every glyph pdfplumber places lies in the box
            assert abs(wa.x0 - wb.x0) < 0.5 and wb.x1 >= wa.x1 - 0.5, (wa, wb)
            assert max(abs(wa.top - wb.top), abs(wa.bottom - wb.bottom)) < 1.0, (wa, wb)
            assert len(wa.xs) == len(wb.xs)
            mids = [(x + y) / 2 for x, y in zip(wa.xs, wa.xs[1:])]
            assert all(wb.x0 - 0.6 <= m <= wb.x1 + 0.6 for m in mids), (wa, wb)


def test_born_digital_pages_take_the_pdfium_path(monkeypatch):
    """Every born-digital sample page is read by the pdfium text layer (the speed itself is
    measured side by side in bench/throughput.py, not here): the pdfplumber page reader is
    never called for them."""
    import extractors.read.pdf as read

    def no_plumber(*a, **k):
        raise AssertionError("pdfplumber read a born-digital page")
    monkeypatch.setattr(read, "_pdfplumber_page", no_plumber)
    for pdf in SAMPLES:
        assert read.read_pdf_pages(str(pdf), None)



def _turned(pdf: Path, rotate: int, out: Path) -> Path:
    """A copy of the PDF whose pages carry /Rotate and whose content is drawn turned the other
    way (so that it reads upright when shown, as a scanner or a landscape export writes it)."""
    import pypdfium2 as pdfium
    src, dst = pdfium.PdfDocument(str(pdf)), pdfium.PdfDocument.new()
    for i in range(len(src)):
        w, h = src[i].get_size()
        content = src.page_as_xobject(i, dst).as_pageobject()
        shift = {90: (h, 0), 180: (w, h), 270: (0, w)}[rotate]
        content.transform(pdfium.PdfMatrix().rotate(rotate, ccw=True).translate(*shift))
        page = dst.new_page(*((h, w) if rotate in (90, 270) else (w, h)))
        page.insert_obj(content)
        page.gen_content()
        page.set_rotation(rotate)
    dst.save(str(out))
    return out


@pytest.mark.parametrize("rotate", [90, 180, 270])
@pytest.mark.parametrize("pdf", SAMPLES[::4], ids=lambda p: p.name)
def test_turned_pages_take_the_pdfium_path_and_read_like_pdfplumber(pdf, rotate, tmp_path,
                                                                    monkeypatch):
    """A page turned by /Rotate is read by pdfium, mapped as pdfminer maps it: the same text,
    words and hidden counts as pdfplumber gives (and as the unturned original), boxes within
    the tolerances above."""
    import extractors.read.pdf as read
    turned = _turned(pdf, rotate, tmp_path / "turned.pdf")
    slow = read.read_pdf_pages(str(turned), None, "pdfplumber")
    calls = []
    real = read._pdfplumber_page
    monkeypatch.setattr(read, "_pdfplumber_page", lambda *a: calls.append(a) or real(*a))
    fast = read.read_pdf_pages(str(turned), None)
    assert not calls
    assert [(p.width, p.height) for p in fast] == [(p.width, p.height) for p in slow]
    assert [p.text for p in fast] == [p.text for p in slow] == \
        [p.text for p in read.read_pdf_pages(str(pdf), None)]
    for a, b in zip(slow, fast):
        assert b.hidden_chars == a.hidden_chars
        assert [(w.text, w.start, w.end, w.line) for w in b.words] == \
               [(w.text, w.start, w.end, w.line) for w in a.words]
        for wa, wb in zip(a.words, b.words):
            assert abs(wa.x0 - wb.x0) < 0.5 and wb.x1 >= wa.x1 - 0.5, (wa, wb)
            assert max(abs(wa.top - wb.top), abs(wa.bottom - wb.bottom)) < 1.0, (wa, wb)


# ------------------------------------------------------------------------------ read ahead
def test_read_ahead_keeps_order_skips_done_and_hands_over_errors():
    from extractors.run import ReadAhead
    live, peak, lock = [0], [0], threading.Lock()

    def read(path, sha):
        with lock:
            live[0] += 1
            peak[0] = max(peak[0], live[0])
        time.sleep(0.02)
        with lock:
            live[0] -= 1
        if path.name == "bad.pdf":
            raise DocumentError("parse_error", "broken", stage="read")
        return f"doc:{path.name}"

    import extractors.run.read_ahead as pipeline
    names = ["a.pdf", "b.pdf", "bad.pdf", "c.pdf", "a-again.pdf", "d.pdf", "e.pdf"]
    shas = {n: n.split("-")[0].removesuffix(".pdf") for n in names}          # a-again.pdf: same content as a.pdf
    real = pipeline.safe_sha
    pipeline.safe_sha = lambda p: shas[p.name]
    try:
        ra = ReadAhead(read, workers=2, ahead=2)
        got, taken = [], 0
        for path, sha, result in ra.iterate([Path(n) for n in names], {"d"}):
            time.sleep(0.03)      # the "model"
            taken += 1
            if result is None:
                got.append((path.name, None))
                continue
            try:
                got.append((path.name, result()[0]))
            except DocumentError as exc:
                got.append((path.name, exc.reason))
        ra.close()
    finally:
        pipeline.safe_sha = real
    assert got == [("a.pdf", "doc:a.pdf"), ("b.pdf", "doc:b.pdf"), ("bad.pdf", "parse_error"),
                   ("c.pdf", "doc:c.pdf"), ("a-again.pdf", None), ("d.pdf", None),
                   ("e.pdf", "doc:e.pdf")]
    assert peak[0] == 2       # two reads at once, never more than the workers


def test_reading_overlaps_the_model(tmp_path, fake_backend):
    """With reading ahead, the next documents are read while the model works on the current one;
    without it, reading and the model take turns. Checked on the recorded intervals (not on wall
    time, which a loaded machine stretches)."""
    import extractors.run.batch as pipeline
    from extractors.run import run_batch
    from schemas import load_schema
    src = sorted((ROOT / "samples" / "utility_bill").glob("*.pdf"))[:4]
    real_read, real_extract = pipeline.read_document, pipeline.Extractor.extract
    spans: dict = {}
    lock = threading.Lock()

    def timed(kind, fn):
        def run(*a, **k):
            t = time.monotonic()
            try:
                return fn(*a, **k)
            finally:
                with lock:
                    spans.setdefault(kind, []).append((t, time.monotonic()))
        return run

    def slow_read(*a, **k):
        time.sleep(0.3)
        return real_read(*a, **k)

    def slow_extract(self, doc):
        time.sleep(0.3)
        return real_extract(self, doc)
    pipeline.read_document = timed("read", slow_read)
    pipeline.Extractor.extract = timed("model", slow_extract)
    try:
        for ahead in (0, 2):
            spans.clear()
            s = run_batch(src, load_schema("utility_bill"), fake_backend, tmp_path / f"o{ahead}",
                          progress=False, read_ahead=ahead)
            assert s.documents == 4 and s.accepted + s.rejected == 4
            assert len(spans["read"]) == 4 and len(spans["model"]) == 4
            overlaps = sum(1 for r0, r1 in spans["read"] for m0, m1 in spans["model"]
                           if r0 < m1 and m0 < r1)
            if ahead == 0:
                assert overlaps == 0, spans
            else:       # reads 2-4 start before the model finishes the first document
                assert overlaps >= 2, spans
    finally:
        pipeline.read_document, pipeline.Extractor.extract = real_read, real_extract


# ------------------------------------------------------------------------ streamed records
def _row(i: int, value: str = "x") -> dict:
    return {"doc_sha256": f"{i:064x}", "schema": "s", "source_file": f"{i}.pdf", "name": value}


def test_flushes_write_parts_and_one_compaction_folds_them(tmp_path):
    from extractors.types import FieldSpec
    from extractors.write.records import PARTS, RECORDS, append_records, compact_records, read_records
    from extractors.write.repair import repair
    specs = [FieldSpec(name="name", kind="text")]
    out = tmp_path / "out"
    append_records(out, [_row(1), _row(2)], specs)                 # compact: records.parquet
    before = (out / RECORDS).stat().st_mtime_ns
    append_records(out, [_row(3), _row(2, "y")], specs, compact=False)
    append_records(out, [_row(4)], specs, compact=False)
    assert (out / RECORDS).stat().st_mtime_ns == before            # not rewritten per flush
    assert len(list((out / PARTS).glob("*.parquet"))) == 2
    df = read_records(out)
    assert sorted(df["doc_sha256"].to_list()) == [f"{i:064x}" for i in (1, 2, 3, 4)]
    assert df.filter(pl.col("doc_sha256") == f"{2:064x}")["name"].to_list() == ["y"]
    assert compact_records(out) == 4
    assert not list((out / PARTS).glob("*.parquet"))
    disk = pl.read_parquet(out / RECORDS)
    assert disk.height == 4 and disk.filter(pl.col("doc_sha256") == f"{2:064x}")["name"][0] == "y"
    assert pl.read_csv(out / "records.csv", infer_schema=False).height == 4
    append_records(out, [_row(5)], specs, compact=False)           # a run dies here
    assert repair(out)["parts_compacted"] == 1
    assert pl.read_parquet(out / RECORDS).height == 5


def test_a_batch_flushes_parts_and_ends_with_one_records_file(tmp_path, fake_backend):
    import extractors.run.outputs as pipeline
    from extractors.run import run_batch
    from extractors.write.records import PARTS, append_records
    from schemas import load_schema
    src = sorted((ROOT / "samples" / "utility_bill").glob("*.pdf"))
    seen = []

    def spy(out, rows, specs, mode=None, compact=True):
        seen.append((len(rows), compact))
        return append_records(out, rows, specs, mode, compact=compact)
    pipeline.append_records = spy
    try:
        s = run_batch(src, load_schema("utility_bill"), fake_backend, tmp_path / "o",
                      progress=False, flush_every=2)
    finally:
        pipeline.append_records = append_records
    assert all(not c for _, c in seen) and sum(n for n, _ in seen) == s.accepted
    assert not list((tmp_path / "o" / PARTS).glob("*.parquet"))
    assert pl.read_parquet(tmp_path / "o" / "records.parquet").height == s.accepted
