"""Static review pages: OUT/review/index.html (the queue) and OUT/review/<id>.html per item.

Each item page shows the document's pages (rendered with pypdfium2 in a child process,
extractors/review/render.py; embedded as data: URIs, so the pages open offline and can be
copied anywhere: no external asset, no script) with one highlighted box per extracted value,
labelled with the field name, value and confidence, next to a table of the fields with their
evidence and the rejection reasons.

Evidence boxes are pdfplumber coordinates: PDF points, origin at the top-left of the page as
displayed (page rotation applied). pypdfium2 renders the page as displayed too, so a box maps
to the image by one scale factor (checked on rotated and landscape pages). When the page's
crop box is not its media box, the offset between them is applied. Text-file sources are shown
as text with the evidence character spans highlighted.

URL fragments (pure CSS, `:target`): `#boxes-only` hides the labels, `#clean` hides boxes and
labels (to read what is printed underneath).
"""
from __future__ import annotations

import base64
import html
import json
import os
import re
from pathlib import Path

from extractors.review.queue import Item, pending, resolve_source
from extractors.review.render import SCALE, render_pages

ZOOM = 1.5            # display size: CSS pixels per PDF point
PAD_PT = 1.5          # box padding around the printed value, in points
NO_PREVIEW = {"empty_file", "not_a_pdf", "encrypted", "parse_error", "parse_timeout",
              "memory_limit"}
# saturated, and far apart (>= 70 in some channel), so each field's box is told by its colour
PALETTE = ["#e6007e", "#0062ff", "#00b140", "#ff7f00", "#8f00ff", "#00c8d7", "#b8a000",
           "#ff5fd0", "#005a32", "#8b3a00", "#6b8cff", "#d40000"]

CSS = """
body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d1d1f;
background:#f3f3f5}
header{background:#20232a;color:#fff;padding:10px 16px}
header h1{font-size:17px;margin:0 0 4px}
header a{color:#9cf}
.meta{color:#ccd;font-size:13px}
.reason{display:inline-block;background:#d50000;color:#fff;border-radius:3px;padding:0 6px;
font-weight:600}
main{display:flex;gap:16px;padding:12px 16px;align-items:flex-start}
.pages{flex:none}
.side{flex:1;min-width:380px;position:sticky;top:8px}
.page{position:relative;margin:0 0 14px;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.35)}
.page img{display:block;width:100%;height:100%}
.pageno{position:absolute;right:4px;bottom:2px;font-size:11px;color:#888}
.box{position:absolute;box-sizing:border-box;outline:2px solid var(--c);
background:color-mix(in srgb,var(--c) 12%,transparent)}
.box.bad{outline-style:dashed}
.tag{position:absolute;left:-2px;bottom:100%;margin-bottom:2px;white-space:nowrap;font-size:11px;
line-height:14px;padding:0 4px;background:#fff;color:#111;border:1px solid #999;
border-left:4px solid var(--c);border-radius:2px;pointer-events:none;z-index:2}
.box:hover{z-index:3}
.box:hover .tag{border-color:#000}
#clean:target .box,#clean:target .tag{visibility:hidden}
#boxes-only:target .tag{visibility:hidden}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e2e2e6;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#ececf0;font-weight:600}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
td.fname{white-space:nowrap}
.err{color:#c00;font-size:12px}
.fixed{color:#0a7a2f;font-size:12px}
.opts{color:#666;font-size:12px}
.conf-low{color:#c00;font-weight:600}
pre.txt{background:#fff;padding:12px;font:13px/1.35 ui-monospace,Menlo,Consolas,monospace;
white-space:pre;overflow:auto;box-shadow:0 1px 4px rgba(0,0,0,.35)}
pre.txt mark{background:color-mix(in srgb,var(--c) 22%,transparent);outline:2px solid var(--c)}
.note{background:#fff7d6;border:1px solid #e5c100;padding:8px 10px;margin:0 0 12px}
code{background:#eee;padding:1px 4px;border-radius:3px}
.cmds{font-size:12px;color:#444;margin-top:10px}
.idx{padding:12px 16px}
.idx td a{font-family:ui-monospace,Menlo,Consolas,monospace}
"""


