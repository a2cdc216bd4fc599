"""A GGUF -> llama.cpp's OpenAI-compatible server (llama-cpp-python's `server` extra), with the
model loaded the way the in-process backend loads it, for `extract run --model-url`:

    python -m extractors.decide.serve [--model PATH.gguf] --host 127.0.0.1 --port 8080 [...]

Every option of `python -m llama_cpp.server` is accepted; --model defaults to the embedded
model (checked against its SHA-256) and --n_ctx to decide.n_ctx. The difference with running
llama_cpp.server directly: llama.cpp's extra CPU buffer types follow
decide.model_extra_buffers (`auto`: off where the library was built with AMX kernels, which
stop the process with SIGILL on some VMs; llama_cpp.server has no flag for it).
"""
from __future__ import annotations

import sys


def server_argv(argv: list[str]) -> list[str]:
    """The arguments for llama_cpp.server: the embedded model and decide.n_ctx unless given."""
    from extractors.decide import settings
    from extractors.decide.backends import resolve_model
    argv = list(argv)
    given = {a.split("=", 1)[0] for a in argv if a.startswith("--")}
    if "--model" not in given:
        path, _ = resolve_model(None)
        argv += ["--model", str(path)]
    if "--n_ctx" not in given:
        argv += ["--n_ctx", str(settings.N_CTX)]
    return argv


def main(argv: list[str] | None = None) -> None:
    from extractors.decide import settings
    from extractors.decide.backends import extra_buffers
    from extractors.errors import RunError
    try:
        from llama_cpp.server.__main__ import main as serve
    except ImportError:
        print("error: the model server needs llama-cpp-python's server extra: "
              "pip install 'llama-cpp-python[server]'", file=sys.stderr)
        sys.exit(2)
    try:
        sys.argv = [sys.argv[0]] + server_argv(sys.argv[1:] if argv is None else argv)
        with extra_buffers(settings.MODEL_EXTRA_BUFFERS):
            serve()
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
