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
