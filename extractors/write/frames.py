"""Typed frames: rows -> a polars frame whose columns keep every value unchanged (or a
ValueError), and the CSV form of a frame (lists flattened, formula-like text escaped)."""
from __future__ import annotations

from decimal import Decimal

import polars as pl

from extractors.types import FieldSpec

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _dtype(spec: FieldSpec):
    return {"date": pl.Date, "money": pl.Decimal(18, 2), "number": pl.Float64,
            "pattern_list": pl.List(pl.String), "text_list": pl.List(pl.String),
            "count": pl.Int64}.get(spec.kind, pl.String)


def _decimal_scale(values) -> int:
    scale = 2
    for v in values:
        if isinstance(v, Decimal) and v.is_finite():
            scale = max(scale, -v.as_tuple().exponent)
    return min(scale, 18)


def _to_decimal(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return v
    return Decimal(str(v))


def rows_frame(rows: list[dict], specs: list[FieldSpec]) -> pl.DataFrame:
    """Rows -> a typed frame; raises ValueError if a field value would not survive its column
    type unchanged (never a silent null or truncation)."""
    schema = {s.name: _dtype(s) for s in specs}
    money = [s.name for s in specs if s.kind == "money"]
    if money:
        rows = [{**r, **{k: _to_decimal(r[k]) for k in money if k in r}} for r in rows]
    for name in money:
        schema[name] = pl.Decimal(38, _decimal_scale(r.get(name) for r in rows))
    for r in rows:
        for k in r:
            if k not in schema:
                schema[k] = pl.Float64 if k in ("min_confidence", "record_confidence") \
                    else pl.String
    try:
        frame = pl.DataFrame(rows, schema=schema, strict=False)
    except Exception as exc:  # noqa: BLE001 - polars refuses e.g. a decimal over 38 digits
        raise ValueError(f"a value does not fit its column type ({type(exc).__name__})") \
            from None
    _check_lossless(frame, rows, specs)
    return frame


def _check_lossless(frame: pl.DataFrame, rows: list[dict], specs: list[FieldSpec]) -> None:
    typed = {s.name: s.kind for s in specs if s.kind in ("date", "money", "number")}
    for name, dtype in frame.schema.items():
        got = frame[name].to_list()
        for i, (row, v_out) in enumerate(zip(rows, got)):
            v_in = row.get(name)
            if v_in is None:
                continue
            kind = typed.get(name)
            if v_out is None:
                lost = True
            elif kind == "date":
                lost = type(v_in) is not type(v_out) or v_in != v_out
            elif kind == "money":
                lost = _to_decimal(v_in) != v_out
            elif kind == "number" and isinstance(v_in, (int, float, Decimal)):
                lost = (v_in != int(v_out)) if isinstance(v_in, int) else float(v_in) != v_out
            else:
                lost = False
            if lost:
                raise ValueError(f"field {name!r} of row {i} does not fit its column type "
                                 f"{dtype} (value not written)")


def csv_safe(df: pl.DataFrame) -> pl.DataFrame:
    """Flatten lists and escape text cells that a spreadsheet would run as a formula (starting
    with = + - @, a tab or a carriage return, or their full-width forms): prefixed with '."""
    cols = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.cast(pl.List(pl.String)).list.join("; ")
            dtype = pl.String
        if dtype == pl.String:
            risky = pl.lit(False)
            for ch in FORMULA_START:
                risky = risky | col.str.starts_with(ch)
            col = pl.when(risky).then(pl.lit("'") + col).otherwise(col)
        cols.append(col.alias(name))
    return df.select(cols)
