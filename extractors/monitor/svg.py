"""Numbers -> small inline SVG charts (hand-written markup: no plotting library, nothing
fetched, the page opens offline): stacked bars per run, lines over runs with an optional band,
and horizontal bars. Every chart is a <figure> holding one <svg> with a <title> per mark, so a
pointer over a bar or a point shows its value."""
from __future__ import annotations

import math
from html import escape

W, H = 640, 220                 # chart size (px)
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 24, 40
PALETTE = ("#2b7bb9", "#e8a33d", "#5aa469", "#8e6cc0", "#d1495b", "#3bb3b3", "#a0785a",
           "#c05fa5", "#7f8c8d", "#b8b02c")
FLAG = "#d62728"                # drift flags


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def nice_top(value: float, ticks: int = 4) -> float:
    """The smallest 1-2-5 step times `ticks` that reaches `value` (axis maximum)."""
    raw = max(value, 1e-9) / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw - 1e-12)
    return step * ticks


def _frame(y_max: float, y_fmt, ticks: int = 4) -> list[str]:
    parts = []
    for i in range(ticks + 1):
        v = y_max * i / ticks
        y = TOP + (H - TOP - BOTTOM) * (1 - i / ticks)
        parts.append(f"<line x1='{LEFT}' x2='{W - RIGHT}' y1='{y:.1f}' y2='{y:.1f}' "
                     "stroke='#ddd'/>")
        parts.append(f"<text x='{LEFT - 4}' y='{y + 4:.1f}' text-anchor='end'>"
                     f"{escape(y_fmt(v))}</text>")
    return parts


def _x_labels(labels: list[str], xs: list[float]) -> list[str]:
    step = max(1, len(labels) // 10)
    return [f"<text x='{x:.1f}' y='{H - BOTTOM + 14}' text-anchor='middle'>{escape(lab)}</text>"
            for i, (lab, x) in enumerate(zip(labels, xs)) if i % step == 0]


def _svg(parts: list[str], caption: str, legend: list[tuple[str, str]], css: str) -> str:
    keys = "".join(f"<span class='key'><i style='background:{c}'></i>{escape(n)}</span>"
                   for n, c in legend)
    return (f"<figure class='{css}'><figcaption><b>{escape(caption)}</b> {keys}</figcaption>"
            f"<svg viewBox='0 0 {W} {H}' width='{W}' height='{H}' role='img' "
            f"aria-label='{escape(caption)}'>{''.join(parts)}</svg></figure>")


def stacked_bars(labels: list[str], series: list[tuple[str, list[float]]], caption: str,
                 flagged: set[int] = frozenset()) -> str:
    """One bar per label, its segments the series (name, value per label) stacked; a red
    mark over the bars whose index is in `flagged`."""
    top = nice_top(max([sum(vals[i] for _, vals in series) for i in range(len(labels))] + [1]))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    parts = _frame(top, lambda v: f"{v:g}")
    for i, x in enumerate(xs):
        y = TOP + plot_h
        for k, (name, vals) in enumerate(series):
            h = plot_h * vals[i] / top
            if h <= 0:
                continue
            y -= h
            parts.append(f"<rect class='bar' x='{x - slot * 0.35:.1f}' y='{y:.1f}' "
                         f"width='{slot * 0.7:.1f}' height='{h:.1f}' fill='{colour(k)}'>"
                         f"<title>{escape(labels[i])}: {escape(name)} {vals[i]:g}</title></rect>")
        if i in flagged:
            parts.append(f"<circle class='flag' cx='{x:.1f}' cy='{TOP / 2:.1f}' r='6' "
                         f"fill='{FLAG}'><title>drift flagged</title></circle>")
    parts += _x_labels(labels, xs)
    return _svg(parts, caption, [(n, colour(k)) for k, (n, _) in enumerate(series)], "bars")


def lines(labels: list[str], series: list[tuple[str, list, set]], caption: str,
          band: tuple[list, list] | None = None, y_max: float = 1.0) -> str:
    """One polyline per series (name, values, indexes flagged; None values leave a gap), y from
    0 to y_max; `band`: a shaded area between two value lists (e.g. confidence q10..q90); red
    rings on a series' flagged points."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = len(labels)
    xs = [LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2) for i in range(n)]

    def y(v):
        return TOP + plot_h * (1 - min(max(v / y_max, 0), 1))
    parts = _frame(y_max, lambda v: f"{v:.2f}")
    if band:
        lo, hi = band
        pts = [(xs[i], hi[i]) for i in range(n) if hi[i] is not None] + \
              [(xs[i], lo[i]) for i in reversed(range(n)) if lo[i] is not None]
        if len(pts) > 2:
            parts.append("<polygon class='band' fill='#999' fill-opacity='0.18' points='" +
                         " ".join(f"{x:.1f},{y(v):.1f}" for x, v in pts) + "'/>")
    for k, (name, vals, flagged) in enumerate(series):
        pts = [(xs[i], v) for i, v in enumerate(vals) if v is not None]
        if len(pts) > 1:
            parts.append(f"<polyline class='line' fill='none' stroke='{colour(k)}' "
                         "stroke-width='2.5' points='" +
                         " ".join(f"{x:.1f},{y(v):.1f}" for x, v in pts) + "'/>")
        for i, v in enumerate(vals):
            if v is None:
                continue
            ring = f" stroke='{FLAG}' stroke-width='3'" if i in flagged else ""
            parts.append(f"<circle class='point' cx='{xs[i]:.1f}' cy='{y(v):.1f}' "
                         f"r='{6 if i in flagged else 3.5}' fill='{colour(k)}'{ring}>"
                         f"<title>{escape(labels[i])}: {escape(name)} {v:.3g}</title></circle>")
    parts += _x_labels(labels, xs)
    return _svg(parts, caption, [(s[0], colour(k)) for k, s in enumerate(series)], "lines")


def hbars(items: list[tuple[str, float]], caption: str) -> str:
    """Horizontal bars, one per (label, value), longest first."""
    items = sorted(items, key=lambda t: -t[1])[:20]
    top = max([v for _, v in items] + [1])
    row, left = 22, 170
    height = TOP + row * max(len(items), 1) + 10
    parts = []
    for i, (label, v) in enumerate(items):
        y = TOP + row * i
        w = (W - left - 50) * v / top
        parts.append(f"<text x='{left - 6}' y='{y + 15}' text-anchor='end'>"
                     f"{escape(label[:28])}</text>")
        parts.append(f"<rect class='bar' x='{left}' y='{y + 3}' width='{w:.1f}' height='16' "
                     f"fill='{colour(0)}'><title>{escape(label)}: {v:g}</title></rect>")
        parts.append(f"<text x='{left + w + 5:.1f}' y='{y + 15}'>{v:g}</text>")
    return (f"<figure class='hbars'><svg viewBox='0 0 {W} {height}' width='{W}' "
            f"height='{height}' role='img' aria-label='{escape(caption)}'>{''.join(parts)}"
            f"</svg><figcaption>{escape(caption)}</figcaption></figure>")
