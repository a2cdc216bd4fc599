"""Locate stage: Document + FieldSpecs -> per field, the values printed in it that could fill
it (Candidates with page, span, box and the labels printed beside them), ranked by how well
those labels match the field's labels; and repeated parts (line items) read from the layout.

    candidates.py   dates, amounts, ids, names, currencies found on every page
    page_index.py   a page's lines, cells and labels, indexed; a span -> a Candidate
    names.py        names over two lines and sender lines (issuer / recipient)
    rank.py         candidates -> the most plausible few, scored by their labels
    ocr_labels.py   OCR-misread label words read as the schema's words
    line_items.py   list[SubModel] fields -> items (item_header.py, item_rows.py: tables)
    prose.py        values stated in sentences (contracts: parties, effective date, governing
                    law, term): sentences.py, parties.py, durations.py
"""
from extractors.locate.candidates import find_candidates
from extractors.locate.line_items import extract_items
from extractors.locate.rank import label_match, rank

__all__ = ["find_candidates", "rank", "label_match", "extract_items"]