def esc(v) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def box_percent(bbox, page: dict, scale: float = SCALE, pad: float = PAD_PT) -> tuple:
    """Evidence bbox (PDF points, top-left origin, as displayed) -> (left, top, width, height)
    in percent of the rendered page image."""
    w_pt, h_pt = page["px"][0] / scale, page["px"][1] / scale
    x0, top, x1, bottom = (float(v) for v in bbox)
    dx = dy = 0.0
    if page.get("rotation", 0) == 0:   # crop box inside the media box: shift to the crop box
        mb, cb = page.get("mediabox"), page.get("cropbox")
        if mb and cb:
            dx = cb[0]
            dy = (mb[3] - mb[1]) - cb[3]
    x0, x1, top, bottom = x0 - dx - pad, x1 - dx + pad, top - dy - pad, bottom - dy + pad
    return (100 * x0 / w_pt, 100 * top / h_pt, 100 * (x1 - x0) / w_pt, 100 * (bottom - top) / h_pt)


# ----------------------------------------------------------------------------------------------
# one item

def _fields(item: Item) -> list[str]:
    d = item.data
    names = list(dict.fromkeys([*(d.get("partial") or {}), *(d.get("confidence") or {}),
                                *(d.get("evidence") or {}), *item.corrections,
                                *(k for k in (d.get("field_errors") or {}) if k != "_record")]))
    return names


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _fmt_conf(c) -> str:
    return f"{c:.2f}" if isinstance(c, (int, float)) else "–"


def _evidence_list(ev) -> list[dict]:
    if isinstance(ev, dict) and "page" in ev and "bbox" in ev:
        return [ev]
    if isinstance(ev, list):
        return [e for e in ev if isinstance(e, dict) and "page" in e and "bbox" in e]
    return []


def item_page(out: Path, item: Item, out_label: str = "OUT") -> str:
    """One item's page: its document with the evidence boxes, next to the table of fields."""
    d = item.data
    names = _fields(item)
    colours = {n: _colour(i) for i, n in enumerate(names)}
    notes: list[str] = []
    doc_html = _document(out, item, names, colours, notes)
    rows = _field_rows(item, names, colours)

    note_html = "".join(f"<div class='note'>{n}</div>" for n in notes)
    cmd_id = esc(item.id)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review {cmd_id}: {esc(Path(item.source_file).name)}</title>
