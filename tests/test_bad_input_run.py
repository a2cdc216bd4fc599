"""Bad input never crashes, hangs or loses a document, and run-level problems are one line with
exit code 2. Each probe drives the real command in a subprocess (`cli.py run`, the embedded
model where documents reach it) and checks the exit code, that stderr has no traceback, and that
every input file ends in records or rejected/ (outputs are prepared in-process with the fake
backend where the probe is about OUT, not about reading)."""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from extractors.write.files import printable_path, source_path
from tests.conftest import INVOICE_TXT, ROOT, FakeBackend

SAMPLE_PDFS = sorted((ROOT / "samples" / "invoice").glob("*.pdf"))
SCANNED_PDFS = sorted((ROOT / "samples" / "scanned").glob("*/*.pdf"))


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def run_cli(*args, timeout: float = 300, preexec_fn=None) -> subprocess.CompletedProcess:
    """`cli.py run ARGS --quiet` from the repo root; a hang fails the test at `timeout`."""
    return subprocess.run([sys.executable, "cli.py", "run", *map(os.fspath, args), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, errors="backslashreplace",
                          timeout=timeout, preexec_fn=preexec_fn)


def ok(r: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 0, r.stderr


def one_line_error(r: subprocess.CompletedProcess, needle: str) -> None:
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert needle in lines[0], lines[0]


def outcomes(out: Path) -> dict[str, dict]:
    """source_file -> {"reason": "record" or the rejection's reason code, ...} for OUT."""
    got: dict[str, dict] = {}
    if (out / "records.parquet").exists():
        for row in pl.read_parquet(out / "records.parquet").iter_rows(named=True):
            assert row["source_file"] not in got
            got[row["source_file"]] = {"reason": "record"}
    for f in (out / "rejected").glob("*.json"):
        d = json.loads(f.read_text(encoding="utf-8"))
        assert d["source_file"] not in got
        got[d["source_file"]] = d
    return got


def assert_all_accounted(out: Path, inputs: list[Path]) -> dict[str, dict]:
    """Every input is in records or rejected/ (under its printable name), none twice, and no
    rejection is a bug (`internal_error`)."""
    got = outcomes(out)
    assert set(got) == {printable_path(p) for p in inputs}, (sorted(got), inputs)
    assert not [k for k, v in got.items() if v["reason"] == "internal_error"], got
    return got


def invoice_txt(path: Path, number: int) -> Path:
    path.write_text(INVOICE_TXT.replace("INV-2024-0042", f"INV-2024-{number:04d}"),
                    encoding="utf-8")
    return path


def summary_counts(stdout: str) -> dict[str, int]:
    """The run's summary line -> documents, accepted, rejected, skipped."""
    import re
    line = next(x for x in stdout.splitlines() if x.startswith("documents:"))
    m = re.search(r"documents: (\d+)  accepted: (\d+)  rejected: (\d+).*redoes them\): (\d+)",
                  line)
    assert m, line
    return dict(zip(("documents", "accepted", "rejected", "skipped"), map(int, m.groups())))


# ---------------------------------------------------------------------------------------------
# 1. a file name that is not UTF-8
# ---------------------------------------------------------------------------------------------
def test_a_file_name_that_is_not_utf8_is_read_recorded_escaped_and_skipped_on_rerun(tmp_path):
    """`z\\xff.pdf` (a byte that is not UTF-8 in the name) and a junk file named so are read
    like any other, written to records / rejected/ with the byte as the four characters \\xff,
    and the documents after them are processed; the re-run finds both in the ledger."""
    src = tmp_path / "in"
    src.mkdir()
    named = Path(os.fsdecode(os.fsencode(src) + b"/z\xff.pdf"))
    junk = Path(os.fsdecode(os.fsencode(src) + b"/j\xe9\xfe.pdf"))
    later = src / "zz.pdf"
    shutil.copy(SAMPLE_PDFS[0], named)
    junk.write_bytes(b"this is not a PDF")
    shutil.copy(SAMPLE_PDFS[1], later)
    out = tmp_path / "out"
    r = run_cli(src, "--schema", "invoice", "--out", out)
    ok(r)
    got = assert_all_accounted(out, [named, junk, later])
    assert printable_path(named) == str(src) + "/z\\xff.pdf"
    assert got[printable_path(junk)]["reason"] == "not_a_pdf"
    assert source_path(printable_path(named)) == named           # the name reads back
    assert pl.read_csv(out / "records.csv")["source_file"].to_list()   # CSV written, readable
    again = run_cli(src, "--schema", "invoice", "--out", out)
    ok(again)
    assert summary_counts(again.stdout)["skipped"] == 3, again.stdout
    assert outcomes(out) == got


# ---------------------------------------------------------------------------------------------
# 2. only regular files are read
# ---------------------------------------------------------------------------------------------
def test_fifos_devices_sockets_folders_and_bad_links_are_rejected_never_opened(tmp_path):
    """A FIFO (named on the command line and inside the folder), a device, a socket, a link to a
    folder, a link loop and a broken link are rejected `not_a_file` at once (a FIFO that were
    opened would block the run for ever); a link to a regular file is read; the run goes on."""
    src = tmp_path / "in"
    src.mkdir()
    good = invoice_txt(src / "good.txt", 1)
    elsewhere = tmp_path / "elsewhere.pdf"
    shutil.copy(SAMPLE_PDFS[0], elsewhere)
    (src / "link.pdf").symlink_to(elsewhere)
    os.mkfifo(src / "fifo.pdf")
    (src / "null.txt").symlink_to("/dev/null")                 # a character device
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "sock.pdf"))
    (src / "folder.pdf").symlink_to(tmp_path)                   # a link to a folder
    (src / "loop1.pdf").symlink_to(src / "loop2.pdf")
    (src / "loop2.pdf").symlink_to(src / "loop1.pdf")
    (src / "broken.pdf").symlink_to(src / "missing.pdf")
    (src / "real_folder.pdf").mkdir()                            # a folder is walked
    inner = invoice_txt(src / "real_folder.pdf" / "inner.txt", 2)
    fifo_arg = tmp_path / "given.pdf"
    os.mkfifo(fifo_arg)
    out = tmp_path / "out"
    try:
        r = run_cli(src, fifo_arg, "--schema", "invoice", "--out", out, timeout=240)
    finally:
        sock.close()
    ok(r)
    special = ["fifo.pdf", "null.txt", "sock.pdf", "folder.pdf", "loop1.pdf", "loop2.pdf",
               "broken.pdf"]
    got = assert_all_accounted(out, [good, inner, src / "link.pdf", fifo_arg] +
                               [src / n for n in special])
    for p in [fifo_arg] + [src / n for n in special]:
        assert got[str(p)]["reason"] == "not_a_file", (p, got[str(p)])
    assert "named pipe" in got[str(fifo_arg)]["message"]
    assert "loop" in got[str(src / "loop1.pdf")]["message"]
    assert "broken" in got[str(src / "broken.pdf")]["message"]
    assert "device" in got[str(src / "null.txt")]["message"]
    assert got[str(src / "link.pdf")]["reason"] != "not_a_file"
    # a link loop named on the command line: one line saying so (not "does not exist")
    one_line_error(run_cli(src / "loop1.pdf", "--schema", "invoice", "--out", out),
                   "symbolic link loop")


