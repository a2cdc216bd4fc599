"""Throughput of this tool against the plain outlines pipeline, on the same documents and model.

    python -m bench.throughput DIR --schema S [--gold LABELS] [--limit N] [--model PATH.gguf]
                               [--scale N] [--skip-plain] [--json FILE]

Every measured pipeline runs in its own child process (so peak RSS is per pipeline), one after
the other (so they do not compete for the cores), all from this one parent:

  tool    this tool as `extract run DIR --schema S --out TMP` runs it (the CLI entry point,
          in-process in the child); per-document time = interval between documents finishing
  plain   the plain outlines pipeline as its docs show it: pdfplumber text ->
          outlines.Generator(outlines.from_llamacpp(llm), Schema) built once -> one generate call
          per document, with the schema's pydantic model (strings bounded; money copied as a
          bounded string; dates as dates; max_tokens capped)
  scale   (--scale N) this tool on the first 100 and on all N synthetic documents generated with
          samples.generate: time per document and peak RSS must stay flat

For each: docs/minute, median and p95 seconds per document, peak RSS, field accuracy where labels
exist. For the tool also: the model floor for its own prompts (prompt tokens / prefill rate +
generated tokens / decode rate, both rates measured on this machine inside the same child, with
the same model file, the faster thread setting) and the ratio achieved / floor, also apart for
the documents with no OCR'd page and those with one or more (each document's time is the
interval since the previous one finished, its floor its own tokens); PDF-to-text pages per
second of its read stage.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--code" in sys.argv[:-1]:   # measure another checkout's code with this bench (children)
    ROOT = Path(sys.argv[sys.argv.index("--code") + 1]).resolve()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLAIN_MAX_TOKENS = 400
PLAIN_TEXT_CHARS = 9000     # keeps prompt + answer inside the 4096-token context


# ------------------------------------------------------------------------------- helpers

def _peak_rss_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(own, 1), "peak_rss_children_mb": round(kids, 1)}


def _pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))
    return xs[k]


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _stats(times: list[float], wall: float, n: int, cpu: float | None = None) -> dict:
    return {"docs": n, "wall_s": round(wall, 2),
            "cpu_s_per_doc": round(cpu / n, 3) if cpu is not None and n else None,
            "docs_per_min": round(60 * n / wall, 2) if wall else None,
            "median_s": round(statistics.median(times), 3) if times else None,
            "p95_s": round(_pct(times, 0.95), 3) if times else None,
            "max_s": round(max(times), 3) if times else None}


def _files(root: Path, gold: list[dict] | None, limit: int | None) -> list[Path]:
    from extractors.run import collect_inputs
    if gold is not None:
        files = [root / g["file"] for g in gold if (root / g["file"]).exists()]
    else:
        files = [f for f in collect_inputs([str(root)]) if f.suffix.lower() == ".pdf"]
    return files[:limit] if limit else files


def _gold(path: str | None, limit: int | None) -> list[dict] | None:
    if not path:
        return None
    from extractors.eval.score import load_gold
    g = load_gold(Path(path))
    return g[:limit] if limit else g


def _accuracy(specs, gold: list[dict], values_by_file: dict[str, dict]) -> dict:
    """Field accuracy over the gold documents; a document without values counts as wrong."""
    from extractors.eval.score import same
    scored = [s for s in specs if any(s.name in g for g in gold)]
    right = {s.name: 0 for s in scored}
    for g in gold:
        vals = values_by_file.get(g["file"], {})
        for s in scored:
            right[s.name] += bool(same(s, g.get(s.name), vals.get(s.name)))
    n = len(gold) or 1
    per = {k: round(v / n, 3) for k, v in right.items()}
    total = sum(right.values()) / (n * len(scored)) if scored else None
    return {"field_accuracy": round(total, 3) if total is not None else None, "per_field": per}


# ------------------------------------------------------------------------- rates (floor)

def measure_rates(llm, threads: list[int], restore: int, prompt_tokens: int = 512,
                  decode_tokens: int = 16, reps: int = 2) -> dict:
    """llama.cpp's own speed on this machine now: prompt tokens/s and generated tokens/s, the
    best over thread settings and repetitions (the strictest floor)."""
    import llama_cpp
    text = ("Invoice No: INV-2024-0042   Invoice Date: 14.03.2024   Total: 357,00 EUR\n"
            "Flight dates 01/28/20 - 02/03/20   Advertiser: Committee to Elect   Gross $40.00\n") * 40
    toks = llm.tokenize(text.encode(), add_bos=True)[:prompt_tokens]
    best = {"prefill_tok_s": 0.0, "decode_tok_s": 0.0}
    per = {}
    for th in threads:
        llama_cpp.llama_set_n_threads(llm._ctx.ctx, th, th)
        pre, dec = [], []
        for _ in range(reps):
            llm.n_tokens = 0
            t = time.perf_counter()
            llm.eval(toks)
            pre.append(len(toks) / (time.perf_counter() - t))
            t = time.perf_counter()
            for tok in toks[:decode_tokens]:
                llm.eval([tok])
            dec.append(decode_tokens / (time.perf_counter() - t))
        per[th] = {"prefill_tok_s": round(max(pre), 1), "decode_tok_s": round(max(dec), 1)}
        best["prefill_tok_s"] = max(best["prefill_tok_s"], max(pre))
        best["decode_tok_s"] = max(best["decode_tok_s"], max(dec))
    llm.n_tokens = 0
    llama_cpp.llama_set_n_threads(llm._ctx.ctx, restore, restore)
    return {"prefill_tok_s": round(best["prefill_tok_s"], 1),
            "decode_tok_s": round(best["decode_tok_s"], 1), "by_threads": per}


def _thread_settings(backend) -> list[int]:
    return sorted(set(getattr(getattr(backend, "tuner", None), "settings", None) or [1]))


# ------------------------------------------------------------------------------ children

def child_tool(a) -> dict:
    """This tool as `extract run` runs it, with timing hooks around (not inside) its stages."""
    import extractors.decide.backends as model_mod
    import extractors.run.batch as pipeline
    from cli import main
    from extractors.fieldspecs import field_specs
    from schemas import load_schema

    gold = _gold(a.gold, a.limit)
    files = _files(Path(a.root), gold, a.limit)
    holder: dict = {}
    done_at: list[float] = []
    reads: list[tuple[float, int]] = []

    real_load = model_mod.load_backend

    def load_backend(*args, **kw):
        t = time.perf_counter()
        b = real_load(*args, **kw)
        holder["load_s"] = time.perf_counter() - t
        holder["backend"] = b
        holder["rates_before"] = measure_rates(b.llm, _thread_settings(b), b._threads)
        return b
    model_mod.load_backend = load_backend

    real_read = pipeline.read_document

    def read_document(*args, **kw):
        t = time.perf_counter()
        doc = real_read(*args, **kw)
        reads.append((time.perf_counter() - t, len(doc.pages)))
        return doc
    pipeline.read_document = read_document

    # the main loop's stages, timed where they are called (works on older code too: a stage
    # the pipeline does not have is left out); nested stages are reported apart from their callers
    stages: dict[str, float] = {}

    def timed(name: str, key: str):
        real = getattr(pipeline, name, None)
        if real is None:
            return

        def wrapper(*args, **kw):
            t = time.perf_counter()
            try:
                return real(*args, **kw)
            finally:
                stages[key] = stages.get(key, 0.0) + time.perf_counter() - t
        setattr(pipeline, name, wrapper)
    for name, key in (("safe_sha", "hash"), ("_items_hook", "items"),
                      ("find_candidates", "candidates"), ("rank", "rank"),
                      ("choose_field", "choose"), ("_accept_extraction", "validate"),
                      ("reject_document", "reject"), ("_flush", "flush"),
                      ("compact_records", "compact")):
        timed(name, key)

    real_accept = pipeline._accept

    def accept(*args, **kw):    # how long the main loop waits for a document being read
        got = kw.get("doc_reader")
        if got is not None:
            def waited():
                t = time.perf_counter()
                try:
                    return got()
                finally:
                    stages["wait for read"] = stages.get("wait for read", 0.0) + \
                        time.perf_counter() - t
            kw["doc_reader"] = waited
        return real_accept(*args, **kw)
    pipeline._accept = accept

    real_extract = pipeline.Extractor.extract
    per_doc: list[dict] = []     # per extracted document: OCR'd pages and its model tokens

    def counters() -> tuple:
        b = holder.get("backend")
        return tuple(getattr(b, k, 0) or 0 for k in
                     ("prompt_tokens", "evaluated_tokens", "generated_tokens")) if b else (0, 0, 0)

    def extract(self, doc):
        before = counters()
        try:
            return real_extract(self, doc)
        finally:
            done_at.append(time.perf_counter())
            after = counters()
            per_doc.append({"ocr_pages": sum(bool(getattr(p, "ocr", False)) for p in doc.pages),
                            "pages": len(doc.pages),
                            "tokens": [y - x for x, y in zip(before, after)]})
    pipeline.Extractor.extract = extract

    real_run = pipeline.run_batch

    def run_batch(*args, **kw):
        holder["t0"], holder["c0"] = time.perf_counter(), _cpu_seconds()
        holder["r0"] = resource.getrusage(resource.RUSAGE_SELF)
        holder["k0"] = resource.getrusage(resource.RUSAGE_CHILDREN)
        s = real_run(*args, **kw)
        try:    # the long-lived OCR process: ended and waited for, so its CPU time counts
            from extractors.read.ocr_worker import shutdown
            shutdown()
        except ImportError:
            pass
        holder["t1"], holder["c1"] = time.perf_counter(), _cpu_seconds()
        holder["r1"] = resource.getrusage(resource.RUSAGE_SELF)
        holder["k1"] = resource.getrusage(resource.RUSAGE_CHILDREN)
        return s
    pipeline.run_batch = run_batch

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for f in files:      # exactly these documents (a --limit on the CLI would re-sort)
            (inputs / f.name).symlink_to(f.resolve())
        out = Path(tmp) / "out"
        args = ["run", str(inputs), "--schema", a.schema, "--out", str(out), "--quiet"]
        if a.model:
            args += ["--model", a.model]
        try:
            main(args, standalone_mode=False)
        except SystemExit as e:
            if e.code:
                raise
        values = {}
        pq = out / "records.parquet"
        if pq.exists():
            import polars as pl
            specs_names = [s.name for s in field_specs(load_schema(a.schema).model)]
            for row in pl.read_parquet(pq).iter_rows(named=True):
                values[Path(row["source_file"]).name] = {k: row.get(k) for k in specs_names}
        rejected = len(list((out / "rejected").glob("*.json"))) if (out / "rejected").exists() \
            else 0

    b = holder["backend"]
    rates_after = measure_rates(b.llm, _thread_settings(b), b._threads)
    rb = holder["rates_before"]
    rates = {"prefill_tok_s": max(rb["prefill_tok_s"], rates_after["prefill_tok_s"]),
             "decode_tok_s": max(rb["decode_tok_s"], rates_after["decode_tok_s"]),
             "before": rb, "after": rates_after}
    wall = holder["t1"] - holder["t0"]
    marks = [holder["t0"]] + done_at
    times = [b2 - a2 for a2, b2 in zip(marks, marks[1:])]
    n = len(files)
    res = {"pipeline": "tool", **_stats(times, wall, n, holder["c1"] - holder["c0"]),
           "rejected": rejected,
           "model_load_s": round(holder["load_s"], 2), **_peak_rss_mb()}
    gen = getattr(b, "generated_tokens", 0)
    prompt = b.prompt_tokens
    evaluated = getattr(b, "evaluated_tokens", prompt)
    floor_eval = (evaluated / rates["prefill_tok_s"] + gen / rates["decode_tok_s"]) / n
    floor_prompt = (prompt / rates["prefill_tok_s"] + gen / rates["decode_tok_s"]) / n
    achieved = wall / n
    res["model"] = {
        "calls": b.calls, "prompt_tokens_per_doc": round(prompt / n, 1),
        "evaluated_tokens_per_doc": round(evaluated / n, 1),
        "generated_tokens_per_doc": round(gen / n, 2),
        "model_eval_s_per_doc": round(getattr(b, "eval_seconds", 0.0) / n, 3),
        "grammar_builds": getattr(getattr(b, "grammars", None), "builds", None),
        "thread_rates_s_per_token": getattr(getattr(b, "tuner", None), "rate", None),
        "thread_settings_used": getattr(getattr(b, "tuner", None), "used", None),
        "rates": rates,
        "floor_s_per_doc": round(floor_eval, 4),
        "floor_all_prompt_tokens_s_per_doc": round(floor_prompt, 4),
        "achieved_s_per_doc": round(achieved, 3),
        "achieved_over_floor": round(achieved / floor_eval, 2) if floor_eval else None,
        "achieved_over_floor_all_prompt_tokens": round(achieved / floor_prompt, 2)
        if floor_prompt else None,
    }
    res["by_kind"] = _split_by_ocr(times, per_doc, rates)
    rt = sum(t for t, _ in reads)
    pages = sum(p for _, p in reads)
    res["read"] = {"pages": pages, "seconds": round(rt, 2),
                   "pages_per_s": round(pages / rt, 2) if rt else None,
                   "median_s_per_doc": round(statistics.median([t for t, _ in reads]), 3)
                   if reads else None}
    def cpu(r0, r1):
        return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    res["read"]["wall_s_per_doc"] = round(rt / n, 3)   # in reader threads, overlapping the model
    res["read"]["children_cpu_s_per_doc"] = round(cpu(holder["k0"], holder["k1"]) / n, 3)
    res["main_cpu_s_per_doc"] = round(cpu(holder["r0"], holder["r1"]) / n, 3)
    eval_s = getattr(b, "eval_seconds", 0.0)
    main = {k: v / n for k, v in stages.items()}
    if "choose" in main:        # llama.cpp's eval inside it, apart from the rest of the call
        main["choose"] -= eval_s / n
    main = {"model eval": eval_s / n, **main}
    main["rest of the loop"] = wall / n - sum(main.values())
    res["main_loop_s_per_doc"] = {k: round(v, 4) for k, v in main.items()}
    res["rest_s_per_doc"] = round(main["rest of the loop"], 3)
    if gold is not None:
        specs = field_specs(load_schema(a.schema).model)
        res.update(_accuracy(specs, gold, values))
    return res


def _split_by_ocr(times: list[float], per_doc: list[dict], rates: dict) -> dict:
    """Achieved/floor apart for documents with no OCR'd page and documents with one or more:
    each document's time is the interval since the previous one finished (reading ahead
    overlaps, so a slow read shows up on the document that waits for it), its floor is its own
    evaluated prompt tokens / prefill rate + generated tokens / decode rate."""
    out = {}
    pre, dec = rates["prefill_tok_s"], rates["decode_tok_s"]
    for kind, want in (("born_digital", False), ("ocr", True)):
        rows = [(t, d) for t, d in zip(times, per_doc) if bool(d["ocr_pages"]) == want]
        if not rows:
            continue
        achieved = sum(t for t, _ in rows) / len(rows)
        floor = sum(d["tokens"][1] / pre + d["tokens"][2] / dec for _, d in rows) / len(rows)
        out[kind] = {"docs": len(rows), "pages": sum(d["pages"] for _, d in rows),
                     "ocr_pages": sum(d["ocr_pages"] for _, d in rows),
                     "achieved_s_per_doc": round(achieved, 3),
                     "median_s": round(statistics.median(t for t, _ in rows), 3),
                     "floor_s_per_doc": round(floor, 4),
                     "achieved_over_floor": round(achieved / floor, 2) if floor else None}
    return out


def plain_schema(model):
    """The user's pydantic model as the plain pipeline would pass it to outlines, with every
    string bounded so generation terminates: text and ids keep (or get) a max_length, money is
    copied as a bounded string, dates stay dates, lists are left out."""
    import datetime as dt
    import typing
    from decimal import Decimal

    from pydantic import ConfigDict, Field, create_model

    from extractors.fieldspecs import _unwrap
    fields = {}
    for name, info in model.model_fields.items():
        inner, _ = _unwrap(info.annotation)
        if typing.get_origin(inner) in (list, tuple, set):
            continue
        desc = info.description or ""
        if inner in (dt.date, dt.datetime):
            fields[name] = (dt.date, Field(description=desc))
        elif inner is bool:
            fields[name] = (bool, Field(description=desc))
        elif inner in (Decimal, int, float):
            fields[name] = (str, Field(max_length=24, description=desc))
        elif typing.get_origin(inner) is typing.Literal:
            fields[name] = (inner, Field(description=desc))
        else:
            ml = next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), 80)
            fields[name] = (str, Field(max_length=min(ml, 80), description=desc))
    return create_model(model.__name__, __config__=ConfigDict(extra="forbid"),
                        __doc__=model.__doc__, **fields)


def _coerce(specs, raw: dict) -> dict:
    """The plain pipeline's JSON -> typed values (money strings parsed like any user would)."""
    from decimal import Decimal, InvalidOperation

    from price_parser import Price
    out = {}
    for s in specs:
        v = raw.get(s.name)
        if v is None:
            continue
        if s.kind == "money":
            p = Price.fromstring(str(v)).amount
            try:
                out[s.name] = Decimal(p) if p is not None else None
            except InvalidOperation:
                out[s.name] = None
        elif s.kind == "date":
            import datetime as dt
            try:
                out[s.name] = dt.date.fromisoformat(str(v))
            except ValueError:
                out[s.name] = None
        else:
            out[s.name] = v
    return out


