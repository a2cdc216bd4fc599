"""OCR fallback: real scanned PDFs (the scanned variants of samples.generate) read with the real
engine (RapidOCR, models from its wheel), with the network blocked."""
from __future__ import annotations

import json
import re
import socket
import sys
from pathlib import Path

import pytest

from extractors.errors import DocumentError
from extractors.read.ocr import garbage_ratio, pages_to_check, text_unusable
from extractors.types import Page, Word
from extractors.read.document import read_document
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "samples"))
import generate  # noqa: E402

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="session")
def scanned_invoice(tmp_path_factory):
    """A scanned variant of generated invoice #1 (US layout) and its ground truth."""
    out = tmp_path_factory.mktemp("scanned")
    pdf = generate.generate_scanned(out, "invoice", 1, seed=7)[0]
    return pdf, json.loads(pdf.with_suffix(".json").read_text())


@pytest.fixture(scope="session")
def ocr_doc(scanned_invoice):
    """The scanned invoice read with OCR (once per session: OCR takes seconds per page)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket, "socket", _no_network)        # inherited by the forked OCR child
    mp.setattr(socket, "create_connection", _no_network)
    try:
        return read_document(scanned_invoice[0], timeout=300)
    finally:
        mp.undo()


def _no_network(*a, **k):
    raise OSError("network access during OCR")


def test_garbage_text_layers_are_recognised():
    assert garbage_ratio("(cid:12)(cid:7)(cid:3) (cid:44)") == 1.0
    assert garbage_ratio("Invoice No: 42  Total: 9.99") == 0.0
    assert garbage_ratio("\ufffd\ufffd\ufffd ab") > 0.5
    good = Page(1, "Invoice No: 42\n", [Word("Invoice", 0, 0, 10, 10)])
    assert not text_unusable(good)
    assert text_unusable(Page(1, "", []))
    bad = Page(1, "(cid:3)(cid:4)(cid:5) (cid:6)\n", [Word("(cid:3)(cid:4)(cid:5)", 0, 0, 9, 9)])
    assert text_unusable(bad)
    # a bad OCR layer under a scan: printable, but no printer prints these words
    bad_ocr = ("remT TOSm*eoadcast chWJA0 A{.hBy F0Bnffitl) Bry BRSMI.$OTT JAC Ddhs,IX753ffi4?m "
               "ph:(810)2$4tm $cchllllilq lhno P$eer P0LITIO{LlSsUe(m)fl1SI Bild trM,lmnd ") * 2
    words = [Word(t, 0, 0, 9, 9) for t in bad_ocr.split()]
    assert text_unusable(Page(1, bad_ocr, words))
    prose = ("Payment terms: Net 30 days. All amounts are in US dollars (USD). Please make "
             "checks payable to McDonald & Sons LLC, reference invoice INV-2024-0042 on your "
             "iPhone or at www.example.com; VAT DE123456789, IBAN DE89370400440532013000. ") * 2
    assert not text_unusable(Page(1, prose, [Word(t, 0, 0, 9, 9) for t in prose.split()]))
    assert pages_to_check([good, Page(2, "", [])], "auto") == ([2], [1])
    assert pages_to_check([good], "always") == ([1], [])
    assert pages_to_check([Page(1, "", [])], "never") == ([], [])


def test_scanned_pdf_without_ocr_keeps_no_text_layer(scanned_invoice):
    with pytest.raises(DocumentError) as e:
        read_document(scanned_invoice[0], ocr="never")
    assert e.value.reason == "no_text_layer"


def test_scanned_pdf_is_ocred_with_word_boxes_in_pdf_points(ocr_doc, scanned_invoice):
    truth = scanned_invoice[1]
    page = ocr_doc.pages[0]
    assert page.ocr and page.words
    assert page.width == pytest.approx(612, abs=2) and page.height == pytest.approx(792, abs=2)
    for w in page.words:
        assert page.text[w.start:w.end] == w.text
        assert 0 <= w.x0 < w.x1 <= page.width + 1 and 0 <= w.top < w.bottom <= page.height + 1
    with_xs = [w for w in page.words if w.xs]    # per-character x, for tight evidence boxes
    assert len(with_xs) >= 0.9 * len(page.words)
    for w in with_xs:
        assert len(w.xs) == len(w.text) + 1 and list(w.xs) == sorted(w.xs)
        assert w.x0 - 0.5 <= w.xs[0] and w.xs[-1] <= w.x1 + 0.5
    text = ocr_doc.text
    assert truth["invoice_number"] in text
    assert re.sub(r"\D", "", truth["grand_total"]) in re.sub(r"\D", "", text)
    # the invoice number sits top right, like in the born-digital original
    orig = read_document(ROOT / "samples" / "invoice" / "invoice_01.pdf", ocr="never")
    ow = next(w for w in orig.pages[0].words if w.text == truth["invoice_number"])
    sw = next(w for w in page.words if w.text == truth["invoice_number"])
    assert abs(ow.x0 - sw.x0) < 15 and abs(ow.top - sw.top) < 15
    # line by line despite the scan's rotation: "Invoice Number" and its value share a line
    line = next(ln for ln in page.text.splitlines() if truth["invoice_number"] in ln)
    assert "Invoice Number" in line


def test_ocr_document_extracts_with_grounded_evidence(ocr_doc, scanned_invoice, fake_backend):
    from extractors.eval.score import same
    from extractors.run import Extractor
    from schemas import REGISTRY
    truth = scanned_invoice[1]
    ex = Extractor(REGISTRY["invoice"], fake_backend).extract(ocr_doc)
    specs = {s.name: s for s in Extractor(REGISTRY["invoice"], fake_backend).specs}
    right = [n for n in ("invoice_number", "issue_date", "currency", "grand_total")
             if same(specs[n], truth[n], ex.values.get(n))]
    assert len(right) >= 3, (ex.values, truth)
    for name, ev in ex.evidence.items():
        if isinstance(ev, dict):
            page = ocr_doc.pages[ev["page"] - 1]
            assert page.text[ev["start"]:ev["end"]] == ev["text"]
            x0, top, x1, bottom = ev["bbox"]
            assert 0 <= x0 < x1 <= page.width + 1 and 0 <= top < bottom <= page.height + 1


def test_ocr_has_its_own_time_limit(scanned_invoice):
    from extractors.read.ocr import apply_ocr
    with pytest.raises(DocumentError) as e:
        apply_ocr(str(scanned_invoice[0]), [Page(1, "", [], 612, 792)], "auto", page_timeout=0.05)
    assert e.value.reason == "parse_timeout" and e.value.stage == "ocr"


def test_ocr_process_is_kept_across_documents_and_replaced_after_a_failure(ocr_doc,
                                                                         scanned_invoice):
    """One OCR process (engine built once) reads document after document; a document over its
    time or memory limit is rejected with its reason code, the process is killed, and the next
    document gets a new process and reads as before."""
    from extractors.read import ocr_worker
    from extractors.read.ocr import apply_ocr
    blank = [Page(1, "", [], 612, 792)]
    first = apply_ocr(str(scanned_invoice[0]), blank, "auto", page_timeout=300)
    pids = {w.proc.pid for w in ocr_worker._IDLE}
    assert len(pids) == 1
    again = apply_ocr(str(scanned_invoice[0]), blank, "auto", page_timeout=300)
    assert {w.proc.pid for w in ocr_worker._IDLE} == pids           # the same process
    assert [w.text for w in again[0].words] == [w.text for w in first[0].words]
    assert first[0].text == ocr_doc.pages[0].text
    with pytest.raises(DocumentError) as e:
        apply_ocr(str(scanned_invoice[0]), blank, "auto", page_timeout=0.05)
    assert e.value.reason == "parse_timeout" and e.value.stage == "ocr"
    assert not any(w.proc.pid in pids for w in ocr_worker._IDLE)     # killed, not reused
    with pytest.raises(DocumentError) as e:
        apply_ocr(str(scanned_invoice[0]), blank, "auto", page_timeout=300, mem_mb=1)
    assert e.value.reason == "memory_limit" and e.value.stage == "ocr"
    after = apply_ocr(str(scanned_invoice[0]), blank, "auto", page_timeout=300)
    assert after[0].text == first[0].text
    assert {w.proc.pid for w in ocr_worker._IDLE}.isdisjoint(pids)
    ocr_worker.shutdown()
    assert not ocr_worker._IDLE


def test_ocr_process_ends_when_its_parent_does(scanned_invoice, tmp_path):
    """A run that dies (SIGKILL) leaves no OCR process behind."""
    import os
    import signal
    import subprocess
    import time
    code = ("import sys; from extractors.read.ocr import apply_ocr; from extractors.types import Page\n"
            "from extractors.read import ocr_worker\n"
            f"apply_ocr({str(scanned_invoice[0])!r}, [Page(1, '', [], 612, 792)], 'auto', "
            "page_timeout=300)\n"
            "print(ocr_worker._IDLE[0].proc.pid, flush=True)\n"
            "import time; time.sleep(600)\n")
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                         text=True)
    try:
        pid = int(p.stdout.readline())
        os.kill(pid, 0)                     # alive while the run is
    finally:
        p.kill()
        p.wait()
    for _ in range(600):                    # it notices within a second or so
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break                       # ended (not yet reaped by its new parent)
        except OSError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("the OCR process outlived its parent")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu font absent")
def test_cid_garbage_text_layer_is_replaced_by_ocr(tmp_path):
    """A TrueType font without a Unicode map extracts as runs of (cid:N): OCR reads the page."""
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dv", "", str(DEJAVU))
    pdf.set_font("dv", size=14)
    pdf.set_compression(False)
    for i, line in enumerate(["INVOICE", "Invoice No: INV-7731", "Total: $1,234.50"]):
        pdf.text(20, 30 + 12 * i, line)
    raw = re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group()), bytes(pdf.output()))
    path = tmp_path / "cid.pdf"
    path.write_bytes(raw)
    plain = read_document(path, ocr="never")
    assert "(cid:" in plain.pages[0].text and not plain.pages[0].ocr
    doc = read_document(path, timeout=300)
    assert doc.pages[0].ocr
    assert "INV-7731" in doc.pages[0].text and "1,234.50" in doc.pages[0].text


def test_always_mode_ocrs_a_text_pdf_too():
    path = ROOT / "samples" / "utility_bill" / "utility_bill_01.pdf"
    truth = json.loads(path.with_suffix(".json").read_text())
    doc = read_document(path, ocr="always", timeout=300)
    assert all(p.ocr for p in doc.pages)
    assert truth["account_number"] in doc.text


@pytest.mark.e2e
def test_cli_ocr_option_end_to_end(scanned_invoice, tmp_path):
    """`extract run` on a scan: --ocr never keeps the rejection no_text_layer; the default
    (auto) OCRs it and writes a record whose evidence boxes are on the page; --schema auto
    classifies the OCR'd text too."""
    import polars as pl
    from click.testing import CliRunner

    from cli import main
    pdf, truth = scanned_invoice
    never = tmp_path / "never"
    r = CliRunner().invoke(main, ["run", str(pdf), "--schema", "invoice", "--ocr", "never",
                                  "--out", str(never), "--quiet"])
    assert r.exit_code == 0, r.output
    rej = json.loads(next((never / "rejected").glob("*.json")).read_text())
    assert rej["reason"] == "no_text_layer"
    auto = tmp_path / "auto"
    r = CliRunner().invoke(main, ["run", str(pdf), "--schema", "auto", "--out", str(auto),
                                  "--quiet", "--parse-timeout", "300"])
    assert r.exit_code == 0, r.output
    df = pl.read_parquet(auto / "invoice" / "records.parquet")
    row = df.row(0, named=True)
    assert row["schema"] == "invoice" and float(row["schema_confidence"]) > 0.5
    assert row["invoice_number"] == truth["invoice_number"]
    ev = json.loads(row["evidence"])["invoice_number"]
    assert ev["text"] == truth["invoice_number"] and ev["page"] == 1
    assert 300 < ev["bbox"][0] < 612 and 0 < ev["bbox"][1] < 200   # top right, like printed


