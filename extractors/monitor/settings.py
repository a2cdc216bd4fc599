"""Monitor settings: what counts as drift between runs, each with why it is set so. Change them
with a config file ([monitor] section; `extract settings` lists them); code reads them as
`settings.NAME` at call time. The tests they tune are explained in docs/monitoring.md."""
from __future__ import annotations

BASELINE_RUNS = 5         # a run is compared with the pooled counts of the previous 5 runs
MIN_DOCS = 5              # fewer documents on either side: that field or family is not compared
PSI_THRESHOLD = 0.25      # confidences: PSI >= 0.25 is the usual "significant shift" line
RATE_SHIFT = 0.10         # found-rate, rejected or unclassified share moved by 10 points or more
CONFIDENCE_LEVEL = 0.99   # ... and chance at these document counts ruled out at this level
CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0)   # bin edges of confidences for the PSI
                          # few bins: with tens of documents a run, more bins only add noise
NEW_FAMILY_MIN_DOCS = 5   # a layout family first seen in a run with this many documents
QUANTILES = (0.1, 0.25, 0.5, 0.75, 0.9)   # confidence quantiles kept per field and run
