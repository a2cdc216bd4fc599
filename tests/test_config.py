"""Settings in one place per stage, changed by a TOML config file (extractors/config.py)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT
from extractors.config import all_settings, apply_config
from extractors.errors import RunError
from extractors.read import settings as read_settings


def test_every_stage_has_settings_with_a_note():
    got = all_settings()
    assert {s.section for s in got} == {"read", "locate", "decide", "run", "review",
                                               "monitor"}
    assert all(s.key == s.key.lower() for s in got)
    assert sum(1 for s in got if s.note) >= 0.8 * len(got)


def test_a_config_file_changes_a_setting_and_refuses_unknown_keys(tmp_path, monkeypatch):
    monkeypatch.setattr(read_settings, "PARSE_TIMEOUT", read_settings.PARSE_TIMEOUT)
    cfg = tmp_path / "c.toml"
    cfg.write_text("[read]\nparse_timeout = 12\n")
    changed = apply_config(cfg)
    assert read_settings.PARSE_TIMEOUT == 12.0 and isinstance(read_settings.PARSE_TIMEOUT, float)
    assert [(s.section, s.key) for s in changed] == [("read", "parse_timeout")]
    for bad in ("[read]\nno_such = 1\n", "[nowhere]\nx = 1\n", "[read]\ndpi = 'high'\n",
                "[read]\nreocr_scan_layers = 1\n", "not toml ["):
        cfg.write_text(bad)
        with pytest.raises(RunError):
            apply_config(cfg)


def test_settings_command_shows_a_configured_value_and_run_refuses_a_bad_config(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[run]\nread_ahead = 1\n")
    out = subprocess.run([sys.executable, "cli.py", "settings", "--config", str(cfg)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "read_ahead = 1 " in out.stdout
    cfg.write_text("[run]\nread_ahed = 1\n")
    bad = subprocess.run([sys.executable, "cli.py", "run", str(ROOT / "samples" / "invoice"),
                          "--schema", "invoice", "--out", str(tmp_path / "o"), "--config",
                          str(cfg)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "read_ahed" in bad.stderr and "Traceback" not in bad.stderr
