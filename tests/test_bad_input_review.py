"""Bad input to the review, eval and schema handling (reviewers type ids and values by hand):
one line on stderr, exit 2, never a traceback, a hang or a silently wrong value. Every test
drives the real CLI (`python cli.py ...`) in a subprocess; the OUT folders with pending review
items are made in-process with the fake model backend."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from extractors import review
from extractors.run import run_batch
from schemas import load_schema
from tests.conftest import ROOT, FakeBackend

PDFS = sorted((ROOT / "samples" / "invoice").glob("*.pdf"))[:2]


def cli(*args, umask: int | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    pre = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([sys.executable, "cli.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, preexec_fn=pre)


def one_line_error(r: subprocess.CompletedProcess, *needles: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stdout[-2000:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr[-3000:]
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _make_out(out: Path, shared: bool = False) -> Path:
    old = os.umask(0)          # whatever the umask: the outputs' modes are the tool's
    try:
        run_batch(PDFS, load_schema("invoice"), FakeBackend(), out, progress=False,
                  review_below=1.01, shared_output=shared)
    finally:
        os.umask(old)
    assert len(review.pending(out)) == 2
    return out


@pytest.fixture(scope="module")
def queue_template(tmp_path_factory):
    return _make_out(tmp_path_factory.mktemp("queue") / "out")


@pytest.fixture
def out(queue_template, tmp_path):
    dest = tmp_path / "out"
    shutil.copytree(queue_template, dest)
    return dest


def _stored(item) -> dict:
    return json.loads(item.path.read_text()).get("review", {}).get("corrections", {})


# ---------------------------------------------------------------------------------------------
# 1. review ids are the hex ids the queue issues, never paths or glob patterns

BAD_IDS = ["*", "**", "/etc/passwd", "a" * 10_000, "8???", "abc", "0" * 17, "../rejected",
           "dead beef", ""]


@pytest.mark.parametrize("bad", BAD_IDS, ids=lambda s: repr(s[:12]))
def test_review_ids_that_are_not_review_ids_are_refused(out, bad):
    before = sorted(p.name for p in (out / "rejected").rglob("*"))
    for args in (("show", out, bad), ("fix", out, bad, "currency=EUR"), ("accept", out, bad),
                 ("discard", out, bad, "--reason", "junk")):
        line = one_line_error(cli("review", *args), "not a review id")
        assert len(line) < 300          # a 10,000-character id is not echoed back whole
    assert sorted(p.name for p in (out / "rejected").rglob("*")) == before


def test_a_wildcard_never_matches_but_a_hex_prefix_does(out):
    first, second = review.pending(out)
    review.accept(out, [first.id], reviewer="t")               # archived: rejected/accepted/
    one_line_error(cli("review", "show", out, first.id[:4] + "???"), "not a review id")
    one_line_error(cli("review", "show", out, first.id[:4] + "*"), "not a review id")
    one_line_error(cli("review", "show", out, first.id[:6]), "already accepted")
    r = cli("review", "show", out, second.id[:6].upper())      # a prefix, in any case
    assert r.returncode == 0 and second.id in r.stdout, r.stderr


def test_a_schema_asked_for_must_load(out, tmp_path):
    item = review.pending(out)[0]
    for args in (("show", out, item.id), ("accept", out, item.id),
                 ("fix", out, item.id, "currency=EUR")):
        one_line_error(cli("review", *args, "--schema", "nosuch"), "unknown schema 'nosuch'")
    assert len(review.pending(out)) == 2 and _stored(item) == {}


# ---------------------------------------------------------------------------------------------
# 2. amounts and dates typed by reviewers are read strictly

@pytest.mark.parametrize("typed", ["1e3", "1E5", "1e400", "0x10", "inf", "nan", "-inf",
                                   "Infinity", "12 EUR 5", "1,2,3", "1.2.3", "--5", "5-",
                                   "12abc", "$", "1_000", "1,234"])
def test_fix_refuses_what_is_not_an_amount(out, typed):
    item = review.pending(out)[0]
    r = cli("review", "fix", out, item.id, f"grand_total={typed}")
    one_line_error(r, "grand_total")
    assert _stored(item) == {}


@pytest.mark.parametrize("typed,value", [
    ("1,234.56", "1234.56"), ("1.234,56", "1234.56"), ("1234.5", "1234.5"), ("-12", "-12"),
    ("$1,234.00", "1234.00"), ("1 234,56 €", "1234.56"), ("(12.50)", "-12.50"),
    ("EUR 1'234.50", "1234.50"), ("1.234.567,89", "1234567.89"), ("12,5", "12.5"),
])
def test_fix_reads_amounts_as_printed(out, typed, value):
    item = review.pending(out)[0]
    r = cli("review", "fix", out, item.id, f"grand_total={typed}")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert Decimal(_stored(item)["grand_total"]) == Decimal(value)


def test_fix_never_rounds_an_amount_silently(out):
    item = review.pending(out)[0]
    one_line_error(cli("review", "fix", out, item.id, "grand_total=1,2345"), "grand_total")
    assert _stored(item) == {}


@pytest.mark.parametrize("typed", ["2024", "14", "March 2024", "14 March", "10:30", "1e3",
                                   "2024-13-45"])
def test_fix_refuses_incomplete_or_impossible_dates(out, typed):
    item = review.pending(out)[0]
    one_line_error(cli("review", "fix", out, item.id, f"issue_date={typed}"), "issue_date")
    assert _stored(item) == {}


# ---------------------------------------------------------------------------------------------
# 3. review pages and archives: owner-only (or OUT's group) whatever the umask

def test_html_dest_that_is_a_file_is_one_line(out, tmp_path):
    f = tmp_path / "page.html"
    f.write_text("mine")
    one_line_error(cli("review", "html", out, "--dest", f), "not a folder")
    assert f.read_text() == "mine"


def test_review_pages_and_archives_are_owner_only_whatever_the_umask(out, tmp_path):
    assert _mode(out) == 0o700
    r = cli("review", "html", out, umask=0)
    assert r.returncode == 0, r.stderr
    pages = out / "review"
    assert _mode(pages) == 0o700
    assert sorted(_mode(f) for f in pages.iterdir()) == [0o600] * 3
    dest = tmp_path / "elsewhere" / "deep" / "pages"
    r = cli("review", "html", out, "--dest", dest, umask=0)
    assert r.returncode == 0, r.stderr
    for d in (tmp_path / "elsewhere", tmp_path / "elsewhere" / "deep", dest):
        assert _mode(d) == 0o700, d
    assert sorted(_mode(f) for f in dest.iterdir()) == [0o600] * 3
    first, second = review.pending(out)
    assert cli("review", "accept", out, first.id, umask=0).returncode == 0
    assert cli("review", "discard", out, second.id, "--reason", "x", umask=0).returncode == 0
    for sub in ("accepted", "discarded"):
        d = out / "rejected" / sub
        assert _mode(d) == 0o700 and [_mode(f) for f in d.iterdir()] == [0o600]
    assert _mode(out / "gold.jsonl") == 0o600


def test_a_shared_out_gives_its_group_read_access(tmp_path):
    out = _make_out(tmp_path / "shared", shared=True)
    assert _mode(out) == 0o750
    r = cli("review", "html", out, umask=0o077)
    assert r.returncode == 0, r.stderr
    assert _mode(out / "review") == 0o750
    assert sorted(_mode(f) for f in (out / "review").iterdir()) == [0o640] * 3
    first, second = review.pending(out)
    assert cli("review", "accept", out, first.id, umask=0).returncode == 0
    assert cli("review", "discard", out, second.id, "--reason", "x", umask=0).returncode == 0
    for sub in ("accepted", "discarded"):
        d = out / "rejected" / sub
        assert _mode(d) == 0o750 and [_mode(f) for f in d.iterdir()] == [0o640]


def test_html_keeps_files_it_did_not_write(out, tmp_path):
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "0123456789abcdef.html").write_text("<p>my own notes</p>")
    assert cli("review", "html", out, "--dest", dest).returncode == 0
    assert (dest / "0123456789abcdef.html").read_text() == "<p>my own notes</p>"


# ---------------------------------------------------------------------------------------------
# 4. eval: bad gold files and arguments are refused before any extraction

@pytest.fixture
def fake_model(tmp_path):
    m = tmp_path / "fake.gguf"
    m.write_bytes(b"GGUF\x03\x00\x00\x00 not a model")
    return m


GOOD = '{"file": "invoice_01.pdf", "grand_total": "1502.99"}\n'


@pytest.mark.parametrize("name,text,extra,needles", [
    ("bad.jsonl", GOOD + "{not json\n", [], ["line 2", "not JSON"]),
    ("nofile.jsonl", GOOD + '{"grand_total": "1"}\n', [], ["line 2", "'file'"]),
    ("list.jsonl", "[1, 2]\n" + GOOD, [], ["line 1", "not a JSON object"]),
    ("number.jsonl", GOOD + '{"file": 5}\n', [], ["line 2", "'file'"]),
    ("nofile.csv", "name,grand_total\ninvoice_01.pdf,1\n", [], ["no 'file' column"]),
    ("empty.jsonl", "", [], ["no labels"]),
    ("header.csv", "file,grand_total\n", [], ["no labels"]),
    ("elsewhere.jsonl", '{"file": "nowhere/else.pdf", "grand_total": "1"}\n', [],
     ["none of the inputs"]),
    ("ok.jsonl", GOOD, ["--fields", "nosuch"], ["nosuch"]),
    ("ok.jsonl", GOOD, ["--fields", "seller_name"], ["seller_name", "not labelled"]),
    ("ok.jsonl", GOOD, ["--limit", "0"], ["--limit"]),
    ("ok.jsonl", GOOD, ["--report", "{tmp}"], ["--report", "folder"]),
    ("ok.jsonl", GOOD, ["--out", "{gold}"], ["--out"]),
])
def test_eval_refuses_bad_gold_and_arguments_before_extracting(tmp_path, fake_model, name, text,
                                                               extra, needles):
    gold = tmp_path / name
    gold.write_text(text)
    out = tmp_path / "out"
    extra = [a.format(tmp=tmp_path, gold=gold) for a in extra]
    r = cli("eval", "samples/invoice", "--schema", "invoice", "--gold", gold, "--out", out,
            "--model", fake_model, *extra)
    one_line_error(r, *needles)
    assert not out.exists()            # nothing was extracted


def test_eval_gold_file_that_is_not_a_regular_file_is_refused(tmp_path, fake_model):
    fifo = tmp_path / "gold.jsonl"
    os.mkfifo(fifo)                    # reading it would hang
    r = cli("eval", "samples/invoice", "--schema", "invoice", "--gold", fifo, "--out",
            tmp_path / "out", "--model", fake_model, timeout=60)
    one_line_error(r, "gold")


def test_eval_scores_only_the_gold_rows_among_the_inputs(tmp_path):
    out = tmp_path / "out"
    run_batch(PDFS, load_schema("invoice"), FakeBackend(), out, progress=False)
    gold = tmp_path / "gold.jsonl"
    rows = [{"file": p.name, **json.loads(p.with_suffix(".json").read_text())} for p in PDFS]
    rows.append({"file": "elsewhere/other.pdf", "grand_total": "1.00"})
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = cli("eval", *PDFS, "--schema", "invoice", "--gold", gold, "--out", out)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    assert "not among the inputs: 1" in r.stdout + r.stderr
    assert "documents 2 " in r.stdout


def _waiting_on(lock: Path) -> bool:
    """Some process is blocked in flock() on this file (/proc/locks lists waiters with ->)."""
    ino = lock.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        if "->" in line and line.split()[-3].endswith(f":{ino}"):
            return True
    return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_eval_interrupted_says_how_to_continue(tmp_path, sig):
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    lock = out / ".records.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)        # the eval's run waits here until it is interrupted
    gold = tmp_path / "gold.jsonl"
    gold.write_text(GOOD)
    p = subprocess.Popen([sys.executable, "cli.py", "eval", "samples/invoice", "--schema",
                          "invoice", "--gold", str(gold), "--out", str(out)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not _waiting_on(lock):
            assert p.poll() is None, p.communicate()
            assert time.monotonic() < deadline, "eval never reached the extraction"
            time.sleep(0.2)
        p.send_signal(sig)
        stdout, stderr = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
        os.close(fd)
    assert p.returncode == 2, (p.returncode, stderr[-2000:])
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert "interrupted; re-run the same command to continue" in stderr


# ---------------------------------------------------------------------------------------------
# 5. schema files: whatever is wrong in them is one line naming the file and the problem

SCHEMAS = {
    "undefined": ("from __future__ import annotations\nfrom pydantic import BaseModel\n"
                  "class Doc(BaseModel):\n    invoice_number: str\n    total: Missing\n",
                  ["undefined.py", "Missing"]),
    "arbitrary": ("from pydantic import BaseModel\nclass Thing:\n    pass\n"
                  "class Doc(BaseModel):\n    invoice_number: str\n    thing: Thing\n",
                  ["arbitrary.py", "Thing"]),
    "arbitrary_allowed": ("from pydantic import BaseModel, ConfigDict\nclass Thing:\n    pass\n"
                          "class Doc(BaseModel):\n"
                          "    model_config = ConfigDict(arbitrary_types_allowed=True)\n"
                          "    invoice_number: str\n    thing: Thing\n",
                          ["arbitrary_allowed.py", "thing", "Thing"]),
    "syntax": ("from pydantic import BaseModel\nclass Doc(BaseModel)\n    x: int\n",
               ["syntax.py", "syntax error", "line 2"]),
    "raises": ("raise RuntimeError('first line\\nsecond line')\n", ["raises.py", "first line"]),
    "exits": ("import sys\nsys.exit(3)\n", ["exits.py", "exit"]),
}
for _name, _ann in [("dict", "dict"), ("set", "set[str]"), ("tuple", "tuple[int, int]"),
                    ("bytes", "bytes"), ("nested", "Sub"), ("union", "int | str"),
                    ("listint", "list[int]"), ("listdict", "list[dict]")]:
    SCHEMAS[f"type_{_name}"] = (
        "from pydantic import BaseModel\n"
        + ("class Sub(BaseModel):\n    a: str\n" if "Sub" in _ann else "")
        + f"class Doc(BaseModel):\n    invoice_number: str\n    odd: {_ann}\n",
        [f"type_{_name}.py", "odd", _ann.split("[")[0]])


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_bad_schema_files_are_one_line(tmp_path, fake_model, name):
    text, needles = SCHEMAS[name]
    schema = tmp_path / f"{name}.py"
    schema.write_text(text)
    doc = tmp_path / "doc.txt"
    doc.write_text("Invoice No: 1\n")
    r = cli("run", doc, "--schema", schema, "--out", tmp_path / "out", "--model", fake_model)
    one_line_error(r, *needles)
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"file": "doc.txt"}\n')
    r = cli("eval", doc, "--schema", schema, "--gold", gold, "--out", tmp_path / "out2",
            "--model", fake_model)
    one_line_error(r, *needles)


def test_schema_fields_the_tool_can_fill_still_load(tmp_path, fake_model):
    schema = tmp_path / "fine.py"
    schema.write_text(
        "import datetime as dt\nimport uuid\nfrom decimal import Decimal\nfrom typing import "
        "Literal, Optional\nfrom pydantic import BaseModel\n"
        "class Line(BaseModel):\n    amount: Decimal\n"
        "class Doc(BaseModel):\n    invoice_number: str\n    total: Decimal | float\n"
        "    day: dt.date | dt.datetime | None = None\n    kind: Literal['a', 'b'] = 'a'\n"
        "    ref: Optional[uuid.UUID] = None\n    codes: list[str] = []\n"
        "    lines: list[Line] = []\n")
    doc = tmp_path / "doc.txt"
    doc.write_text("Invoice No: 1\n")
    r = cli("run", doc, "--schema", schema, "--out", tmp_path / "out", "--model", fake_model)
    one_line_error(r, "could not load model")      # the schema loaded; the (fake) model did not
    for name in ("invoice", "utility_bill", "insurance_claim", "utility_statement"):
        load_schema(name)


# ---------------------------------------------------------------------------------------------
# 6. review commands need an extraction folder

def test_review_commands_need_an_extraction_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    for folder, needle in ((tmp_path / "nope", "no such folder"), (a_file, "not a folder"),
                           (empty, "not an extraction folder")):
        for args in (("list", folder), ("html", folder), ("show", folder, "0123456789abcdef"),
                     ("accept", folder, "--all"),
                     ("discard", folder, "0123456789abcdef", "--reason", "x")):
            one_line_error(cli("review", *args), needle)
    assert list(empty.iterdir()) == []          # nothing was written into it
