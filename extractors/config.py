"""Settings of every stage, as one table: the stages' settings modules -> (section, key, value,
what measured it), and a TOML config file -> those settings changed for this run.

    [read]
    parse_timeout = 120
    reocr_scan_layers = false
    [run]
    read_ahead = 2

Each stage keeps its tuned numbers in its own `settings.py` (extractors/<stage>/settings.py);
code reads them as `settings.NAME` at call time, so a config file applied before the run
starts (and inherited by the parser and OCR children, which are forked) changes them. A key
that is not a setting, or a value of the wrong type, is a run error naming the key."""
from __future__ import annotations

import importlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import RunError

SECTIONS = {   # config section -> the stage's settings module
    "read": "extractors.read.settings",
    "locate": "extractors.locate.settings",
    "decide": "extractors.decide.settings",
    "run": "extractors.run.settings",
    "review": "extractors.review.settings",
    "monitor": "extractors.monitor.settings",
}


@dataclass
class Setting:
    section: str
    key: str          # lower case in config files; NAME upper case in the module
    value: object
    note: str         # the comment beside it in its settings module


def _module(section: str):
    return importlib.import_module(SECTIONS[section])


def _notes(module) -> dict[str, str]:
    """NAME -> the comment on its line and the comment lines just above it."""
    notes, above = {}, []
    for line in Path(module.__file__).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Z][A-Z0-9_]*)\s*=.*?(?:#\s*(.*))?$", line)
        if m:
            notes[m.group(1)] = " ".join(above + [m.group(2) or ""]).strip()
            above = []
        elif line.startswith("#"):
            above.append(line.lstrip("# ").strip())
        elif line.strip().startswith("#") and notes:     # a comment continued under a setting
            last = next(reversed(notes))
            notes[last] = (notes[last] + " " + line.strip().lstrip("# ")).strip()
        else:
            above = []
    return notes


def all_settings() -> list[Setting]:
    out = []
    for section in SECTIONS:
        mod = _module(section)
        notes = _notes(mod)
        for name in notes:
            out.append(Setting(section, name.lower(), getattr(mod, name), notes[name]))
    return out


def _typed(value, current, where: str):
    """The config value in the type of the setting it replaces, or RunError."""
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
    elif isinstance(current, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(current, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                value == value and abs(value) != float("inf"):
            return float(value)
    elif isinstance(current, tuple):
        if isinstance(value, list) and len(value) == len(current):
            return tuple(_typed(v, c, where) for v, c in zip(value, current))
    elif isinstance(current, str):
        if isinstance(value, str):
            return value
    raise RunError(f"config {where}: expected {type(current).__name__} like {current!r}, "
                   f"got {value!r}")


def apply_config(path: Path) -> list[Setting]:
    """Set the settings a TOML file names; -> the settings changed."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RunError(f"cannot read config {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RunError(f"config {path} is not valid TOML: {exc}") from None
    changed = []
    for section, values in data.items():
        if section not in SECTIONS or not isinstance(values, dict):
            raise RunError(f"config {path}: unknown section [{section}] "
                           f"(sections: {', '.join(SECTIONS)}; see `extract settings`)")
        mod = _module(section)
        notes = _notes(mod)
        for key, value in values.items():
            name = key.upper()
            if name not in notes:
                raise RunError(f"config {path}: [{section}] has no setting '{key}' "
                               "(see `extract settings`)")
            typed = _typed(value, getattr(mod, name), f"[{section}] {key}")
            setattr(mod, name, typed)
            changed.append(Setting(section, key, typed, notes[name]))
    return changed


def snapshot() -> dict[str, dict[str, object]]:
    """Every setting's current value (section -> NAME -> value), for a process that does not
    inherit this one's memory (a spawned model worker, a Ray actor) to `restore`."""
    return {section: {name: getattr(_module(section), name) for name in _notes(_module(section))}
            for section in SECTIONS}


def restore(values: dict[str, dict[str, object]]) -> None:
    """Set the settings a `snapshot` holds (in a model worker, before it does anything)."""
    for section, names in values.items():
        mod = _module(section)
        for name, value in names.items():
            setattr(mod, name, value)
