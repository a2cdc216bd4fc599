"""Model server backend: a prompt with n numbered options -> the probability of each answer,
from an OpenAI-compatible server (llama.cpp's server, vLLM) instead of the in-process model.

The server is asked for one token at temperature 0, with the answer constrained to the option
numbers (a GBNF grammar, or a JSON schema, whichever it honours) and with the log-probabilities
of its most likely first tokens. As in-process (extractors/decide/backends.py), the answer's
distribution is the softmax of the option numbers' scores renormalised over those numbers
alone: from the same model and prompt it is the same. What the server supports is checked once
at start (`probe_server`): a server that gives neither log-probabilities nor a constrained
answer is refused with one line. With log-probabilities but no constraint the answer is still
read from them; with a constraint but no log-probabilities the constrained answer counts as
certain (the confidence then rests on the label signals).

The prompt goes to /v1/completions as plain text followed by "\\nAnswer: " (what the
in-process model gets when its GGUF has no chat template, like the embedded one), or, with
decide.server_endpoint = "chat", to /v1/chat/completions, wrapped in the server's chat template.
"""
from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from extractors.decide import settings
from extractors.errors import RunError

PROBE_PROMPT = "Write the digit seven."
PROBE_ANSWER = "7"


def constraint_fields(style: str, answers: list[str]) -> dict:
    """The request fields that restrict the answer to `answers`, in a server's own terms."""
    schema = {"type": "integer", "enum": [int(a) for a in answers]}
    if style == "grammar":            # llama.cpp's servers (GBNF)
        return {"grammar": "root ::= " + " | ".join(f'"{a}"' for a in answers)}
    if style == "json_schema":        # llama.cpp's server
        return {"json_schema": schema}
    if style == "response_format":    # vLLM, OpenAI-style structured output
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": "answer", "schema": schema}}}
    raise ValueError(style)


CONSTRAINTS = ("grammar", "json_schema", "response_format")   # tried in this order


@dataclass
class ServerProbe:
    """What a model server was found to support at start (sent to every worker)."""
    model: str                  # the model the server names (/v1/models), for provenance
    logprobs: bool              # it returns the log-probabilities of first tokens
    constraint: str | None      # how it restricts an answer (CONSTRAINTS), or None


