"""CLI: bad arguments and bad inputs give one line and a non-zero exit, never a traceback."""
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import ROOT


@pytest.mark.parametrize("args,needle", [
    (["run", "samples/invoice", "--schema", "nope"], "unknown schema"),
    (["run", "does/not/exist", "--schema", "invoice"], "input path does not exist"),
    (["run", "samples/invoice", "--schema", "invoice", "--model", "/no/such.gguf"],
     "model file not found"),
    (["run", "samples/invoice", "--schema", "missing_file.py"], "schema file not found"),
])
def test_run_level_errors_are_one_line(args, needle):
    r = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_not_a_gguf_model_is_refused(tmp_path):
    fake = tmp_path / "m.gguf"
    fake.write_bytes(b"not a model")
    r = CliRunner().invoke(main, ["run", str(ROOT / "samples/invoice"), "--schema", "invoice",
                                  "--model", str(fake)])
    assert r.exit_code != 0 and "not a GGUF" in r.output


def test_schemas_lists_builtin_schemas_with_fields():
    r = CliRunner().invoke(main, ["schemas"])
    assert r.exit_code == 0
    for name in ("utility_bill", "insurance_claim", "invoice", "grand_total", "provider_npi"):
        assert name in r.output


def test_user_schema_with_several_models_needs_a_class(tmp_path):
    f = tmp_path / "two.py"
    f.write_text("from pydantic import BaseModel\nclass A(BaseModel):\n  x: str\n"
                 "class B(BaseModel):\n  y: str\n")
    r = CliRunner().invoke(main, ["run", str(tmp_path), "--schema", str(f)])
    assert r.exit_code != 0 and "several models" in r.output


def test_read_ahead_option_reaches_the_pipeline(tmp_path, monkeypatch, invoice_txt,
                                                fake_backend):
    import extractors.decide.backends as model_mod
    import extractors.run as pipeline
    seen = []
    real_run = pipeline.run_batch

    def run_batch(*args, **kw):
        seen.append(kw.get("read_ahead"))
        return real_run(*args, **kw)
    monkeypatch.setattr(model_mod, "load_backend", lambda *a, **kw: fake_backend)
    monkeypatch.setattr(pipeline, "run_batch", run_batch)
    for n in (None, "0", "2"):
        out = tmp_path / f"out-{n}"
        args = ["run", str(invoice_txt), "--schema", "invoice", "--out", str(out), "--quiet"]
        r = CliRunner().invoke(main, args + (["--read-ahead", n] if n else []))
        assert r.exit_code == 0, r.output
        assert "documents: 1  accepted: 1" in r.output
    assert seen == [None, 0, 2]      # None: the run's setting (run.read_ahead)
    r = CliRunner().invoke(main, ["run", str(invoice_txt), "--schema", "invoice", "--out",
                                  str(tmp_path / "bad"), "--read-ahead", "-1"])
    assert r.exit_code != 0 and "read-ahead" in r.output
