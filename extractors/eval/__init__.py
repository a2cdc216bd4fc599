"""Eval stage: an extraction folder OUT + gold labels -> per-field accuracy, straight-through
rate and accepted-record precision (score.py; `extract eval`)."""
from extractors.eval.score import evaluate, format_report, load_gold, scored_fields, select_gold

__all__ = ["evaluate", "format_report", "load_gold", "scored_fields", "select_gold"]
