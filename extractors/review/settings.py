"""Review settings: how reviewers' accepted records teach later documents (extractors/review/
learn.py), each with what measured it. Change them with a config file ([review] section;
`extract settings` lists them); code reads them as `settings.NAME` at call time."""
from __future__ import annotations

MIN_SIMILARITY = 0.4      # Jaccard of first-page word sets; same template ~0.5-0.9, others < 0.3
MAX_NEIGHBOURS = 5
MAX_WORDS = 600
LEARNED_FIRST = True     # learned labels before the schema's (measured: bench/corrections.py)
POSITION_BONUS = 0.5      # score added to an option printed where the learned values were
POSITION_TOL = (0.02, 0.012)   # relative x, y tolerance
ACROSS_LAYOUTS = True     # corrections teach labels for other layouts too (after the schema's)
ACROSS_MIN_LAYOUTS = 2    # taught in at least this many unlike layouts (bench/corrections_across.py)
