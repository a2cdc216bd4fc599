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
# values stated in sentences (extractors/locate/prose.py); measured on real NDAs with a plain
# schema written before tuning (docs/contracts.md)
PROSE_BASE = 0.2           # a sentence value with no cue: under the 0.3 "none" prior of optional fields
PROSE_CUE_WEIGHT = 0.8     # how much its sentence's cue (-1..1, extractors/prose_cues.py) adds
PROSE_PLACE_KIND = 0.05    # a US state when the field says "state" (a country when it says "country")
PROSE_SHORT_UNIT = 0.2     # "30 days", "2 weeks": notice periods more often than an agreement's term
PROSE_PAGE_DECAY = 0.02    # per page after the first (up to 5): a contract dates itself up front
PARTY_PAGES = 2            # pages whose sentences name the parties
PARTY_DEFINED = 0.65       # a name given a defined term ('Acme Corp. (the "Company")')
PARTY_LEGAL = 0.35         # any company name with a legal form on page 1
PARTY_AGREE = 0.1          # per other way the same name was found
LETTER_DATE = 0.45         # cue of a date alone on its line at the top of page 1 (a letter's date)
LETTER_DATE_TOP = 0.35     # ... in this top share of the page
LAST_SIGNATURE = 0.06      # the latest of several signature dates ("Date: ...")
PARTY_SIGNS = 0.5          # a company name over a "By:" line in a signature block
PARTY_SIGNS_SELF = 0.5     # a person signing for themselves ("/s/ Name" without "By:")
PARTY_ADDRESSEE = 0.5        # the person a letter is addressed to ("Dear Mr. Ashmore:")
ABOVE_WEIGHT = 0.8          # a label printed above a value counts this much of one beside it
ABOVE_AFTER_KEY = 0.5       # ... and this much when the value follows another key and its colon
                            # ("Next meter reading date: Tuesday, Aug 2" under "Current balance
                            # due"; real utility bills, plain schema: due dates 0.909 -> 1.000,
                            # the other dev sets equal; docs/measurements.md, session 10)
# a label listed earlier weighs more: this much less per place for the first ten, then this
# much less per place after them (a literal translation of the field's name, listed before the
# synonyms, beats a synonym listed later: "N° du compte" over "N° client" for an account number)
LABEL_RANK_STEP = 0.015
LABEL_RANK_TAIL = 0.0002
# a name field's candidate that holds a date or an amount, or reads as a sentence, is weaker by
# this much (a bill's "Payments through Mar 14" under "Total charges from your last bill")
NAME_NOT_DATED = 0.3
NAME_NOT_SENTENCE = 0.2
