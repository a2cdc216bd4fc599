"""Review pages in a real headless Chromium (Debian's `chromium`, installed by the test setup):
screenshot an item page and check that each highlight box sits on the printed value.

For each field whose evidence is on page 1: the box is found in a screenshot by its colour
(`#boxes-only`: labels hidden), the page underneath in a screenshot without boxes (`#clean`);
inside the box there must be ink spanning it, and OCR of that crop must read the value's
printed text."""
from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractors import review
from extractors.review import html as review_html
from extractors.run import run_batch
from schemas import load_schema
from tests.conftest import ROOT, SHARED, FakeBackend

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--force-device-scale-factor=1"]
OUTLINE_PX = 2
PAD_PX = review_html.PAD_PT * review_html.ZOOM


def _need_chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail("headless Chromium is needed: apt-get install -y chromium")


def screenshot(page: Path, fragment: str, size: tuple[int, int], tmp: Path) -> np.ndarray:
    shot = tmp / f"shot-{fragment or 'all'}.png"
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp / 'profile'}",
           f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}",
           page.resolve().as_uri() + (f"#{fragment}" if fragment else "")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert shot.exists(), f"chromium made no screenshot: {r.stderr[-2000:]}"
    return np.asarray(Image.open(shot).convert("RGB")).astype(int)


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)])


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _ocr(crop: np.ndarray) -> str:
    from extractors.read.ocr_engine import engine
    img = Image.fromarray(crop.astype(np.uint8)).resize((crop.shape[1] * 3, crop.shape[0] * 3),
                                                         Image.LANCZOS)
    canvas = Image.new("RGB", (img.width + 60, img.height + 60), "white")
    canvas.paste(img, (30, 30))
    res = engine()(np.asarray(canvas))
    return " ".join(res.txts or ())


def _item_with_evidence(tmp_path: Path, pdf: Path, schema: str):
    out = tmp_path / "out"
    run_batch([pdf], load_schema(schema), FakeBackend(), out, review_below=1.01,
              progress=False)
    items = review.pending(out)
    assert len(items) == 1, "the document should be in the queue"
    return out, items[0]


CASES = [
    ("invoice", ROOT / "samples" / "invoice" / "invoice_01.pdf"),
    ("utility_bill", ROOT / "samples" / "utility_bill" / "utility_bill_02.pdf"),
    # a landscape page stored portrait with /Rotate 90 (real ad order)
    ("examples/adbuy.py", SHARED / "adbuy-dev" / "37f66b37-0e7d-972a-29b9-be11e9362f5b.pdf"),
]


