"""Decide stage: ranked Candidates -> one value per field (or none) with a confidence, then a
validated record. The model (a Backend) only chooses among printed options under a constrained
answer; code validates, and repairs a record that breaks a business rule with other printed
values. `--schema auto` classifies a document among schemas first.

    backends.py     Backend protocol, the llama.cpp backend, the model file and its hash
    server_backend.py  the same choice from an OpenAI-compatible model server (--model-url)
    serve.py        llama.cpp's server for a GGUF, loaded as the in-process model is
    choose.py       the prompt, the model's answer combined with the label scores
    validate.py     values -> a schema-valid record, or DocumentError with per-field messages
    rule_repair.py  a record breaking a rule -> the change among printed values that passes
    classify.py     Document + schemas -> the schema that fits (--schema auto)
    settings.py     the stage's tuned numbers
"""
from extractors.decide.backends import BACKENDS, Backend, load_backend
from extractors.decide.choose import choose_field

__all__ = ["Backend", "BACKENDS", "load_backend", "choose_field"]