def _page_image(pdf_path, scale=150 / 72):
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[0].render(scale=scale, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


def test_page_image_under_a_stamped_line_is_ocred(scanned_invoice, tmp_path):
    """A scan whose producer stamped a few words of real text on it ("Received ...") has a
    text layer, but not the document's: the page-sized image is OCR'd."""
    from fpdf import FPDF
    img = _page_image(scanned_invoice[0])
    pdf = FPDF(unit="pt", format=(612, 792))
    pdf.add_page()
    pdf.image(img, x=0, y=0, w=612, h=792)
    pdf.set_font("Helvetica", size=8)
    pdf.text(420, 780, "RECEIVED 2024-04-02 by mailroom")
    path = tmp_path / "stamped.pdf"
    pdf.output(str(path))
    plain = read_document(path, ocr="never")
    assert len(plain.pages[0].words) < 12 and not plain.pages[0].ocr
    doc = read_document(path, timeout=300)
    assert doc.pages[0].ocr and scanned_invoice[1]["invoice_number"] in doc.text


def test_sideways_scan_shown_upright_by_rotate(scanned_invoice, tmp_path):
    """An image stored sideways with /Rotate 90 is displayed upright: OCR reads the upright
    rendering, and boxes are in the displayed page's points."""
    import pypdfium2 as pdfium
    from PIL import Image
    img = _page_image(scanned_invoice[0]).transpose(Image.Transpose.ROTATE_90)
    stored = tmp_path / "sideways_stored.pdf"
    img.save(stored, "PDF", resolution=150.0)
    pdf = pdfium.PdfDocument(str(stored))
    pdf[0].set_rotation(90)
    path = tmp_path / "sideways.pdf"
    pdf.save(str(path))
    pdf.close()
    doc = read_document(path, timeout=300)
    page = doc.pages[0]
    assert page.ocr and scanned_invoice[1]["invoice_number"] in doc.text
    assert page.width < page.height or all(w.x1 <= page.width + 1 for w in page.words)
    number = next(w for w in page.words if w.text == scanned_invoice[1]["invoice_number"])
    assert number.x0 > 300 and number.top < 200       # top right, as displayed


def test_scan_with_another_engines_invisible_ocr_layer_is_read_again(scanned_invoice, tmp_path):
    """A searchable scan: a page image with an invisible text layer from another OCR engine
    (here a wrong one). auto reads the page itself; never keeps the layer."""
    from fpdf import FPDF
    from fpdf.enums import TextMode
    img = _page_image(scanned_invoice[0])
    pdf = FPDF(unit="pt", format=(612, 792))
    pdf.add_page()
    pdf.image(img, x=0, y=0, w=612, h=792)
    pdf.set_font("Helvetica", size=10)
    pdf.text_mode = TextMode.INVISIBLE
    for i in range(20):
        pdf.text(40, 60 + 14 * i, f"Invoice Numbr lNV-WR0NG {i} Tota1 amount due 0.00 Page")
    path = tmp_path / "searchable.pdf"
    pdf.output(str(path))
    plain = read_document(path, ocr="never")
    assert "WR0NG" in plain.text and not plain.pages[0].ocr
    doc = read_document(path, timeout=300)
    assert doc.pages[0].ocr and "WR0NG" not in doc.text
    assert scanned_invoice[1]["invoice_number"] in doc.text


def test_ocr_rows_keep_stacked_form_rows_apart():
    """Detected lines become page rows by their middles, but a tall line (a logo) does not
    swallow the tightly set rows beside it, and lines that overlap stay on separate rows."""
    from extractors.read.ocr_page import _rows

    def frag(x0, x1, top, bottom):
        return [Word("w", x0, top, x1, bottom)]
    frags = [
        frag(10, 120, 80, 150),      # 0: a logo, as tall as three rows
        frag(150, 250, 90, 110),     # 1: "Advertiser"   row 1
        frag(300, 500, 91, 111),     # 2: its value      row 1
        frag(150, 250, 113, 133),    # 3: "Agency"       row 2
        frag(300, 480, 114, 134),    # 4: its value      row 2
        frag(151, 240, 136, 156),    # 5: "Product"      row 3
        frag(300, 420, 137, 157),    # 6: its value      row 3
        frag(520, 600, 104, 124),    # 7: between rows 1 and 2, overlaps neither's cells
    ]
    rows = _rows(frags)
    assert sorted(i for r in rows for i in r) == list(range(8))
    row_of = {i: n for n, r in enumerate(rows) for i in r}
    assert row_of[1] == row_of[2] != row_of[3] == row_of[4] != row_of[5] == row_of[6]
    assert row_of[1] < row_of[3] < row_of[5]
    assert row_of[0] == row_of[3]         # the logo joins the row at its middle only


def test_date_range_read_as_one_word_is_split():
    from extractors.read.ocr_page import _split_range
    lefts = [100 + 10 * i for i in range(18)]
    box = [[100, 5], [270, 5], [270, 20], [100, 20]]
    parts = _split_range(("05/27/20-06/02/20", box, lefts))
    assert [p[0] for p in parts] == ["05/27/20", "-", "06/02/20"]
    assert parts[0][1][0][0] == 100 and parts[0][1][1][0] == 180
    assert parts[2][1][0][0] == 190 and parts[2][1][1][0] == 270
    assert all(len(p[2]) == len(p[0]) + 1 for p in parts)
    assert [p[0] for p in _split_range(("01/28/20-", box, []))] == ["01/28/20", "-"]
    assert [p[0] for p in _split_range(("-02/03/20", box, []))] == ["-", "02/03/20"]
    for word in ("2020-01-31", "12-345", "05/27/20", "1/2-3/4", "-", "A-5/6/20"):
        assert _split_range((word, box, [])) == [(word, box, [])]


@pytest.mark.parametrize("turn", ["ROTATE_180", "ROTATE_90"])
def test_scan_stored_upside_down_or_sideways_is_read_upright(ocr_doc, scanned_invoice,
                                                              tmp_path, turn):
    """A page scanned upside down or sideways (no /Rotate: displayed that way) is read upright
    (lines in reading order), and its word boxes sit where the words are printed on the page
    as displayed."""
    from PIL import Image
    img = _page_image(scanned_invoice[0]).transpose(getattr(Image.Transpose, turn))
    path = tmp_path / f"{turn}.pdf"
    img.save(path, "PDF", resolution=150.0)
    doc = read_document(path, timeout=300)
    page = doc.pages[0]
    number = scanned_invoice[1]["invoice_number"]
    assert page.ocr and number in doc.text
    line = next(ln for ln in page.text.splitlines() if number in ln)
    assert "Invoice Number" in line
    # where the upright scan prints the number, turned like the page
    up = next(w for w in ocr_doc.pages[0].words if w.text == number)
    cx, cy = (up.x0 + up.x1) / 2, (up.top + up.bottom) / 2
    W, H = ocr_doc.pages[0].width, ocr_doc.pages[0].height
    want = (W - cx, H - cy) if turn == "ROTATE_180" else (cy, W - cx)   # PIL turns counter-clockwise
    got = next(w for w in page.words if w.text == number)
    assert got.x0 - 10 <= want[0] <= got.x1 + 10 and got.top - 10 <= want[1] <= got.bottom + 10
    if turn == "ROTATE_90":
        assert got.bottom - got.top > got.x1 - got.x0      # printed sideways: a tall box


def test_misread_label_words_match_on_ocr_pages_only():
    """On an OCR'd page "Involce #" is the label "invoice #" (one letter misread); on a text
    layer it stays what it says. Short words are not bent ("Rates" is not "dates")."""
    from extractors.locate.candidates import find_candidates
    from extractors.types import FieldSpec
    from extractors.locate.ocr_labels import read_as_labels
    from extractors.locate.rank import rank
    from extractors.types import Document
    from extractors.read.layout import layout_words

    labels = ("invoice #", "schedule dates", "contract")
    assert read_as_labels("Involce #", labels) == "invoice #"
    assert read_as_labels("Schiedule Dates:", labels) == "schedule Dates:"
    assert read_as_labels("C0ntract", labels) == "contract"
    assert read_as_labels("Rates Agency Contractor's", labels) == "Rates Agency Contractor's"

    def page(ocr):
        words = [Word("Involce", 10, 10, 50, 20), Word("#", 52, 10, 58, 20),
                 Word("7303200", 66, 10, 110, 20),
                 Word("Order", 10, 40, 45, 50), Word("4268442", 60, 40, 104, 50)]
        text, laid = layout_words(words)
        return Page(1, text, laid, 612, 792, ocr=ocr)
    spec = FieldSpec("invoice_number", "id", labels=["invoice #", "invoice number"])
    for ocr, want in ((True, "7303200"), (False, None)):
        doc = Document("x.pdf", "0", [page(ocr)])
        top = rank(spec, find_candidates(doc, [spec])["invoice_number"], [], 5)
        assert ("ocr" in top[0].flags) == ocr
        best = top[0] if top[0].score > 0.5 else None
        assert (best.value if best else None) == want, top


def test_day_first_guess_ignores_codes_that_only_look_like_dates():
    """"CPE: 25/27/330" (an OCR'd order's code) is no d/m/y date: 5/6/20 stays May 6."""
    from extractors.locate.candidates import guess_dayfirst
    from extractors.types import Document
    doc = Document("x.pdf", "0", [Page(1, "CPE: 25/27/330   Flight: 5/6/20 - 5/12/20\n", [])])
    assert guess_dayfirst(doc) is False
    doc = Document("x.pdf", "0", [Page(1, "Flight: 25/06/20 - 5/7/20\n", [])])
    assert guess_dayfirst(doc) is True


def test_recognition_pads_short_line_crops_only_to_their_own_width():
    """A batch of line crops is padded to its widest crop (at least REC_WIDTH), not to the
    wheel's 320 px, so a short field costs what its width costs; its text is still read. The
    engine's model calls use ENGINE_THREADS threads. Fails if a rapidocr upgrade ignores the
    settings (they are passed by config key)."""
    import cv2
    import numpy as np
    from rapidocr.ch_ppocr_rec import TextRecInput

    from extractors.read import ocr_engine as ocr
    from extractors.read import settings
    rec = ocr.engine()._load_rec_model()
    crop = np.full((48, 150, 3), 255, np.uint8)
    cv2.putText(crop, "No 47", (6, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (0, 0, 0), 2)
    widths = []

    class Spy:
        def __init__(self, real):
            self.real = real

        def __call__(self, batch):
            widths.append(batch.shape[-1])
            return self.real(batch)

        def __getattr__(self, name):
            return getattr(self.real, name)

    real = rec.session
    rec.session = Spy(real)
    try:
        out = rec(TextRecInput(img=[crop]))
    finally:
        rec.session = real
    assert widths and widths[0] == max(settings.REC_WIDTH, 150) < 320
    assert "47" in out.txts[0]
    if settings.ENGINE_THREADS:
        assert real.session.get_session_options().intra_op_num_threads == settings.ENGINE_THREADS


def test_wide_line_crops_are_recognised_a_few_at_a_time_with_the_same_result():
    """Six long line crops (2,600-3,600 px at 48 px high) go through the recognition model a
    few at a time (at most REC_SLICE_PX wide per call unless one crop alone is wider), each
    output reduced at once to the best character per position: text and scores are those of the
    whole batch in one call. (One call of such a batch made 240 MB output tensors and took the
    OCR process to 1.5 GB.) Fails if the slicing changes what is read, or if a rapidocr upgrade
    reads more of the model's output than its argmax and max over the characters."""
    import cv2
    import numpy as np
    from rapidocr.ch_ppocr_rec import TextRecInput

    from extractors.read import ocr_engine as ocr
    from extractors.read import settings
    rec = ocr.engine()._load_rec_model()
    sliced = rec.session
    assert isinstance(sliced, ocr._SlicedSession)
    crops = []
    for i in range(6):
        crop = np.full((48, 2600 + 200 * i, 3), 255, np.uint8)
        text = f"Line {i} " + "Invoice 2024-0042 total 357.00 EUR " * 3
        cv2.putText(crop, text, (6, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
        crops.append(crop)
    shapes = []

    class Spy:
        def __init__(self, real):
            self.real = real

        def __call__(self, batch):
            shapes.append(batch.shape)
            return self.real(batch)

        def __getattr__(self, name):
            return getattr(self.real, name)

    try:
        rec.session = Spy(sliced.session)           # the whole batch in one call
        whole = rec(TextRecInput(img=crops))
        one_call = list(shapes)
        shapes.clear()
        rec.session = ocr._SlicedSession(Spy(sliced.session), settings.REC_SLICE_PX)
        parts = rec(TextRecInput(img=crops))
    finally:
        rec.session = sliced
    assert len(one_call) == 1 and one_call[0][0] == settings.REC_BATCH
    assert len(shapes) > 1
    assert all(n * w <= settings.REC_SLICE_PX or n == 1 for n, _c, _h, w in shapes)
    assert sum(n for n, *_ in shapes) == settings.REC_BATCH
    assert parts.txts == whole.txts
    assert np.allclose(parts.scores, whole.scores, atol=1e-5)
    assert all("Invoice" in t for t in whole.txts)
