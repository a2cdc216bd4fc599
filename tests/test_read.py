import os
from pathlib import Path

import pytest

from extractors.errors import DocumentError
from extractors.types import Word
from extractors.read.layout import layout_words
from extractors.read.document import read_document
from tests.conftest import ROOT, SHARED


def test_layout_words_keeps_spans_and_column_gaps():
    words = [Word("Total", 10, 100, 40, 110), Word("Due", 44, 100, 60, 110),
             Word("$12.00", 200, 101, 240, 111), Word("Next", 10, 120, 30, 130)]
    text, out = layout_words(words)
    assert text.splitlines()[0] == "Total Due   $12.00"
    for w in out:
        assert text[w.start:w.end] == w.text
    assert out[-1].line == 1


def test_a_word_joins_the_row_it_is_level_with_not_the_row_it_started_under():
    """Geometry of a real order form: a taller heading on the right starts a row a little
    higher; the label on the left sits level with the value printed under the heading."""
    words = [Word("By", 595.8, 18.2, 604.0, 25.2), Word("Month", 610.0, 18.2, 640.0, 25.2),
             Word("Schedule", 211.0, 21.4, 235.0, 26.8), Word("Dates", 237.2, 21.4, 260.0, 26.8),
             Word("04/29/20-05/05/20", 277.0, 21.8, 330.0, 28.8),
             Word("Modified", 448.2, 22.0, 480.0, 27.4)]
    text, out = layout_words(words)
    assert text.splitlines() == ["By Month", "Schedule Dates   04/29/20-05/05/20   Modified"]
    for w in out:
        assert text[w.start:w.end] == w.text


def test_text_printed_upwards_is_a_line_of_its_own():
    """A watermark printed upwards down the margin is one tall word: the rows beside it are
    still grouped by their own positions, not swallowed into one line."""
    words = [Word("DRAFT-COPY", 5, 10, 15, 300),
             Word("Item", 40, 100, 60, 110), Word("9.99", 200, 100, 230, 110),
             Word("Other", 40, 120, 70, 130), Word("5.00", 200, 120, 230, 130)]
    text, out = layout_words(words)
    assert text.splitlines() == ["DRAFT-COPY", "Item   9.99", "Other   5.00"]
    for w in out:
        assert text[w.start:w.end] == w.text


def test_a_stamp_printed_across_rows_does_not_merge_them():
    """Geometry of a real invoice: a "DUPLICATE" stamp, four times the text's height, printed
    over an address block: the two rows under it stay two lines (they had been interleaved
    into "Teresa 3201 Macon Tomlinson Rd ..."); a big word level with one row joins that row."""
    words = [Word("DUPLICATE", 303.7, 26.1, 512.5, 62.2),
             Word("Advertiser", 357.7, 44.6, 394.0, 52.7), Word("Beispiel", 429.6, 44.6, 454.7, 52.7),
             Word("for", 456.8, 44.6, 470.0, 52.7), Word("Senate", 472.0, 44.6, 497.5, 52.7),
             Word("3201", 430.4, 56.6, 448.2, 64.7), Word("Macon", 450.5, 56.6, 474.5, 64.7),
             Word("Rd", 476.8, 56.6, 487.0, 64.7),
             Word("Total", 40, 100.0, 70, 108.0), Word("$99.00", 200, 80.0, 300, 112.0)]
    text, out = layout_words(words)
    assert text.splitlines() == ["DUPLICATE", "Advertiser   Beispiel for Senate", "3201 Macon Rd",
                                 "Total   $99.00"]
    for w in out:
        assert text[w.start:w.end] == w.text