<style>{CSS}</style></head>
<body><div id="clean"><div id="boxes-only">
<header><h1>{esc(Path(item.source_file).name)}</h1>
<div class="meta"><span class="reason">{esc(d.get('reason'))}</span> {esc(d.get('message'))}</div>
<div class="meta">item {cmd_id} · schema {esc(d.get('schema'))} · {esc(item.source_file)} ·
rejected {esc(d.get('rejected_at'))} · <a href="index.html">queue</a> ·
<a href="#clean">hide boxes</a> · <a href="#boxes-only">hide labels</a> · <a href="#">show all</a></div>
</header>
<main><div class="pages">{note_html}{doc_html}</div>
<div class="side"><table><tr><th>field</th><th>value</th><th>conf.</th><th>printed at</th></tr>
{''.join(rows)}</table>
<div class="cmds">Fix: <code>extract review fix {esc(out_label)} {cmd_id} field=value …</code><br>
Accept: <code>extract review accept {esc(out_label)} {cmd_id}</code> ·
Discard: <code>extract review discard {esc(out_label)} {cmd_id} --reason "…"</code></div>
</div></main></div></div></body></html>
"""


def _document(out: Path, item: Item, names: list[str], colours: dict, notes: list[str]) -> str:
    """The item's document as HTML: its pages with a box on each value's evidence (a text
    file: its text with the evidence marked), or "" when there is no preview; why not, and a
    source file changed since the extraction, go to notes."""
    d = item.data
    errors = d.get("field_errors") or {}
    evidence = d.get("evidence") or {}
    confidence = d.get("confidence") or {}
    values = item.values
    src = resolve_source(out, item.source_file)
    doc_html = ""
    if d.get("reason") in NO_PREVIEW:
        notes.append(f"No preview: the document could not be read ({esc(d.get('reason'))}).")
    elif src is None:
        notes.append(f"No preview: source file {esc(item.source_file)} was not found "
                     "(run `extract review html` from the folder the extraction ran in).")
    else:
        from extractors.read.document import file_sha256
        try:
            if d.get("doc_sha256") and file_sha256(src) != d["doc_sha256"]:
                notes.append("The source file has changed since it was extracted: the boxes "
                             "may not sit on the values.")
        except OSError:
            pass
        if src.suffix.lower() == ".txt":
            doc_html = _text_doc(src, names, colours, evidence, values, confidence)
        else:
            try:
                pages = render_pages(src)
                doc_html = _pdf_doc(pages, names, colours, evidence, values, confidence,
                                    errors, item)
            except RuntimeError as exc:
                notes.append(f"No preview: the PDF could not be rendered ({esc(exc)}).")
    return doc_html


def _field_rows(item: Item, names: list[str], colours: dict) -> list[str]:
    """The rows of the fields' table: value (with the reviewer's correction, the errors and
    the options the model was offered), confidence, where it is printed; the record's errors."""
    d = item.data
    errors = d.get("field_errors") or {}
    evidence = d.get("evidence") or {}
    confidence = d.get("confidence") or {}
    raw = d.get("raw_output") or {}
    values = item.values
    rows = []
    for n in names:
        c = colours[n]
        v = values.get(n)
        shown = ", ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v))
        conf = confidence.get(n)
        low = isinstance(conf, (int, float)) and conf < 0.5
        evs = _evidence_list(evidence.get(n))
        where = "; ".join(f"<a href='#page-{int(e['page'])}'>p{int(e['page'])}</a>: "
                          f"“{esc(e.get('text'))}”" for e in evs[:3]) or "–"
        extra = ""
        if n in item.corrections and item.original.get(n) != item.corrections[n]:
            extra += (f"<div class='fixed'>set by reviewer (extracted: "
                      f"{esc(item.original.get(n))})</div>")
        for m in errors.get(n, []):
            extra += f"<div class='err'>⚠ {esc(m)}</div>"
        opts = raw.get(n, {}).get("options") if isinstance(raw.get(n), dict) else None
        if opts and n in errors:
            extra += f"<div class='opts'>options offered: {esc(' | '.join(map(str, opts[:5])))}</div>"
        rows.append(f"<tr id='f-{esc(n)}'><td class='fname'><span class='sw' style='background:{c}'></span>"
                    f"{esc(n)}</td><td>{esc(shown) or '<i>none</i>'}{extra}</td>"
                    f"<td class='{'conf-low' if low else ''}'>{_fmt_conf(conf)}</td>"
                    f"<td>{where}</td></tr>")
    for m in errors.get("_record", []):
        rows.append(f"<tr><td>record</td><td colspan=3 class='err'>⚠ {esc(m)}</td></tr>")
    return rows


def _tag(n, v, conf, bad: bool) -> str:
    shown = ", ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else str(v))
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return (f"<span class='tag'>{'⚠ ' if bad else ''}<b>{esc(n)}</b> {esc(shown)} · "
            f"{_fmt_conf(conf)}</span>")


def _pdf_doc(pages, names, colours, evidence, values, confidence, errors, item) -> str:
    boxes: dict[int, list[str]] = {}
    for n in names:
        for e in _evidence_list(evidence.get(n)):
            pi = int(e["page"])
            if not 1 <= pi <= len(pages):
                continue
            left, top, width, height = box_percent(e["bbox"], pages[pi - 1])
            shown = values.get(n) if n not in item.corrections else item.original.get(n)
            if isinstance(evidence.get(n), list):
                shown = e.get("text")
            bad = n in errors
            title = f"{n}: {e.get('text')} (confidence {_fmt_conf(confidence.get(n))})"
            boxes.setdefault(pi, []).append(
                f"<div class='box{' bad' if bad else ''}' data-field='{esc(n)}' "
                f"title='{esc(title)}' style='--c:{colours[n]};left:{left:.3f}%;top:{top:.3f}%;"
                f"width:{width:.3f}%;height:{height:.3f}%'>"
                f"{_tag(n, shown, confidence.get(n), bad)}</div>")
    parts = []
    for i, p in enumerate(pages, start=1):
        w_css = p["px"][0] / SCALE * ZOOM
        h_css = p["px"][1] / SCALE * ZOOM
        data = base64.b64encode(p["png"]).decode("ascii")
        parts.append(f"<div class='page' id='page-{i}' style='width:{w_css:.1f}px;"
                     f"height:{h_css:.1f}px'><img alt='page {i}' src='data:image/png;base64,"
                     f"{data}'>{''.join(boxes.get(i, []))}<span class='pageno'>page {i}</span>"
                     f"</div>")
    return "".join(parts)