# ---------------------------------------------------------------------------------------------
# 3. .txt files are read in the limited child
# ---------------------------------------------------------------------------------------------
def test_a_huge_txt_is_rejected_unread_and_a_big_one_meets_the_memory_limit(tmp_path):
    """A 200 MB random .txt is over read.max_text_mb: rejected `too_large` without being read;
    a .txt under a raised cap that needs more memory than --parse-memory is read in the
    limited child and rejected `memory_limit`; the PDF beside them is written."""
    src = tmp_path / "in"
    src.mkdir()
    with open(src / "huge.txt", "wb") as f:
        for _ in range(200):
            f.write(os.urandom(1 << 20))
    (src / "words.txt").write_text("a " * (12 << 20), encoding="utf-8")     # 24 MB of words
    pdf = src / "good.pdf"
    shutil.copy(SAMPLE_PDFS[0], pdf)
    config = tmp_path / "big.toml"
    config.write_text("[read]\nmax_text_mb = 50.0\n")
    out = tmp_path / "out"
    r = run_cli(src, "--schema", "invoice", "--out", out, "--parse-memory", "200",
                "--config", config, timeout=240)
    ok(r)
    got = assert_all_accounted(out, [src / "huge.txt", src / "words.txt", pdf])
    assert got[str(src / "huge.txt")]["reason"] == "too_large"
    assert got[str(src / "words.txt")]["reason"] == "memory_limit"
    assert got[str(pdf)]["reason"] == "record"


