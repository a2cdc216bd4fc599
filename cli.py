"""Command line: parses arguments, calls the pipeline, prints. No extraction logic lives here."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from click_default_group import DefaultGroup

from extractors.errors import ExtractError, RunError


def _fail(msg: str) -> None:
    from extractors.write.files import printable
    click.echo(f"error: {printable(msg)}", err=True)
    sys.exit(2)


class _OneLineUsageError(click.ClickException):
    """A bad flag or argument: one line on stderr, exit code 2 (no usage block)."""
    exit_code = 2

    def show(self, file=None) -> None:
        _ = file
        click.echo(f"error: {self.message}", err=True)


class _OneLineErrors(click.Command):
    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise _OneLineUsageError(f"{exc.format_message()} (see: extract {self.name} "
                                     "--help)") from None


class _Number(click.ParamType):
    """An int or float in a range, finite (no nan, no inf): a clear one-line message."""

    def __init__(self, kind: type, low: float, high: float | None = None,
                 low_open: bool = False, unit: str = ""):
        self.kind, self.low, self.high, self.low_open, self.unit = kind, low, high, low_open, unit
        self.name = "integer" if kind is int else "number"

    def convert(self, value, param, ctx):
        import math
        try:
            v = self.kind(value)
        except (TypeError, ValueError):
            v = None
        ok = v is not None and math.isfinite(v) and \
            (v > self.low if self.low_open else v >= self.low) and \
            (self.high is None or v <= self.high)
        if ok:
            return v
        if self.high is not None:
            what = f"a number from {self.low:g} to {self.high:g}"
        elif self.kind is int:
            what = f"a whole number of {self.low:g} or more"
        else:
            what = f"a number above {self.low:g}" if self.low_open else \
                f"a number of {self.low:g} or more"
        self.fail(f"must be {what}{self.unit}, not {value!r}", param, ctx)


@click.group(cls=DefaultGroup, default="run", default_if_no_args=False)
def main():
    """Extract validated records from folders of PDFs with a local model.

    \b
    extract bills/ --schema utility_bill        (same as: extract run bills/ ...)
    extract schemas                              list built-in schemas
    extract eval INPUT --schema S --gold FILE    accuracy against labels
    extract report OUT                           run history, drift flags, offline report
    """


_CONFIG = click.option("--config", type=click.Path(path_type=Path), default=None,
                       help="TOML file of settings ([read], [locate], [decide], [run], [review], "
                            "[monitor]; "
                            "see `extract settings`). Flags win over it.")


def _apply_config(config: Path | None) -> None:
    if config is not None:
        from extractors.config import apply_config
        apply_config(config)


@main.command("run", cls=_OneLineErrors)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--schema", "schema_spec", required=True,
              help="Built-in schema name, or path/to/file.py[:Model], or auto[:NAME,...]: "
                   "classify each document among the built-ins (or those listed) first; "
                   "records go to OUT/<schema>/.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("extracted"),
              show_default=True, help="Output folder.")
@click.option("--model", "model_path", default=None, help="GGUF model file (default: embedded).")
@click.option("--limit", type=_Number(int, 1), default=None,
              help="Process at most N documents (N >= 1).")
@click.option("--review-below", type=_Number(float, 0, 1), default=None,
              help="Send valid records whose weakest field confidence is under X to review.")
@click.option("--password", default=None, help="Password for protected PDFs.")
@click.option("--parse-timeout", type=_Number(float, 0, low_open=True, unit=" (seconds)"),
              default=None,
              help="CPU seconds allowed to parse one PDF (and to OCR one page) "
                   "[default: read.parse_timeout, 60].")
@click.option("--parse-memory", type=_Number(int, 1, unit=" (MB)"), default=None,
              help="Memory limit (MB) for parsing one PDF [default: read.parse_memory_mb, 2048].")
@click.option("--force", is_flag=True,
              help="Redo documents already accepted or rejected in OUT (replacing their rows).")
@click.option("--shared-output", is_flag=True,
              help="Let OUT's group read the outputs (files 0640, folders 0750); "
                   "default: owner only (0600 / 0700).")
@click.option("--flush-every", type=click.IntRange(min=1), default=None,
              help="Write accepted rows every N documents (and every 30 s): at most that much "
                   "work is redone after a crash [default: run.flush_every, 25].")
@click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True,
              help="OCR pages without a usable text layer (auto), every page, or none.")
@click.option("--read-ahead", type=click.IntRange(min=0), default=None,
              help="Read up to N documents (each in its own limited child) while the model "
                   "works; 0 reads each document when its turn comes [default: run.read_ahead, 3].")
@click.option("--workers", type=_Number(int, 1), default=None,
              help="Model workers, each with its own model and threads: local processes (at "
                   "most one per core) or, with --engine ray, Ray actors [default: 1, the "
                   "model runs in this process].")
@click.option("--engine", type=click.Choice(["local", "ray"]), default=None,
              help="Where the workers run: local processes, or Ray actors (pip install -e "
                   "'.[ray]') [default: local].")
@click.option("--ray-address", default=None, metavar="ADDR",
              help="--engine ray: the Ray cluster to join (default: a local Ray for this run).")
@click.option("--model-url", default=None, metavar="URL",
              help="An OpenAI-compatible model server (llama.cpp's server, vLLM) answers "
                   "instead of the in-process model.")
@click.option("--allow-remote", is_flag=True,
              help="Let a sensitive schema's documents go to a model on another machine "
                   "(a --model-url that is not loopback, a Ray cluster with other nodes).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@_CONFIG
def run_cmd(inputs, schema_spec, out, model_path, limit, review_below, password,
            parse_timeout, parse_memory, force, shared_output, flush_every, ocr, read_ahead,
            workers, engine, ray_address, model_url, allow_remote, quiet, config):
    """Extract records from PDF/.txt files and folders (recursive) into OUT.

    Re-running the same command skips documents already in OUT (same content, same schema);
    a run stopped at any point (Ctrl-C, kill, power loss) is resumed by running it again."""
    import signal

    from extractors.decide.classify import load_candidates, parse_auto
    from extractors.read import settings as read_settings
    from extractors.run import check_limits, check_out, collect_inputs, run_batch
    from extractors.run.placement import make_engine
    from extractors.write.files import printable_path
    from schemas import load_schema
    # polars, imported above, installs a SIGINT handler with SA_RESTART: a Ctrl-C during a
    # blocking wait (another run holding OUT's lock) would be lost; Python's handler back
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)   # SIGTERM stops like Ctrl-C
    auto = parse_auto(schema_spec) is not None
    try:
        _apply_config(config)
        check_limits(read_settings.PARSE_TIMEOUT if parse_timeout is None else parse_timeout,
                     read_settings.PARSE_MEMORY_MB if parse_memory is None else parse_memory,
                     review_below)
        schema = load_candidates(schema_spec) if auto else load_schema(schema_spec)
        check_out(out, [x.name for x in schema] if auto else [schema.name], auto)
        files = collect_inputs(list(inputs), limit)
        if not files:
            raise RunError("no .pdf or .txt files found in the given inputs")
        where = make_engine(schema if auto else [schema], workers=workers, engine=engine,
                            ray_address=ray_address, model_path=model_path,
                            model_url=model_url, allow_remote=allow_remote)
        s = run_batch(files, schema, None, out, engine=where,
                  review_below=review_below, password=password, parse_timeout=parse_timeout,
                  parse_mem_mb=parse_memory, progress=not quiet, force=force,
                  shared_output=shared_output, flush_every=flush_every, ocr=ocr,
                  read_ahead=read_ahead)
    except ExtractError as exc:
        _fail(str(exc))
    except OSError as exc:   # disk full, permissions: the outputs on disk stay consistent
        where = exc.filename if isinstance(exc.filename, (str, bytes)) else out
        _fail(f"could not write to {printable_path(out)}: "
              f"{exc.strerror or type(exc).__name__}"
              f"{'' if where is out else ' (' + printable_path(where) + ')'}; "
              "fix it and re-run the same command to continue")
    except KeyboardInterrupt:
        _fail("interrupted; re-run the same command to continue")
    except Exception as exc:  # noqa: BLE001 - a bug: one line, the outputs stay consistent
        _fail(f"internal error ({type(exc).__name__}: {exc}); re-run the same command to "
              "continue, and report it if it happens again")
    out_s = printable_path(out)
    skipped = f"  skipped (already done; --force redoes them): {s.skipped}"
    reasons = ", ".join(f"{k}={v}" for k, v in sorted(s.reasons.items()))
    click.echo(f"documents: {s.documents}  accepted: {s.accepted}  rejected: {s.rejected}"
               f"{'  (' + reasons + ')' if reasons else ''}{skipped}  time: {s.seconds:.1f}s"
               f"  ({s.seconds / max(s.documents, 1):.2f}s/doc)")
    if s.repaired:
        click.echo("finished after an interrupted run: " +
                   ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s.repaired.items()))
    if auto:
        for name, n in sorted(s.by_schema.items()):
            click.echo(f"{name}: {n} documents  records: {out_s}/{name}/records.parquet  "
                       f"rejected: {out_s}/{name}/rejected")
        click.echo(f"not classified or unreadable: {out_s}/rejected")
    else:
        click.echo(f"records: {out_s}/records.parquet  rejected: {out_s}/rejected")
    if s.drift:
        click.echo(f"drift: {len(s.drift)} flag(s) against the previous runs "
                   f"(extract report {out_s}):")
        for flag in s.drift:
            click.echo(f"  drift: {flag.get('message')}")


@main.command("settings")
@_CONFIG
def settings_cmd(config):
    """List every tuned setting (section, key, value, what measured it), as a config file
    would change them."""
    from extractors.config import all_settings
    try:
        _apply_config(config)
    except ExtractError as exc:
        _fail(str(exc))
    section = None
    for s in all_settings():
        if s.section != section:
            section = s.section
            click.echo(f"[{section}]")
        click.echo(f"{s.key} = {_toml(s.value):<10} # {s.note}" if s.note else
                   f"{s.key} = {_toml(s.value)}")


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, tuple):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(v)


@main.command("schemas")
@click.option("--explain", "explain", default=None, metavar="NAME|FILE.py[:Model]",
              help="For one schema: each field's kind and every label the tool will look for "
                   "next to its value (listed by the schema, or inferred from its name and "
                   "description).")
def schemas_cmd(explain):
    """List the built-in schemas and their fields, or explain one schema."""
    from extractors.fieldspecs import field_specs
    from schemas import REGISTRY, load_schema
    if explain:
        try:
            schema = load_schema(explain)
        except ExtractError as exc:
            _fail(str(exc))
        doc = (schema.model.__doc__ or "").strip().splitlines()
        click.echo(f"{schema.name}: {doc[0] if doc else ''}")
        for spec in field_specs(schema.model):
            req = "required" if spec.required else "optional"
            extra = schema.model.model_fields[spec.name].json_schema_extra
            listed = isinstance(extra, dict) and bool(extra.get("labels"))
            click.echo(f"{spec.name} ({spec.kind}, {req}): {spec.description}")
            click.echo(f"  labels ({'listed by the schema' if listed else 'inferred'}): "
                       + "; ".join(spec.labels))
            from extractors.prose_cues import SAID, concept_of
            concept = concept_of(spec.key, spec.kind, spec.description)
            if concept:
                click.echo(f"  stated in sentences: {SAID[concept]}")
        return
    for name, model in REGISTRY.items():
        click.echo(f"{name}: {(model.__doc__ or '').strip().splitlines()[0]}")
        for spec in field_specs(model):
            req = "required" if spec.required else "optional"
            click.echo(f"  {spec.name:<20} {spec.kind:<12} {req:<9} {spec.description}")


@main.command("eval")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--schema", "schema_spec", required=True, help="Schema name or file.py[:Model].")
@click.option("--gold", type=click.Path(path_type=Path), required=True,
              help="Labels (.csv or .jsonl) with a 'file' column.")
@click.option("--out", type=click.Path(path_type=Path), default=Path("extracted"),
              show_default=True, help="Extraction folder to run into or reuse.")
@click.option("--model", "model_path", default=None, help="GGUF model file (default: embedded).")
@click.option("--fields", default=None, help="Comma-separated fields to score (default: all).")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="Write the full report (per document) as JSON.")
@click.option("--limit", type=int, default=None, help="Score at most N gold documents.")
@click.option("--force", is_flag=True, help="Re-extract documents already in OUT.")
@_CONFIG
def eval_cmd(inputs, schema_spec, gold, out, model_path, fields, report, limit, force, config):
    """Score an extraction against gold labels (runs the extraction for documents not yet in OUT).

    Gold rows whose document is not among INPUTS are not scored (reported as not among the
    inputs). Stopped (Ctrl-C, kill), it resumes when run again."""
    import signal
    signal.signal(signal.SIGTERM, signal.default_int_handler)   # SIGTERM stops like Ctrl-C
    try:
        _eval(inputs, schema_spec, gold, out, model_path, fields, report, limit, force, config)
    except KeyboardInterrupt:
        _fail("interrupted; re-run the same command to continue")


def _eval(inputs, schema_spec, gold, out, model_path, fields, report, limit, force, config):
    import signal

    from extractors.decide.backends import load_backend
    from extractors.eval.score import evaluate, format_report, load_gold, scored_fields, select_gold
    from extractors.fieldspecs import field_specs
    from extractors.run import collect_inputs, run_batch
    from extractors.write.files import write_json
    from schemas import load_schema
    # Ctrl-C and SIGTERM raise KeyboardInterrupt, also in a blocking wait (OUT's lock held by
    # another run): polars, imported above, installs a SIGINT handler with SA_RESTART that
    # restarts such waits (pola-rs/polars#21739); Python's own handler does not
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        # every argument checked before anything is extracted
        _apply_config(config)
        if limit is not None and limit < 1:
            raise RunError(f"--limit must be 1 or more, not {limit}")
        if report is not None and (report.is_dir() or
                                   (report.parent.exists() and not report.parent.is_dir())):
            raise RunError(f"--report {report}: give a file to write, not a folder")
        if out.exists() and not out.is_dir():
            raise RunError(f"--out {out} is not a folder")
        schema = load_schema(schema_spec)
        specs = field_specs(schema.model)
        all_gold = load_gold(gold)
        files = collect_inputs(list(inputs))
        gold_rows, files, not_among = select_gold(all_gold, files)
        if not gold_rows:
            raise RunError(f"gold file {gold} names none of the inputs ({len(all_gold)} labels, "
                           f"e.g. '{all_gold[0]['file'][:80]}')")
        names = scored_fields(specs, gold_rows, fields.split(",") if fields is not None else None)
        if limit:
            gold_rows = gold_rows[:limit]
            gold_rows, files, _ = select_gold(gold_rows, files)
        backend = load_backend(model_path)
        s = run_batch(files, schema, backend, out, force=force, progress=True)
        result = evaluate(out, gold_rows, specs, names)
        result.not_among_inputs = not_among
        rep = result.as_dict()
        rep["seconds_per_doc"] = round(s.seconds / max(s.documents - s.skipped, 1), 3)
        click.echo(format_report(rep))
        if report:
            write_json(report, rep)
    except ExtractError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.strerror or type(exc).__name__}: {exc.filename or out}")



@main.command("report", cls=_OneLineErrors)
@click.argument("out", type=click.Path(path_type=Path))
def report_cmd(out):
    """Write OUT/report.html from OUT's run history (runs.jsonl): documents and reasons per
    run, per-field found-rate and confidence over runs, corrections per field, drift flags;
    one offline page with inline SVG charts. Prints a short summary of the same."""
    from extractors.monitor import build_report, terminal_summary
    from extractors.write.files import printable_path
    try:
        path, runs, corrections = build_report(out)
    except ExtractError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"could not write the report in {printable_path(out)}: "
              f"{exc.strerror or type(exc).__name__}")
    for line in terminal_summary(runs, corrections):
        click.echo(line)
    click.echo(f"report: {printable_path(path)}")


# --- review: the rejection queue (logic in extractors/review*.py, review_html.py) ------------
@main.group("review")
def review_grp():
    """Work the rejection queue of an extraction folder OUT.

    \b
    extract review list OUT [--json]                pending items
    extract review show OUT ID                      record, evidence, why it was rejected
    extract review fix OUT ID field=value ...       set fields (validated at once)
    extract review accept OUT ID... | --all         re-validate, append to records
    extract review discard OUT ID --reason TEXT     archive as unusable (never deleted)
    extract review html OUT                         offline pages: queue + one per document
    """


_OUT = click.argument("out", type=click.Path(path_type=Path))
_SCHEMA = click.option("--schema", "schema_spec", default=None,
                       help="Schema name or file.py[:Model] (default: the one the item was "
                            "extracted with).")


def _review_call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ExtractError as exc:       # ReviewError, and a schema's RunError
        _fail(str(exc))
    except OSError as exc:            # permissions, disk full: one line, nothing half-written
        _fail(f"{exc.strerror or type(exc).__name__}: {exc.filename or ''}".rstrip(": "))


@review_grp.command("list")
@_OUT
@click.option("--json", "as_json", is_flag=True, help="JSON array (id, source_file, reasons, ...).")
def review_list_cmd(out, as_json):
    """Pending items: id, reason, fields at fault, source file."""
    from extractors import review
    from extractors.review.html import summary_json
    items = _review_call(review.list_items, out)
    click.echo(summary_json(items) if as_json else review.format_list(items))


@review_grp.command("show")
@_OUT
@click.argument("item_id")
@_SCHEMA
def review_show_cmd(out, item_id, schema_spec):
    """The item's record, evidence per field and why it was rejected."""
    from extractors import review
    item = _review_call(review.get_item, out, item_id)
    if schema_spec:     # asked for: it must load
        schema = _review_call(review.schema_of, item, schema_spec)
    else:               # the item's own: shown without it if it no longer loads
        try:
            schema = review.schema_of(item, None)
        except ExtractError:
            schema = None
    click.echo(review.format_show(item, schema))


