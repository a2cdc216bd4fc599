"""Business-rule repair: a record that breaks one of its schema's rules ("net + tax != total",
"due before issued") takes, among the other values printed in the document, the change that
passes validation at the least cost in label score. Every value still comes from the document.

Steps, the first that finds a valid record wins (within a step, the cheapest change):
1. one field takes another of its options: any printed amount (an amount that makes the
   arithmetic work is evidence by itself, wherever it ranked), or one of a date's first 12;
2. two fields change (first 12 options each), then three (first 4 each).
No value is dropped to make a rule pass: printed amounts that disagree go to review.
A changed field's confidence is the calibrated probability of its option's signals (its own
label score, and its margin to the labels' favourite: negative, as repair takes a weaker one)."""
from __future__ import annotations

import itertools

from pydantic import ValidationError
from extractors.decide import settings
from extractors.decide.confidence import repaired_probability


def _score_of(ex, name: str) -> float:
    cur = [o.score for o in ex.options[name] if o.value == ex.values.get(name)]
    return cur[0] if cur else 0.0


def _first_valid(model, ex, trials) -> dict | None:
    for _cost, changes in sorted(trials, key=lambda t: t[0])[:settings.REPAIR_LIMIT]:
        values = dict(ex.values)
        values.update({n: o.value for n, o in changes})
        try:
            model.model_validate(values)
        except ValidationError:
            continue
        return dict(changes)
    return None


def repair_by_rules(model, ex, kinds=("money", "date"), widths: tuple[int, ...] | None = None,
                    all_options=None) -> bool:
    """Change `ex` (an Extraction) in place so that it validates; True when a change was found.
    `all_options`: field -> callable giving every ranked option of a money field (step 1)."""
    widths = settings.REPAIR_WIDTHS if widths is None else widths
    names = [n for n, opts in ex.options.items()
             if opts and opts[0].kind in kinds]
    all_options = all_options or {}

    def alternatives(n, width):
        opts = ex.options[n]
        if width is None and opts[0].kind == "money" and n in all_options:
            opts = all_options[n]()
        elif width is None:
            opts = opts[:widths[0]]
        else:
            opts = opts[:width]
        return [o for o in opts if o.value != ex.values.get(n)]

    def steps():   # built one at a time: most repairs end at the first
        yield [(_score_of(ex, n) - o.score, ((n, o),))
               for n in names for o in alternatives(n, None)]
        for k, width in enumerate(widths[1:], start=2):
            trials = []
            for group in itertools.combinations(names, k):
                for combo in itertools.product(*(alternatives(n, width) for n in group)):
                    cost = sum(_score_of(ex, n) - o.score for n, o in zip(group, combo))
                    trials.append((cost, tuple(zip(group, combo))))
            yield trials
    for trials in steps():
        changes = _first_valid(model, ex, trials)
        if changes is None:
            continue
        for n, o in changes.items():
            ex.values[n] = o.value
            ex.evidence[n] = o.evidence()
            top = ex.options[n][0].score if ex.options.get(n) else o.score
            ex.confidence[n] = repaired_probability(
                ex.raw_output.get(n, {}).get("signals"), o.score, top)
            ex.raw_output.setdefault(n, {})["repaired"] = o.text
        return True
    return False