def _text_doc(src: Path, names, colours, evidence, values, confidence) -> str:
    raw = src.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    parts = []
    for pi, page in enumerate(text.split("\f"), start=1):
        spans = []
        for n in names:
            for e in _evidence_list(evidence.get(n)):
                if int(e["page"]) == pi and "start" in e:
                    spans.append((int(e["start"]), int(e["end"]), n, e))
        spans.sort()
        out, pos = [], 0
        for s, e_, n, ev in spans:
            if s < pos:
                continue
            out.append(esc(page[pos:s]))
            out.append(f"<mark data-field='{esc(n)}' style='--c:{colours[n]}' "
                       f"title='{esc(n)}: {esc(ev.get('text'))} (confidence "
                       f"{_fmt_conf(confidence.get(n))})'>{esc(page[s:e_])}</mark>")
            pos = e_
        out.append(esc(page[pos:]))
        parts.append(f"<pre class='txt'>{''.join(out)}</pre>")
    return "".join(parts)


# ----------------------------------------------------------------------------------------------
# the queue

def index_page(items: list[Item], out_label: str) -> str:
    rows = []
    for it in items:
        fields = ", ".join(it.fields_at_fault) or "–"
        fixed = ", ".join(it.corrections) or ""
        rows.append(f"<tr><td><a href='{esc(it.id)}.html'>{esc(it.id)}</a></td>"
                    f"<td>{esc(Path(it.source_file).name)}</td><td>{esc(', '.join(it.reasons))}</td>"
                    f"<td>{esc(fields)}</td><td>{esc(it.data.get('message'))}</td>"
                    f"<td>{esc(fixed)}</td></tr>")
    body = "".join(rows) or "<tr><td colspan=6>The queue is empty.</td></tr>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Review queue: {esc(out_label)}</title>
<style>{CSS}</style></head><body>
<header><h1>Review queue</h1><div class="meta">{len(items)} pending in {esc(out_label)}</div></header>
<div class="idx"><table><tr><th>id</th><th>file</th><th>reason</th><th>fields at fault</th>
<th>message</th><th>fixed</th></tr>{body}</table>
<div class="cmds">Open an item, then: <code>extract review fix {esc(out_label)} ID field=value …</code>,
<code>extract review accept {esc(out_label)} ID</code> or
<code>extract review discard {esc(out_label)} ID --reason "…"</code></div></div>
</body></html>
"""


def build(out: Path, dest: Path | None = None, items: list[Item] | None = None) -> Path:
    """Write the queue's pages; returns the index file. The pages hold the documents' text and
    images: they get OUT's access (owner only, 0600 / 0700; 0640 / 0750 for an OUT written with
    --shared-output) whatever the umask and wherever `dest` is."""
    from extractors.errors import ReviewError
    from extractors.review.queue import make_dirs, out_file_mode
    from extractors.write.files import atomic_write, dir_mode
    out = Path(out)
    default = dest is None
    dest = out / "review" if default else Path(dest)
    if (dest.exists() or dest.is_symlink()) and not dest.is_dir():
        raise ReviewError(f"not a folder: {dest} (--dest is the folder the review pages go to)")
    mode = out_file_mode(out)
    make_dirs(dest, mode)
    if default:   # OUT/review is the tool's own: it follows OUT even if an older run made it
        os.chmod(dest, dir_mode(mode))
    items = pending(out) if items is None else items
    label = str(out)

    def put(path: Path, text: str):
        atomic_write(path, lambda p: Path(p).write_text(text, encoding="utf-8"), mode=mode)
    for it in items:
        put(dest / f"{it.id}.html", item_page(out, it, label))
    index = dest / "index.html"
    put(index, index_page(items, label))
    # pages of items that left the queue (only pages this command wrote: --dest may be a
    # folder with other files in it)
    keep = {f"{it.id}.html" for it in items} | {"index.html"}
    for f in dest.glob("*.html"):
        if f.name not in keep and _PAGE_NAME.fullmatch(f.stem) and _is_item_page(f):
            f.unlink()
    return index


_PAGE_NAME = re.compile(r"(?:unreadable-)?[0-9a-f]{16}", re.ASCII)


def _is_item_page(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            head = f.read(4096)
    except OSError:
        return False
    return f"<title>Review {path.stem}:" in head


def summary_json(items: list[Item]) -> str:
    return json.dumps([it.summary() for it in items], indent=2, default=str)