def test_txt_document_has_word_spans(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Invoice No: 42\nTotal: 9.99\n")
    doc = read_document(p)
    page = doc.pages[0]
    assert [page.text[w.start:w.end] for w in page.words] == ["Invoice", "No:", "42", "Total:",
                                                               "9.99"]


def test_sample_pdf_words_and_boxes():
    pdf = sorted((ROOT / "samples" / "invoice").glob("*.pdf"))[0]
    doc = read_document(pdf)
    assert doc.pages and doc.pages[0].words
    w = doc.pages[0].words[0]
    assert 0 <= w.x0 < w.x1 <= doc.pages[0].width
    assert doc.pages[0].text[w.start:w.end] == w.text


@pytest.mark.parametrize("content,reason", [(b"", "empty_file"),
                                            (b"hello, not a pdf at all", "not_a_pdf")])
def test_bad_files_get_reason_codes(tmp_path, content, reason):
    p = tmp_path / "bad.pdf"
    p.write_bytes(content)
    with pytest.raises(DocumentError) as e:
        read_document(p)
    assert e.value.reason == reason


@pytest.mark.skipif(not (SHARED / "hostile").is_dir(), reason="shared hostile corpus absent")
def test_hostile_corpus_never_raises_anything_but_document_errors():
    for f in sorted((SHARED / "hostile").glob("*.pdf")):
        try:
            read_document(f, timeout=30)
        except DocumentError as e:
            assert e.reason in {"empty_file", "not_a_pdf", "encrypted", "parse_error",
                                "parse_timeout", "memory_limit", "circular_reference",
                                "no_text_layer"}


@pytest.mark.skipif(not (SHARED / "hostile").is_dir(), reason="shared hostile corpus absent")
def test_encrypted_pdf_is_reported_as_encrypted():
    with pytest.raises(DocumentError) as e:
        read_document(SHARED / "hostile" / "pdfplumber-password-example.pdf")
    assert e.value.reason == "encrypted"


@pytest.mark.parametrize("make,reason", [("circular_page_tree", "circular_reference"),
                                         ("circular_xref", "circular_reference")])
def test_circular_pdfs_are_named(tmp_path, make, reason):
    from tests import test_resilience as hostile
    p = tmp_path / "c.pdf"
    p.write_bytes(getattr(hostile, make)())
    with pytest.raises(DocumentError) as e:
        read_document(p, timeout=30)
    assert e.value.reason == reason


def test_truncated_pdf_is_a_parse_error_that_says_so(tmp_path):
    src = sorted((ROOT / "samples" / "invoice").glob("*.pdf"))[0].read_bytes()
    p = tmp_path / "t.pdf"
    p.write_bytes(src[: len(src) // 3])
    with pytest.raises(DocumentError) as e:
        read_document(p, timeout=30)
    assert e.value.reason == "parse_error" and "truncated" in e.value.message


def test_wrapped_memory_error_is_memory_limit():
    from extractors.read.pdf import classify_pdf_error

    class PdfminerException(Exception):
        pass
    assert classify_pdf_error(PdfminerException(MemoryError("x")))[0] == "memory_limit"
    assert classify_pdf_error(PdfminerException(RecursionError()))[0] == "circular_reference"


def test_parser_child_dies_with_a_killed_parent(tmp_path):
    """A run killed mid-parse leaves no parser running (PR_SET_PDEATHSIG)."""
    import signal
    import subprocess
    import sys
    import time
    code = ("import os, sys, time\n"
            "from extractors.read import document as read\n"
            "def slow(path, password):\n"
            "    open(sys.argv[2], 'w').write(str(os.getpid())); time.sleep(60)\n"
            "read.read_pdf_pages = slow\n"
            "read._read_pdf_isolated(sys.argv[1], None, 60, 0)\n")
    p, pid_file = tmp_path / "x.pdf", tmp_path / "child.pid"
    p.write_bytes(b"%PDF-1.4\n")
    parent = subprocess.Popen([sys.executable, "-c", code, str(p), str(pid_file)], cwd=ROOT)
    t0 = time.time()
    while not (pid_file.exists() and pid_file.read_text()) and time.time() - t0 < 60:
        time.sleep(0.05)
    child_pid = int(pid_file.read_text())
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)

    def alive(pid):
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return False
        return "\nState:\tZ" not in state
    for _ in range(50):
        if not alive(child_pid):
            break
        time.sleep(0.1)
    else:
        os.kill(child_pid, signal.SIGKILL)
        raise AssertionError("parser child outlived its parent")


def _sleepy_child(conn, seconds):
    import time
    time.sleep(seconds)          # waiting for a core on a loaded machine uses no CPU
    conn.send("done")


def _busy_child(conn, seconds):
    import time
    while time.process_time() < seconds:     # computes for that much CPU time
        pass
    conn.send("done")


@pytest.mark.parametrize("target, times_out", [(_sleepy_child, False), (_busy_child, True)])
def test_isolation_limits_count_cpu_time_not_a_loaded_machines_wall_time(target, times_out):
    """A child that is slow only because it waits (a loaded machine) is not cut off at the limit;
    one that computes past it is (parsing and OCR share this wait)."""
    import multiprocessing as mp
    from extractors.read.child import wait_for_child
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(send, 0.6 if target is _sleepy_child else 3.0),
                       daemon=True)
    proc.start()
    try:
        if times_out:
            with pytest.raises(DocumentError) as e:
                wait_for_child(recv, proc, 0.4, what="OCR", stage="ocr")
            assert e.value.reason == "parse_timeout" and e.value.stage == "ocr"
        else:
            wait_for_child(recv, proc, 0.4)
            assert recv.recv() == "done"
    finally:
        proc.kill()
        proc.join(1)


def test_half_of_a_utf16_pair_reads_as_replacement_character():
    """A font map that gives an emoji's first UTF-16 half alone (seen on real Factur-X
    invoices before a phone number) must not reach the model or the UTF-8 files."""
    from extractors.read.pdf import _words_from_chars

    def char(c, x):
        return {"text": c, "x0": x, "x1": x + 5, "top": 10.0, "bottom": 20.0, "doctop": 10.0,
                "upright": True, "height": 10.0, "width": 5.0, "size": 10.0, "fontname": "F",
                "matrix": (1, 0, 0, 1, x, 10)}
    chars = [char("\ud83d", 0)] + [char(c, 10 + 5 * i) for i, c in enumerate("+33")]
    text, words = _words_from_chars(chars)
    assert text.strip() == "\ufffd +33"
    text.encode("utf-8")
    assert [w.text for w in words] == ["\ufffd", "+33"]
    assert [len(w.xs) for w in words] == [2, 4]     # character edges: one per glyph + 1
