"""Inputs: the paths given on the command line -> the files of a batch (PDF and .txt, folders
recursively, each file once), and each file's content hash (the key of the ledger)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from extractors.errors import RunError
from extractors.read.document import file_sha256

INPUT_SUFFIXES = (".pdf", ".txt")


def collect_inputs(inputs: list[str], limit: int | None = None) -> list[Path]:
    files: list[Path] = []
    for raw in inputs:
        p = Path(raw)
        if not p.exists():
            raise RunError(f"input path does not exist: {raw}")
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file()
                            and f.suffix.lower() in INPUT_SUFFIXES)
        else:
            files.append(p)
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique[:limit] if limit else unique


REPAIR_OPTIONS = 12   # ranked options kept per field for repair_by_rules


def safe_sha(path: Path) -> str:
    """The document's content hash; an unreadable file gets a stable id from its path (so a
    re-run skips it like any other rejected document)."""
    try:
        return file_sha256(path)
    except OSError:
        key = str(Path(path).resolve()).encode("utf-8", "surrogateescape")
        return "unreadable-" + hashlib.sha256(key).hexdigest()
