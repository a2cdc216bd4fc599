"""Accepted-record precision and field accuracy if records whose weakest field's confidence is
under t went to review (counted wrong, as `extract eval` counts rejections), for several t.

    python bench/precision_curve.py OUT REPORT.json   (OUT and REPORT of `extract eval --out --report`)
"""
import json
import os
import sys

import polars as pl
out, rep = sys.argv[1], sys.argv[2]
r = json.load(open(rep)); nf = len(r['per_field']) if isinstance(r['per_field'], dict) else 5
d = pl.read_parquet(out + '/records.parquet')
conf = {os.path.basename(s): (m, json.loads(c)) for s, m, c in zip(d['source_file'], d['min_confidence'], d['confidence'])}
docs = r['documents_detail']; n = len(docs)
rows = []
for x in docs:
    if x['status'] != 'accepted': continue
    m, c = conf.get(os.path.basename(x['file']), (None, {}))
    rows.append((m, len(x['wrong'])))
print("threshold  accepted  precision  field_acc")
for t in [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]:
    acc = [(m, w) for m, w in rows if m is not None and m >= t]
    ok = sum(1 for _, w in acc if w == 0)
    right = sum(nf - w for _, w in acc)
    print(f"{t:9.2f}  {len(acc):8d}  {ok/max(len(acc),1):9.3f}  {right/(n*nf):9.3f}")