def test_text_read_in_the_child_is_the_text_read_in_process(tmp_path):
    """The child decodes as before (UTF-8, else Latin-1): the same pages either way."""
    from extractors.read.document import read_document
    utf8 = tmp_path / "u.txt"
    utf8.write_text("Rechnung Nr: 7\fGesamt: 9,99 €\nÄnderung\n", encoding="utf-8")
    latin = tmp_path / "l.txt"
    latin.write_bytes("Total: 9,99 \xa3\nStraße 5\n".encode("latin-1"))
    for p in (utf8, latin):
        a, b = read_document(p), read_document(p, isolate=False)
        assert [(pg.number, pg.text, pg.words) for pg in a.pages] == \
            [(pg.number, pg.text, pg.words) for pg in b.pages]
    assert read_document(latin).pages[0].text.startswith("Total: 9,99 £")
    assert "Änderung" in read_document(utf8).pages[1].text


# ---------------------------------------------------------------------------------------------
# 4. a file without read permission
# ---------------------------------------------------------------------------------------------
def _drop_dac_override() -> None:
    """In the child before exec: without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH in the bounding
    set, root after exec obeys file permissions like any user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):                      # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:   # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "PR_CAPBSET_DROP")


def test_a_file_without_read_permission_is_rejected_unreadable(tmp_path):
    """Run as root, the command runs without the capability that lets root read any file (so
    the probe is real, not simulated); as another user, the file's mode is enough."""
    src = tmp_path / "in"
    src.mkdir()
    locked = src / "locked.pdf"
    shutil.copy(SAMPLE_PDFS[0], locked)
    os.chmod(locked, 0)
    good = invoice_txt(src / "good.txt", 3)
    preexec = _drop_dac_override if os.geteuid() == 0 else None
    probe = subprocess.run([sys.executable, "-c", f"open({str(locked)!r}, 'rb')"],
                           capture_output=True, preexec_fn=preexec)
    if probe.returncode == 0:
        pytest.skip("this process may read a file of mode 000 (cannot drop CAP_DAC_OVERRIDE)")
    out = tmp_path / "out"
    r = run_cli(src, "--schema", "invoice", "--out", out, preexec_fn=preexec)
    ok(r)
    got = assert_all_accounted(out, [locked, good])
    assert got[str(locked)]["reason"] == "unreadable"
    assert "permission denied" in got[str(locked)]["message"]
    again = run_cli(src, "--schema", "invoice", "--out", out, preexec_fn=preexec)
    ok(again)
    assert summary_counts(again.stdout)["skipped"] == 2, again.stdout


# ---------------------------------------------------------------------------------------------
# 5. flags out of range
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("flag,value", [
    ("--limit", "-1"), ("--limit", "0"), ("--limit", "two"),
    ("--review-below", "nan"), ("--review-below", "-0.1"), ("--review-below", "1.5"),
    ("--review-below", "inf"),
    ("--parse-timeout", "0"), ("--parse-timeout", "-5"), ("--parse-timeout", "inf"),
    ("--parse-timeout", "nan"),
    ("--parse-memory", "0"), ("--parse-memory", "-1"),
])
def test_a_flag_out_of_range_is_one_line_and_nothing_is_written(tmp_path, flag, value):
    out = tmp_path / "out"
    r = run_cli(ROOT / "samples" / "invoice", "--schema", "invoice", "--out", out,
                f"{flag}={value}")
    one_line_error(r, flag)
    assert not out.exists()