def server_base(url: str) -> str:
    """--model-url -> the server's base URL (scheme://host[:port][/path], no trailing /v1),
    or RunError for anything that is not an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        _ = parts.port                      # a bad port raises here
    except ValueError:
        host = None
    if parts.scheme not in ("http", "https") or not host:
        raise RunError(f"--model-url must be an http:// or https:// URL of a model server, "
                       f"not {url!r}")
    base = url.strip().rstrip("/")
    return base[:-3] if base.endswith("/v1") else base


def is_loopback(url_or_host: str) -> bool:
    """True when a URL's (or an address's) host is this machine by its loopback name:
    localhost, 127.0.0.0/8 or ::1. Other names are not resolved (a name could lead anywhere)."""
    text = url_or_host.strip()
    if "://" in text:
        host = urlsplit(text).hostname or ""
    else:   # host:port, [v6]:port, or a bare host
        host = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _top_logprobs(choice: dict) -> dict[str, float]:
    """The first generated token's top log-probabilities (token text -> log-probability), in
    either shape servers use: {"top_logprobs": [{token: lp}]} (completions) or
    {"content": [{"top_logprobs": [{"token", "logprob"}]}]} (chat, llama.cpp's server)."""
    lp = choice.get("logprobs") or {}
    got: dict[str, float] = {}
    if isinstance(lp.get("top_logprobs"), list) and lp["top_logprobs"]:
        first = lp["top_logprobs"][0] or {}
        items = first.items() if isinstance(first, dict) else []
    elif isinstance(lp.get("content"), list) and lp["content"]:
        items = [(t.get("token"), t.get("logprob"))
                 for t in lp["content"][0].get("top_logprobs") or []]
    else:
        items = []
    for tok, val in items:
        if isinstance(tok, str) and isinstance(val, (int, float)) and not math.isnan(val):
            got[tok] = max(float(val), got.get(tok, -math.inf))
    return got


def _text(choice: dict) -> str:
    if "text" in choice:
        return choice.get("text") or ""
    return (choice.get("message") or {}).get("content") or ""


def answer_probs(choice: dict, answers: list[str]) -> list[float]:
    """A server's choice -> the probability of each answer: the softmax of the answers'
    log-probabilities over the answers alone (those outside the top list count as 0); if none
    is there, the answer given (constrained) as certain; else no information (uniform)."""
    top = _top_logprobs(choice)
    vals = [top.get(a, -math.inf) for a in answers]
    m = max(vals)
    if m == -math.inf:
        given = _text(choice).strip()
        if given in answers:
            return [1.0 if a == given else 0.0 for a in answers]
        return [1.0 / len(answers)] * len(answers)
    exps = [math.exp(v - m) for v in vals]
    z = sum(exps)
    return [e / z for e in exps]


class ServerBackend:
    """An OpenAI-compatible model server -> probabilities over option numbers (the Backend
    protocol of extractors/decide/backends.py). `probe`: what the driver found at start (a
    worker does not ask again); without it the server is probed now."""

    sha256 = ""     # a served model's file is not seen from here

    def __init__(self, url: str, probe: ServerProbe | None = None):
        import httpx
        self.url = server_base(url)
        self.client = httpx.Client(timeout=settings.SERVER_TIMEOUT,
                                   transport=httpx.HTTPTransport(retries=2))
        self.probe = probe or probe_server(self.url, self.client)
        self.name = self.probe.model
        self.calls = 0

    def choose(self, prompt: str, n_options: int) -> tuple[list[float], int]:
        answers = [str(i) for i in range(n_options + 1)]
        data = ask(self.client, self.url, self.probe, prompt, answers,
                   self.probe.logprobs)
        self.calls += 1
        try:
            choice = data["choices"][0]
        except (KeyError, IndexError, TypeError):
            raise RunError(f"the model server at {self.url} answered without a choice") from None
        tokens = (data.get("usage") or {}).get("prompt_tokens") or 0
        return answer_probs(choice, answers), int(tokens)


def ask(client, base: str, probe: ServerProbe, text: str, answers: list[str] | None,
        logprobs: bool) -> dict:
    """One answer of one token at temperature 0 for the prompt `text`: restricted to
    `answers` with the probe's constraint (if any), with the top log-probabilities if asked."""
    chat = settings.SERVER_ENDPOINT == "chat"
    body: dict = {"max_tokens": 1, "temperature": 0}
    if chat:
        body["messages"] = [{"role": "user", "content": text}]
    else:
        body["prompt"] = text + "\nAnswer: "
    if logprobs:
        body.update({"logprobs": True, "top_logprobs": settings.SERVER_TOP_LOGPROBS} if chat
                    else {"logprobs": settings.SERVER_TOP_LOGPROBS})
    if answers and probe.constraint:
        body.update(constraint_fields(probe.constraint, answers))
    return post(client, base, body, chat)


def post(client, base: str, body: dict, chat: bool = False) -> dict:
    """One request; RunError (one line) when the server cannot be reached or fails."""
    import httpx
    path = "/v1/chat/completions" if chat else "/v1/completions"
    try:
        r = client.post(base + path, json=body)
    except httpx.HTTPError as exc:
        raise RunError(f"cannot reach the model server at {base} ({type(exc).__name__}: "
                       f"{str(exc) or 'no answer'}); re-run the same command when it is up"
                       ) from None
    if r.status_code >= 400:
        raise RunError(f"the model server at {base} answered HTTP {r.status_code} to "
                       f"{path}: {r.text.strip()[:160]}")
    try:
        return r.json()
    except ValueError:
        raise RunError(f"the model server at {base} did not answer JSON on {path}") from None


def probe_server(base: str, client) -> ServerProbe:
    """What the server at `base` supports: its model's name, log-probabilities, and which
    answer constraint it honours (a request that allows only "7" must get "7"). RunError if it
    cannot be reached or supports neither log-probabilities nor a constraint."""
    probe = ServerProbe(_model_name(client, base), False, None)
    for style in CONSTRAINTS:
        probe.constraint = style
        try:
            data = ask(client, base, probe, PROBE_PROMPT, [PROBE_ANSWER], False)
            if _text(data["choices"][0]).strip() == PROBE_ANSWER:
                break
        except RunError as exc:
            if "cannot reach" in str(exc):
                raise
        except (KeyError, IndexError, TypeError):
            pass
        probe.constraint = None
    try:   # with the constraint (if any): a token is surely generated, not an end of text
        data = ask(client, base, probe, PROBE_PROMPT, [PROBE_ANSWER], True)
        probe.logprobs = bool(_top_logprobs(data["choices"][0]))
    except RunError as exc:
        if "cannot reach" in str(exc):
            raise
    except (KeyError, IndexError, TypeError):
        pass
    if not probe.logprobs and probe.constraint is None:
        raise RunError(f"the model server at {base} gives neither log-probabilities nor a "
                       "constrained answer (grammar or JSON schema): it cannot choose among "
                       "options as the local model does; use llama.cpp's server or vLLM")
    return probe


def _model_name(client, base: str) -> str:
    """The served model's id (/v1/models), its file name if it is a path; RunError if the
    server cannot be reached at all."""
    import httpx
    try:
        r = client.get(base + "/v1/models")
    except httpx.HTTPError as exc:
        raise RunError(f"cannot reach the model server at {base} ({type(exc).__name__}: "
                       f"{str(exc) or 'no answer'})") from None
    try:
        name = r.json()["data"][0]["id"]
    except (ValueError, KeyError, IndexError, TypeError):
        return "served-model"
    return str(name).replace("\\", "/").rsplit("/", 1)[-1] or "served-model"
