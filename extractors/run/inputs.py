"""Inputs: the paths given on the command line -> the files of a batch (PDF and .txt, folders
recursively, each file once), and each file's content hash (the key of the ledger).

A folder's entries named *.pdf / *.txt that are not regular files (a FIFO, socket or device, a
symbolic link to a folder, a broken or looping link) are part of the batch too, so that each is
rejected `not_a_file` rather than silently left out; they are never opened. Symbolic links to
folders are not followed. File names are kept as the bytes the file system has (Python's
surrogate escapes); they are written out with write.printable_path."""
from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from extractors.errors import RunError
from extractors.read.document import file_sha256
from extractors.write.files import printable_path

INPUT_SUFFIXES = (".pdf", ".txt")


def _given(raw: str) -> Path:
    """A path named on the command line, or the RunError saying what is wrong with it."""
    p = Path(raw)
    try:
        os.stat(p)
    except OSError as exc:
        shown = printable_path(raw)
        if exc.errno == errno.ELOOP:
            raise RunError(f"input path is a symbolic link loop: {shown}") from None
        if exc.errno == errno.ENOENT and os.path.islink(p):
            raise RunError(f"input path is a broken symbolic link (its target does not exist): "
                           f"{shown}") from None
        if exc.errno == errno.ENOENT:
            raise RunError(f"input path does not exist: {shown}") from None
        raise RunError(f"input path cannot be read: {shown} "
                       f"({exc.strerror or type(exc).__name__})") from None
    return p


def _in_folder(folder: Path) -> list[Path]:
    found = []
    for f in folder.rglob("*"):
        if f.suffix.lower() not in INPUT_SUFFIXES:
            continue
        try:
            if f.is_dir() and not f.is_symlink():
                continue            # a folder named x.pdf: its files are walked
        except OSError:
            pass
        found.append(f)             # regular or not: read_document decides (not_a_file)
    return sorted(found)


def _key(f: Path) -> str:
    try:
        return os.path.realpath(f)
    except (OSError, RuntimeError, ValueError):
        return os.path.abspath(f)


def collect_inputs(inputs: list[str], limit: int | None = None) -> list[Path]:
    if limit is not None and limit < 1:
        raise RunError(f"--limit must be 1 or more, not {limit}")
    files: list[Path] = []
    for raw in inputs:
        p = _given(raw)
        if p.is_dir():
            try:
                files += _in_folder(p)
            except OSError as exc:
                raise RunError(f"input folder cannot be read: {printable_path(raw)} "
                               f"({exc.strerror or type(exc).__name__})") from None
        else:
            files.append(p)         # a FIFO or device named here: rejected not_a_file
    seen, unique = set(), []
    for f in files:
        key = _key(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique[:limit] if limit else unique


REPAIR_OPTIONS = 12   # ranked options kept per field for repair_by_rules


def safe_sha(path: Path) -> str:
    """The document's content hash; a file that cannot be read (not a regular file, no
    permission) gets a stable id from its path (so a re-run skips it like any other rejected
    document) and is never opened."""
    try:
        return file_sha256(path)
    except Exception:  # noqa: BLE001 - DocumentError (not_a_file, unreadable) or OSError
        key = os.fsencode(_key(Path(path)))
        return "unreadable-" + hashlib.sha256(key).hexdigest()