def child_plain(a) -> dict:
    import logging

    import outlines
    import pdfplumber
    from llama_cpp import Llama

    from extractors.fieldspecs import field_specs
    from extractors.decide.backends import resolve_model
    from schemas import load_schema
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    gold = _gold(a.gold, a.limit)
    files = _files(Path(a.root), gold, a.limit)
    schema = load_schema(a.schema)
    Schema = plain_schema(schema.model)
    specs = field_specs(schema.model)
    path, _ = resolve_model(a.model)
    t = time.perf_counter()
    llm = Llama(model_path=str(path), n_ctx=4096, verbose=False)
    model = outlines.from_llamacpp(llm)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    generator = outlines.Generator(model, Schema)        # built once
    build_s = time.perf_counter() - t
    times, values, read_s, pages, failures = [], {}, 0.0, 0, 0
    t0, c0 = time.perf_counter(), _cpu_seconds()
    for f in files:
        t = time.perf_counter()
        try:
            with pdfplumber.open(f) as pdf:
                page_texts = [p.extract_text() or "" for p in pdf.pages]
        except Exception:  # noqa: BLE001
            page_texts = []
        pages += len(page_texts)
        read_s += time.perf_counter() - t
        text = "\n".join(page_texts)[:PLAIN_TEXT_CHARS]
        prompt = (f"Extract the fields of this document ({Schema.__doc__ or Schema.__name__}) as "
                  f"JSON.\n\nDocument:\n{text}")
        try:
            out = generator(prompt, max_tokens=PLAIN_MAX_TOKENS)
            raw = json.loads(out)
        except Exception:  # noqa: BLE001 - cut off at max_tokens or invalid: counts as wrong
            raw, failures = {}, failures + 1
        values[f.name] = _coerce(specs, raw)
        times.append(time.perf_counter() - t)
    wall, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    res = {"pipeline": "plain", **_stats(times, wall, len(files), cpu), "failures": failures,
           "model_load_s": round(load_s, 2), "generator_build_s": round(build_s, 2),
           **_peak_rss_mb(),
           "read": {"pages": pages, "seconds": round(read_s, 2),
                    "pages_per_s": round(pages / read_s, 2) if read_s else None}}
    if gold is not None:
        res.update(_accuracy(specs, gold, values))
    return res