def test_limit_n_processes_exactly_n_documents(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        invoice_txt(src / f"{i}.txt", 10 + i)
    r = run_cli(src, "--schema", "invoice", "--out", tmp_path / "out", "--limit", "2")
    ok(r)
    assert summary_counts(r.stdout)["documents"] == 2


# ---------------------------------------------------------------------------------------------
# 6. one OUT holds one schema
# ---------------------------------------------------------------------------------------------
def _prepare(out: Path, schema_spec: str, files: list[Path]) -> None:
    """OUT as a run of `schema_spec` leaves it (in-process, fake model)."""
    from extractors.decide.classify import load_candidates, parse_auto
    from extractors.run import run_batch
    from schemas import load_schema
    schema = load_candidates(schema_spec) if parse_auto(schema_spec) is not None else \
        load_schema(schema_spec)
    run_batch(files, schema, FakeBackend(), out, progress=False, read_ahead=0)


def test_a_second_schema_into_the_same_out_is_refused_in_one_line(tmp_path):
    doc = invoice_txt(tmp_path / "a.txt", 4)
    out = tmp_path / "out"
    _prepare(out, "invoice", [doc])
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    r = run_cli(doc, "--schema", "utility_bill", "--out", out)
    one_line_error(r, "holds records of schema invoice")
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    ok(run_cli(doc, "--schema", "invoice", "--out", out))      # the same schema: fine


def test_auto_and_plain_runs_do_not_share_an_out(tmp_path):
    """An OUT of --schema auto (per-schema folders, unclassified documents at its root) takes
    no plain run at its root, and a plain OUT takes no --schema auto run."""
    doc = invoice_txt(tmp_path / "a.txt", 5)
    auto_out, plain_out = tmp_path / "auto", tmp_path / "plain"
    _prepare(auto_out, "auto", [doc])
    _prepare(plain_out, "invoice", [doc])
    one_line_error(run_cli(doc, "--schema", "invoice", "--out", auto_out),
                   "per-schema folders of a --schema auto run")
    one_line_error(run_cli(doc, "--schema", "auto", "--out", plain_out),
                   "holds records of schema invoice")
    ok(run_cli(doc, "--schema", "auto", "--out", auto_out))    # auto again: fine


# ---------------------------------------------------------------------------------------------
# 7. output modes whatever the umask
# ---------------------------------------------------------------------------------------------
def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.lstat().st_mode)
            for p in [root, *root.rglob("*")] if not p.is_symlink()}


def _umask0() -> None:
    os.umask(0)


def test_everything_under_out_follows_the_output_mode_under_umask_000(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(SAMPLE_PDFS[0], src / "a.pdf")
    (src / "junk.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "new" / "out"          # the run makes both folders
    common = [src, "--schema", "invoice", "--out", out, "--flush-every", "1"]
    ok(run_cli(*common, preexec_fn=_umask0))
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
    # what the review commands leave under OUT (folders and files made with the umask)
    for folder in ("rejected/accepted", "rejected/discarded", "review"):
        (out / folder).mkdir(parents=True, exist_ok=True)
        os.chmod(out / folder, 0o777)
        (out / folder / "x.json").write_text("{}")
        os.chmod(out / folder / "x.json", 0o666)
    for name in ("learned.json", "gold.jsonl"):
        (out / name).write_text("{}\n")
        os.chmod(out / name, 0o666)
    shutil.copy(SAMPLE_PDFS[1], src / "b.pdf")
    ok(run_cli(*common, preexec_fn=_umask0))
    modes = _modes(out)
    assert {"records.parquet", "records.csv", "records_line_items.csv", "rejected",
            "review/x.json", "gold.jsonl"} <= set(modes)
    wrong = {k: oct(m) for k, m in modes.items()
             if m != (0o700 if (out / k).is_dir() else 0o600)}
    assert not wrong, wrong
    ok(run_cli(*common, "--shared-output", preexec_fn=_umask0))
    wrong = {k: oct(m) for k, m in _modes(out).items()
             if m != (0o750 if (out / k).is_dir() else 0o640)}
    assert not wrong, wrong


def test_part_files_and_rejections_are_owner_only_under_umask_000(tmp_path):
    from extractors.types import FieldSpec
    from extractors.write.records import PARTS, append_records, write_rejection
    old = os.umask(0)
    try:
        out = tmp_path / "out"
        append_records(out, [{"total": 1.0, "doc_sha256": "a" * 64, "schema": "s"}],
                       [FieldSpec("total", "number", "", [], True)], compact=False)
        write_rejection(out, "b" * 16, {"doc_sha256": "b" * 64, "schema": "s"})
    finally:
        os.umask(old)
    parts = list((out / PARTS).glob("*.parquet"))
    assert parts and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in parts)
    assert stat.S_IMODE((out / PARTS).stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "rejected").stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "rejected" / f"{'b' * 16}.json").stat().st_mode) == 0o600


# ---------------------------------------------------------------------------------------------
# 8. a full disk
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 2 MB tmpfs (needs root and a mount namespace that allows it; skipped otherwise)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _readable(out: Path) -> None:
    """Every output OUT holds reads back."""
    from extractors.write.records import read_records
    read_records(out)
    for f in out.glob("*.parquet"):
        pl.read_parquet(f)
    for f in out.glob("*.csv"):
        pl.read_csv(f)
    for f in (out / "rejected").glob("*.json") if (out / "rejected").is_dir() else []:
        json.loads(f.read_text(encoding="utf-8"))


