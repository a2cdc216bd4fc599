"""Read the evidence of scanned documents back with OCR: every value of OUT/records.parquet on
an OCR'd document (bench/scans_adbuy.is_scan) is looked for in the OCR of its box (then of its
line, then turned a quarter/half turn: a page printed sideways or upside down).

    python bench/evidence_ocr.py OUT
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / "bench"))
import polars as pl
from scans_adbuy import is_scan
from tests.evidence_check import ocr_in_box
d = pl.read_parquet(sys.argv[1] + '/records.parquet')
n = same = inband = 0
for s, e in zip(d['source_file'], d['evidence']):
    if not is_scan(Path(s)): continue
    ev = json.loads(e)
    for f, v in ev.items():
        for x in (v if isinstance(v, list) else [v]):
            if not x: continue
            want = ''.join(x['text'].split())
            if x['bbox'][0] > x['bbox'][2]: print('INVERTED BOX', Path(s).name[:8], f); n += 1; continue
            got = ocr_in_box(s, x['page'], x['bbox'])
            band = got if got == want else ocr_in_box(s, x['page'], x['bbox'], pad=150)
            for t in (2, 1, 3):
                if want in band: break
                band = ocr_in_box(s, x['page'], x['bbox'], turns=t) + '|' + ocr_in_box(s, x['page'], x['bbox'], pad=150, turns=t)
            n += 1; same += got == want; inband += want in band
            if want not in band: print(Path(s).name[:8], f, repr(want), repr(got), repr(band[:80]))
print(f"scan values {n}, OCR of the box equal {same}, value in the OCR of its line {inband}")
