"""Locate stage settings: how line-item tables are recognised and how OCR-misread label words are
read, each with what measured it. Change them with a config file ([locate] section; `extract
settings` lists them); code reads them as `settings.NAME` at call time."""
from __future__ import annotations

HEADER_MATCH = 0.55        # label_match a header cell needs to name a sub-field's column
CLEAR_MATCH = 0.85         # ... to name it word for word ("Amount", "Total", "Gesamtpreis")
GAP_LINES = 6.0            # a vertical gap of this many line heights ends a table
OCR_LABEL_MIN_LEN = 6          # shorter words are too often other words one edit away ("Rates"/"dates")
OCR_LABEL_MAX_EDITS = 1
ADDRESS_BLOCK_LINES = 4    # lines of its column under a name that may hold street, postcode-and-town
ADDRESS_SCAN_LINES = 8     # text lines looked through for them (other columns' lines interleave)
ADDRESS_COLUMN_TOL = 8.0   # points: an address block's lines start where its name starts