# -------------------------------------------------------------------------------- parent

def _run_child(role: str, a, **over) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = Path(fh.name)
    argv = [sys.executable, str(Path(__file__).resolve()), "--role", role, "--result",
            str(result), over.get("root", str(a.root)), "--schema", over.get("schema", a.schema)]
    for k in ("gold", "limit", "model", "code"):
        v = over.get(k, getattr(a, k))
        if v is not None:
            argv += [f"--{k}", str(v)]
    t = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        tail = "\n".join(p.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"{role} child failed (exit {p.returncode}):\n{tail}")
    res = json.loads(result.read_text())
    result.unlink()
    res["process_s"] = round(time.perf_counter() - t, 1)
    return res


def _machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, load average "
            f"{' '.join(f'{x:.1f}' for x in load)} at start")


def _scale(a) -> list[dict]:
    from samples.generate import generate
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        generate(Path(tmp), a.scale_schema, a.scale, seed=11)
        gen_s = time.perf_counter() - t
        folder = Path(tmp) / a.scale_schema
        gold = str(folder / "labels.jsonl")
        for n in sorted({min(100, a.scale), a.scale}):
            r = _run_child("tool", a, root=str(folder), schema=a.scale_schema, gold=gold, limit=n)
            r["generate_s"] = round(gen_s, 1)
            out.append(r)
    return out