def test_a_full_disk_ends_the_run_in_one_line_and_the_rerun_finishes(tmp_path, small_disk):
    """The disk fills at different points of a run (rejections, part files, records, CSV):
    each time the run ends with one line and exit 2 (or completes), what it wrote reads back,
    and once there is room the same command finishes with every document accounted for."""
    src = tmp_path / "in"
    src.mkdir()
    inputs = [invoice_txt(src / f"{i}.txt", 20 + i) for i in range(3)]
    shutil.copy(SAMPLE_PDFS[0], src / "a.pdf")
    (src / "junk.pdf").write_bytes(b"not a pdf")
    inputs += [src / "a.pdf", src / "junk.pdf"]
    total = os.statvfs(small_disk).f_blocks * os.statvfs(small_disk).f_frsize
    failed = 0
    for free_kb in (0, 8, 24, 48):
        out = small_disk / "out"
        shutil.rmtree(out, ignore_errors=True)
        fill = small_disk / "fill"
        fill.unlink(missing_ok=True)
        with open(fill, "wb") as f:
            try:
                f.write(b"\0" * (total - free_kb * 1024))
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        r = run_cli(src, "--schema", "invoice", "--out", out, "--flush-every", "1")
        assert "Traceback" not in r.stderr, (free_kb, r.stderr)
        if r.returncode != 0:
            failed += 1
            one_line_error(r, "No space left on device")
        if out.exists():
            _readable(out)
        fill.unlink()
        ok(run_cli(src, "--schema", "invoice", "--out", out, "--flush-every", "1"))
        assert_all_accounted(out, inputs)
    assert failed, "the disk never filled up: the probe did not probe"


def test_a_write_error_polars_reports_is_an_oserror_and_keeps_the_old_file(tmp_path,
                                                                          monkeypatch):
    """Where a library reports a full disk as its own error (polars: ComputeError "Invalid
    thrift: transport error"), the write stage raises OSError ENOSPC and the file it was
    replacing is untouched (simulated: no small disk needed)."""
    import polars.exceptions

    from extractors.write import files
    target = tmp_path / "records.parquet"
    target.write_bytes(b"old")

    def fails(_tmp):
        raise polars.exceptions.ComputeError("parquet: File out of specification: "
                                             "Invalid thrift: transport error")

    class Full:
        f_bavail, f_bfree, f_frsize, f_files, f_favail = 0, 0, 4096, 100, 0

    monkeypatch.setattr(files.os, "statvfs", lambda _p: Full)
    with pytest.raises(OSError) as info:
        files.atomic_write(target, fails)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------------------------------------
# 9. a killed run leaves no process behind
# ---------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(d.name))
    return kids


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for k in _children(todo.pop()):
            out.append(k)
            todo.append(k)
    return out


def _threads(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")          # a zombie holds nothing


def test_sigkill_of_the_run_leaves_no_child_not_even_a_busy_ocr_process(tmp_path):
    """SIGKILL to the command while its OCR process works on a six-page scan: every process it
    started (parser children, the OCR process) is gone within 10 s (they die with it:
    PR_SET_PDEATHSIG; before, the OCR process went on with the pages and then lived on at
    ~580 MB, blocked writing its answer into a pipe it held the other end of)."""
    import pypdfium2 as pdfium
    src = tmp_path / "in"
    src.mkdir()
    scans = pdfium.PdfDocument.new()          # six scanned pages: a long OCR job, a big answer
    for _ in range(2):
        for pdf in SCANNED_PDFS:
            scans.import_pages(pdfium.PdfDocument(pdf))
    scans.save(tmp_path / "scans.pdf")
    for i in range(2):
        data = (tmp_path / "scans.pdf").read_bytes() + f"\n%copy {i}\n".encode()
        (src / f"scan{i}.pdf").write_bytes(data)
    proc = subprocess.Popen([sys.executable, "cli.py", "run", str(src), "--schema", "invoice",
                             "--out", str(tmp_path / "out"), "--quiet"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        ocr = []
        deadline = time.monotonic() + 180
        while not ocr and proc.poll() is None and time.monotonic() < deadline:
            ocr = [p for p in _children(proc.pid) if _threads(p) > 1]   # onnxruntime threads
            time.sleep(0.1)
        assert ocr, "no OCR process appeared"
        time.sleep(1.5)                     # in the middle of a page
        started = _descendants(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)   # the main process only
        proc.wait(30)
        deadline = time.monotonic() + 10
        while [p for p in started if _alive(p)] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in started if _alive(p)], started
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