@pytest.mark.parametrize("schema,pdf", CASES, ids=["invoice", "utility", "rotated-adbuy"])
def test_boxes_sit_on_the_printed_values(tmp_path, schema, pdf):
    _need_chromium()
    if not pdf.exists():
        pdf = next(iter(sorted(pdf.parent.glob(pdf.name[:8] + "*.pdf"))), pdf)
        if not pdf.exists():
            pytest.skip(f"{pdf} not available")
    if schema.endswith(".py"):
        schema = str(ROOT / schema)
    out, item = _item_with_evidence(tmp_path, pdf, schema)
    index = review_html.build(out)
    page = index.parent / f"{item.id}.html"
    html = page.read_text()
    m = re.search(r"id='page-1' style='width:([\d.]+)px;height:([\d.]+)px'", html)
    assert m, "page 1 is rendered"
    page_w, page_h = float(m.group(1)), float(m.group(2))
    size = (int(page_w) + 700, int(page_h) + 200)
    boxed = screenshot(page, "boxes-only", size, tmp_path)
    clean = screenshot(page, "clean", size, tmp_path)
    left_limit = 16 + int(page_w) + 2          # main padding + page: the side table is right

    names = review_html._fields(item)
    colours = {n: review_html._colour(i) for i, n in enumerate(names)}
    evidence = item.data["evidence"]
    on_page1 = {n: e for n, e in evidence.items() if isinstance(e, dict) and e.get("page") == 1}
    same_place = {tuple(e["bbox"]) for e in on_page1.values()}
    assert len(on_page1) >= 3, on_page1
    checked = []
    for name, ev in on_page1.items():
        if sum(tuple(e["bbox"]) == tuple(ev["bbox"]) for e in on_page1.values()) > 1:
            continue                            # two fields on one value: outlines overlap
        mask = np.abs(boxed - _rgb(colours[name])).max(axis=2) <= 30
        mask[:, left_limit:] = False
        ys, xs = np.nonzero(mask)
        assert len(xs) > 20, f"{name}: no box drawn in its colour {colours[name]}"
        # outline outer edge -> the value's box (outline 2 px outside, 1.5 pt padding)
        inset = OUTLINE_PX + PAD_PX
        vx0, vy0 = xs.min() + inset, ys.min() + inset
        vx1, vy1 = xs.max() - inset, ys.max() - inset
        assert vx1 > vx0 and vy1 > vy0, name
        region = clean[int(vy0) - 2:int(vy1) + 3, int(vx0) - 2:int(vx1) + 3]
        ink = region.mean(axis=2) < 120
        iy, ix = np.nonzero(ink)
        assert len(ix) > 5, f"{name}: nothing printed under the box"
        width, height = vx1 - vx0, vy1 - vy0
        assert (ix.max() - ix.min()) >= 0.8 * width - 3, \
            f"{name}: printed text covers {ix.max() - ix.min()} of {width:.0f} px"
        assert (iy.max() - iy.min()) >= 0.35 * height, name
        # what is printed there is the value's text
        crop = clean[int(vy0) - 3:int(vy1) + 4, int(vx0) - 3:int(vx1) + 4]
        read = _ocr(crop)
        want = ev["text"]
        ratio = difflib.SequenceMatcher(None, _norm(read), _norm(want)).ratio()
        assert ratio >= 0.75, f"{name}: box on {read!r}, value printed as {want!r}"
        checked.append(name)
    assert len(checked) >= 3, checked
    assert same_place


def test_pages_open_offline_and_index_links_every_item(tmp_path):
    out = tmp_path / "out"
    txt = tmp_path / "in" / "a.txt"
    txt.parent.mkdir()
    from tests.conftest import INVOICE_TXT
    txt.write_text(INVOICE_TXT)
    pdf = ROOT / "samples" / "invoice" / "invoice_02.pdf"
    run_batch([txt, pdf], load_schema("invoice"), FakeBackend(), out, review_below=1.01,
              progress=False)
    items = review.pending(out)
    assert len(items) == 2
    index = review_html.build(out)
    text = index.read_text()
    for it in items:
        assert f"href='{it.id}.html'" in text
        page = (index.parent / f"{it.id}.html").read_text()
        # no external asset: every src is a data: URI, no scripts, no remote links/styles
        assert "<script" not in page and "<link" not in page
        assert all(s.startswith("data:") for s in re.findall(r"src=['\"]([^'\"]+)", page))
        assert not re.search(r"(src|href)=['\"]?(https?:|//)", page)
        assert "url(" not in page
        assert it.data["reason"] in page and "invoice_number" in page
    txt_item = next(it for it in items if it.source_file.endswith(".txt"))
    page = (index.parent / f"{txt_item.id}.html").read_text()
    assert "<mark data-field='invoice_number'" in page and ">INV-2024-0042</mark>" in page
    pdf_item = next(it for it in items if it.source_file.endswith(".pdf"))
    page = (index.parent / f"{pdf_item.id}.html").read_text()
    assert "data:image/png;base64," in page and "class='box" in page
    # an item that leaves the queue loses its page at the next build
    review.accept(out, [pdf_item.id], reviewer="t")
    review_html.build(out)
    assert not (index.parent / f"{pdf_item.id}.html").exists()
    assert json.loads(review_html.summary_json(review.pending(out)))[0]["id"] == txt_item.id


def test_unreadable_documents_get_a_page_without_preview(tmp_path):
    out = tmp_path / "out"
    bad = tmp_path / "in" / "bad.pdf"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    run_batch([bad], load_schema("invoice"), FakeBackend(), out, progress=False)
    items = review.pending(out)
    assert len(items) == 1
    index = review_html.build(out)
    page = (index.parent / f"{items[0].id}.html").read_text()
    assert "No preview" in page and items[0].data["reason"] in page
