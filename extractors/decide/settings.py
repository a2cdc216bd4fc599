"""Decide stage settings: how the model's answer and the label scores combine, how a document
type is recognised (--schema auto) and how far business-rule repair looks, each with what
measured it. Change them with a config file ([decide] section; `extract settings` lists them);
code reads them as `settings.NAME` at call time."""
from __future__ import annotations

N_CTX = 4096            # model context (tokens); a 150-page statement's prompt is 235 tokens
MODEL_EXTRA_BUFFERS = "auto"   # llama.cpp repacked/AMX weight buffers: auto, on, off; auto is off
                               # when the library has AMX kernels (SIGILL on the test VMs)
SERVER_ENDPOINT = "completions"  # --model-url: "completions" sends the prompt as plain text +
                       # "Answer: " (as the in-process model gets it without a chat template);
                       # "chat" lets the server wrap it in its model's chat template
SERVER_TOP_LOGPROBS = 20   # first-token log-probabilities asked of a model server (OpenAI's and
                           # vLLM's limit); option numbers outside them count as improbable
SERVER_TIMEOUT = 120.0     # seconds to wait for one answer (or connection) from a model server
ASK_MARGIN = 0.15
PRIOR_WEIGHT = 4.0      # how much the label score counts against the model's log-probability
NONE_PRIOR_REQUIRED = 0.15   # the label score of "none of these" for a required field
NONE_PRIOR_OPTIONAL = 0.3    # ... and for an optional one: under it, an optional field is left
                             # empty without asking the model (bench/plain.py --model, bills:
                             # 3 values the model had made up, none lost on the other sets)
LEFT_CONTEXT = 48       # characters of the printed line shown before the value (labels sit left)
RIGHT_CONTEXT = 16      # and after it
CLASSIFY_MIN_SCORE = 0.15        # below this no schema's labels are really printed on the document
CLASSIFY_MIN_MARGIN = 0.03       # a tie this close between weak scores is no decision
CLASSIFY_CONFIDENT_SCORE = 0.5   # ... unless the winner's own labels are clearly there
CLASSIFY_TEMPERATURE = 0.06      # softmax temperature over scores -> confidence
CLASSIFY_PAGES = 3               # the labels of a document type are on its first pages
CLASSIFY_STRONG = 0.6            # a field match under this counts for little (a word, not a label)
REPAIR_WIDTHS = (12, 12, 4)   # options tried per field when 1, 2, 3 fields change at once
REPAIR_LIMIT = 20000          # combinations validated per step at most
CLOSE_SCORE = 0.1       # confidence: options scoring this close to the chosen one are rivals
LIST_MIN_SCORE = 0.55    # a list field (parties) keeps every value scored at least this
LIST_MAX = 6             # ... up to this many
LIST_ASK_BELOW = 0.0     # ... and asks the model about options scored up to this far under it (0: never;
                         # at 0.25 gemma-3-270m took real NDAs' parties 0.750 -> 0.679, docs/contracts.md)
LIST_MODEL_YES = 0.65    # the model's probability that makes such an option a value
SENTENCE_ASK_MIN = 0.3   # the model chooses between sentence values only when two score this much