def _line(r: dict) -> str:
    acc = r.get("field_accuracy")
    return (f"{r['pipeline']:<6} docs {r['docs']:>5}  docs/min {r['docs_per_min']:>7.1f}  "
            f"median {r['median_s']:.3f} s  p95 {r['p95_s']:.3f} s  max {r['max_s']:.2f} s  "
            f"peak RSS {r['peak_rss_mb']:.0f} MB (parse children {r['peak_rss_children_mb']:.0f})"
            f"  CPU {r.get('cpu_s_per_doc')} s/doc"
            f"  accuracy {acc if acc is not None else '-'}")


def _ratio(a, b) -> str:
    return f"{a / b:.2f}x" if a and b else "-"


def report(results: dict) -> str:
    lines = [f"machine: {results['machine']}", f"documents: {results['root']} "
             f"(schema {results['schema']}, limit {results['limit']})"]
    tool, plain, again = results.get("tool"), results.get("plain"), results.get("tool_again")
    for r in (tool, plain, again):
        if r:
            lines.append(_line(r))
    if tool and plain and plain["docs_per_min"]:
        ups = [t["docs_per_min"] / plain["docs_per_min"] for t in (tool, again) if t]
        lines.append(f"speed-up tool/plain (tool run before and after plain): "
                     f"{' and '.join(f'{u:.2f}x' for u in ups)} docs/min; median s/doc plain/tool "
                     f"{plain['median_s'] / tool['median_s']:.2f}x; CPU s/doc plain/tool "
                     f"{_ratio(plain.get('cpu_s_per_doc'), tool.get('cpu_s_per_doc'))}; accuracy "
                     f"{tool.get('field_accuracy')} vs {plain.get('field_accuracy')}")
    if tool:
        m, rd = tool["model"], tool["read"]
        rt = m["rates"]
        lines.append(f"model rates now (best thread setting): prefill {rt['prefill_tok_s']:.0f} "
                     f"tok/s, decode {rt['decode_tok_s']:.1f} tok/s")
        lines.append(f"tool prompts/doc: {m['prompt_tokens_per_doc']:.0f} prompt tokens, "
                     f"{m['evaluated_tokens_per_doc']:.0f} evaluated after KV prefix reuse, "
                     f"{m['generated_tokens_per_doc']:.1f} generated; {m['calls']} model calls")
        lines.append(f"model floor: {m['floor_s_per_doc']:.3f} s/doc (evaluated tokens; "
                     f"{m['floor_all_prompt_tokens_s_per_doc']:.3f} counting every prompt token)"
                     f"; achieved {m['achieved_s_per_doc']:.3f} s/doc = "
                     f"{m['achieved_over_floor']}x floor "
                     f"({m['achieved_over_floor_all_prompt_tokens']}x)")
        for kind, k in tool.get("by_kind", {}).items():
            lines.append(f"  {'born-digital' if kind == 'born_digital' else 'with OCR pages'}: "
                         f"{k['docs']} docs ({k['pages']} pages, {k['ocr_pages']} OCR'd): "
                         f"achieved {k['achieved_s_per_doc']:.3f} s/doc (median "
                         f"{k['median_s']:.3f}), floor {k['floor_s_per_doc']:.3f} s/doc = "
                         f"{k['achieved_over_floor']}x floor")
        if "main_loop_s_per_doc" in tool:
            ml = tool["main_loop_s_per_doc"]
            lines.append("main loop, s/doc (these add up to achieved): " + ", ".join(
                f"{k} {v:.3f}" for k, v in ml.items()))
            lines.append(f"reading, in reader threads overlapping the loop: wall "
                         f"{rd['wall_s_per_doc']:.3f} s/doc, parse children CPU "
                         f"{rd['children_cpu_s_per_doc']:.3f} s/doc; main process CPU "
                         f"{tool['main_cpu_s_per_doc']:.3f} s/doc (model threads included)")
        else:   # an older --json
            lines.append(f"where the tool's time goes per doc: read "
                         f"{rd['seconds'] / tool['docs']:.3f} s, model "
                         f"{m['model_eval_s_per_doc']:.3f} s, rest {tool['rest_s_per_doc']:.3f} s")
        lines.append(f"PDF-to-text (tool read stage, isolated child per PDF): "
                     f"{rd['pages_per_s']} pages/s over {rd['pages']} pages")
    if plain:
        lines.append(f"PDF-to-text (plain: pdfplumber extract_text): {plain['read']['pages_per_s']}"
                     f" pages/s; plain generator build {plain['generator_build_s']} s once, "
                     f"{plain['failures']} documents with invalid/cut-off JSON")
    for r in results.get("scale", []):
        lines.append("scale  " + _line(r)[7:] + f"  (generating {r['generate_s']} s)")
    sc = results.get("scale", [])
    if len(sc) == 2 and sc[0]["median_s"]:
        lines.append(f"scale: median s/doc {sc[1]['docs']} vs {sc[0]['docs']} docs = "
                     f"{sc[1]['median_s'] / sc[0]['median_s']:.2f}x, docs/min "
                     f"{sc[1]['docs_per_min'] / sc[0]['docs_per_min']:.2f}x, peak RSS "
                     f"{sc[1]['peak_rss_mb'] / sc[0]['peak_rss_mb']:.2f}x, CPU s/doc "
                     f"{_ratio(sc[1].get('cpu_s_per_doc'), sc[0].get('cpu_s_per_doc'))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, nargs="?", default=ROOT / "samples" / "utility_bill",
                    help="folder of documents (default samples/utility_bill)")
    ap.add_argument("--schema", default="utility_bill")
    ap.add_argument("--gold", help="labels (.csv/.jsonl); default DIR/labels.csv|.jsonl if any")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--model", help="GGUF file (default: the embedded model)")
    ap.add_argument("--code", type=Path,
                    help="run the tool from this checkout of the repository (e.g. an older "
                         "commit: `git worktree add` or `git archive`), timed by this bench")
    ap.add_argument("--skip-plain", action="store_true")
    ap.add_argument("--skip-tool", action="store_true")
    ap.add_argument("--scale", type=int, default=0,
                    help="also run the tool on 100 and on N synthetic documents")
    ap.add_argument("--scale-schema", default="utility_bill")
    ap.add_argument("--json", type=Path, help="write all results as JSON here")
    ap.add_argument("--from-json", type=Path, help="print the report of an earlier --json file")
    ap.add_argument("--role", choices=["tool", "plain"], help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.from_json:
        print(report(json.loads(a.from_json.read_text())))
        return 0
    if a.role:
        res = child_tool(a) if a.role == "tool" else child_plain(a)
        a.result.write_text(json.dumps(res, default=str))
        return 0
    if a.code:      # the children run in that checkout: paths given here stay where they are
        a.root = a.root.resolve()
        a.gold = str(Path(a.gold).resolve()) if a.gold else None
        a.model = str(Path(a.model).resolve()) if a.model else None
        if a.schema.endswith(".py") and Path(a.schema).exists():
            a.schema = str(Path(a.schema).resolve())
    if a.gold is None:
        for name in ("labels.csv", "labels.jsonl"):
            if (a.root / name).exists():
                a.gold = str(a.root / name)
    results = {"machine": _machine(), "root": str(a.root), "schema": a.schema, "limit": a.limit}
    if not a.skip_tool:
        results["tool"] = _run_child("tool", a)
        print(_line(results["tool"]), flush=True)
    if not a.skip_plain:
        results["plain"] = _run_child("plain", a)
        print(_line(results["plain"]), flush=True)
        if not a.skip_tool:     # tool, plain, tool: the machine's load drifts; show how much
            results["tool_again"] = _run_child("tool", a)
            print(_line(results["tool_again"]), flush=True)
    if a.scale:
        results["scale"] = _scale(a)
    print(report(results))
    if a.json:
        a.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