@review_grp.command("fix")
@_OUT
@click.argument("item_id")
@click.argument("assignments", nargs=-1, required=True)
@_SCHEMA
@click.option("--reviewer", default=None, help="Name recorded with the change (default: login).")
def review_fix_cmd(out, item_id, assignments, schema_spec, reviewer):
    """Set fields: field=value ... (dates YYYY-MM-DD, amounts as printed, empty = none)."""
    from extractors import review
    pairs = _review_call(review.parse_assignments, list(assignments))
    item, problems = _review_call(review.fix, out, item_id, pairs, schema_spec=schema_spec,
                                  reviewer=reviewer)
    for k in pairs:
        click.echo(f"{item.id}: {k} = {item.values.get(k)}")
    if problems:
        click.echo("still not valid: " + "; ".join(f"{k}: {', '.join(v)}"
                                                   for k, v in problems.items()))
    else:
        click.echo(f"valid: accept with  extract review accept {out} {item.id}")


@review_grp.command("accept")
@_OUT
@click.argument("item_ids", nargs=-1)
@click.option("--all", "all_items", is_flag=True, help="Accept every pending item that is valid.")
@click.option("--reviewer", default=None, help="Recorded as `reviewer` (default: login name).")
@_SCHEMA
@click.option("--no-learn", is_flag=True, help="Do not learn label hints from these items.")
def review_accept_cmd(out, item_ids, all_items, reviewer, schema_spec, no_learn):
    """Re-validate and append to records.parquet/csv (review_status corrected|approved)."""
    from extractors import review
    if all_items == bool(item_ids):
        _fail("give item ids or --all (not both)")
    res = _review_call(review.accept, out, list(item_ids), all_items=all_items,
                       reviewer=reviewer, schema_spec=schema_spec, learn=not no_learn)
    for i in res.recovered:
        click.echo(f"{i}: finished an interrupted accept")
    for w in res.warnings:
        click.echo(f"warning: {w}", err=True)
    for i, status in res.accepted:
        click.echo(f"{i}: accepted ({status})")
    for i, why in res.failed:
        click.echo(f"{i}: not accepted: {why}", err=True)
    click.echo(f"accepted {len(res.accepted)}, not accepted {len(res.failed)}; "
               f"records: {out / 'records.parquet'}")
    if res.failed and not all_items:
        sys.exit(1)


@review_grp.command("discard")
@_OUT
@click.argument("item_id")
@click.option("--reason", required=True, help="Why the document is unusable.")
@click.option("--reviewer", default=None, help="Recorded with the discard (default: login).")
def review_discard_cmd(out, item_id, reason, reviewer):
    """Take an item out of the queue as unusable; archived under rejected/discarded/."""
    from extractors import review
    dest = _review_call(review.discard, out, item_id, reason, reviewer=reviewer)
    click.echo(f"discarded: archived as {dest}")


@review_grp.command("html")
@_OUT
@click.option("--dest", type=click.Path(path_type=Path), default=None,
              help="Folder for the pages (default: OUT/review).")
def review_html_cmd(out, dest):
    """Offline HTML: the queue (index.html) and one page per document with boxes on values."""
    from extractors.review import html as review_html
    from extractors import review
    items = _review_call(review.list_items, out)
    index = _review_call(review_html.build, out, dest, items)
    click.echo(f"{len(items)} items: {index}")


if __name__ == "__main__":
    main()
