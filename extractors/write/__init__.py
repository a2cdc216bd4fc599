"""Write stage: accepted records -> OUT/records.parquet + OUT/records.csv (appended, never
dropping earlier rows); rejections -> OUT/rejected/<doc id>.json.

Guarantees, for every writer (a run, a reviewer's `review accept`, several at once):

- Every file is written to a temp file in the same folder, fsynced and renamed into place (then
  the folder is fsynced), so a crash never leaves a half-written output.
- Every read-modify-write of the records files, and every change to rejected/, happens under an
  exclusive lock on OUT/.records.lock (`records_lock`), so concurrent writers never lose or
  duplicate rows.
- A document is in records or in rejected/, never both, even after a crash. Accepting first
  renames the document's rejection aside (rejected/.<id>.json.accepting), then writes the
  record, then deletes the renamed file; a crash in between is finished or undone by `repair`
  (record present: delete it; absent: rename the rejection back). Rejecting removes the record
  first and then writes the rejection; a crash in between leaves the document in neither, so it
  is not in the ledger and the next run redoes it.
- A value that would not survive the typed columns unchanged (a decimal out of range, a time
  on a date) raises instead of being written as null or truncated.
- Files are owner-only (0600, folders 0700) unless a mode is given (`SHARED_FILE_MODE` gives
  group read), whatever the umask; rewriting a file keeps its mode; a run applies its mode to
  everything it and the review commands keep under OUT (`set_output_mode`).
- Frames become Parquet/CSV bytes in memory and Python writes them (`write_bytes`), so a full
  disk or another write error is an OSError (errno set), never a library's error; the file
  being replaced stays as it was.
- Text UTF-8 cannot hold (a file name that is not UTF-8) is written with `printable`: each
  such byte as the four characters \\xNN (`source_path` reads it back).

Where the code is: write_files.py (atomic writes, modes, the lock), write_frames.py (typed
frames, CSV), write_records.py (records, part files, rejections), write_items.py (child tables);
`repair` and `set_output_mode` in repair.py. Every public name is importable from this package.
"""
from __future__ import annotations

from extractors.write.files import (FILE_MODE, LOCK_NAME, SHARED_FILE_MODE, fsync_dir,
                                    atomic_write, dir_mode, ensure_dir, frame_bytes, printable,
                                    printable_path, records_lock, source_path, write_bytes,
                                    write_json)
from extractors.write.frames import FORMULA_START, csv_safe, rows_frame
from extractors.write.items import (ITEM_KEY_COLUMNS, ITEMS_PREFIX, append_items, drop_items,
                                    items_fields, items_frame, items_paths, prune_items,
                                    read_items)
from extractors.write.records import (ACCEPTING, KEY, PARTS, RECORDS, RECORDS_CSV, REJECTED,
                                      part_files, append_records, compact_records, doc_id,
                                      drop_records, read_records, rejection_path, write_rejection)
from extractors.write.repair import OUTPUT_FILES, STALE_TEMP_SECONDS, repair, set_output_mode
