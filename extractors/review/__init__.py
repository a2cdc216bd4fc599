"""Review queue: the rejections in OUT/rejected/ that reviewers fix, accept or discard.

    OUT/rejected/<id>.json              pending items (written by the pipeline; `fix` adds a
                                        "review" block with the reviewer's corrections)
    OUT/rejected/accepted/<id>.json     accepted items, archived with their review block
    OUT/rejected/discarded/<id>.json    discarded items, archived with the reason (never deleted)
    OUT/records.parquet / .csv          accepted items are appended here with review provenance:
                                        review_status (corrected | approved), reviewed_at,
                                        reviewer, review_id, review_corrections
    OUT/gold.jsonl, OUT/learned.json    what accepted items teach (extractors/learn.py)
    OUT/.review.lock                    review commands on one OUT run one at a time

Accept is crash-safe: the record is written first (records carry the document's hash and the
item id), then the item file is moved out of the queue with one atomic rename. Every review
command starts by finishing interrupted accepts: a queued item whose record is already in
records (same document hash, schema and item id) is moved out instead of being appended again.
So an item is in the queue or in records, never both (once any review command has run) and never
neither. Concurrent accepts are serialized by the lock; the records write itself is
extractors.write.append_records (atomic replace, and it replaces rather than duplicates a
document's row).

Where the code is: the queue's files, lock and archives in review_queue.py; `list` and `show`
in listing.py; `fix` in review_fix.py; `accept` and `discard` in review_accept.py; finishing interrupted
commands in review_recover.py. Every public name is importable from this package.
"""
from __future__ import annotations

from extractors.review.accept import AcceptResult, accept, discard
from extractors.review.fix import check, coerce, fix, parse_assignments, schema_of
from extractors.review.listing import format_list, format_show, list_items
from extractors.review.queue import (ACCEPTED, DISCARDED, LOCK, QUEUE, Item, check_out,
                                     default_reviewer, discarded_hashes, get_item, pending,
                                     queue_dir, resolve_source, review_lock)
from extractors.errors import ReviewError
from extractors.review.recover import recover
