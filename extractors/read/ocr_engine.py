"""The OCR engine: RapidOCR built from the models inside its own wheel (nothing downloaded),
with onnxruntime threads that do not spin and recognition outputs reduced as they come."""
from __future__ import annotations

import contextlib
from pathlib import Path

from extractors.read import settings

# ---------------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------------
_ENGINE = None


def engine():
    """RapidOCR with the models of its own wheel (explicit paths: never the download path)."""
    global _ENGINE
    if _ENGINE is None:
        import logging

        import rapidocr
        from rapidocr import RapidOCR
        models = Path(rapidocr.__file__).parent / "models"

        def one(kind: str) -> str:
            found = sorted(models.glob(f"*{kind}*.onnx"))
            if not found:
                raise RuntimeError(f"rapidocr wheel has no {kind} model in {models}")
            return str(found[-1])

        eng = RapidOCR(params={
            "Global.log_level": "error", "Global.use_cls": False,
            "Det.model_path": one("det"), "Rec.model_path": one("rec"),
            "Cls.model_path": one("cls"),
            "Det.limit_type": "max", "Det.limit_side_len": settings.DET_SIDE,
            # recognition reads crops of the page as rendered (the default shrinks it to 2000)
            "Global.max_side_len": settings.MAX_SIDE_PX,
            "Rec.rec_batch_num": settings.REC_BATCH, "Rec.rec_img_shape": [3, 48, settings.REC_WIDTH],
            "EngineConfig.onnxruntime.intra_op_num_threads": settings.ENGINE_THREADS or -1,
        })
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        with _threads_do_not_spin():      # the models, loaded now (the engine waits for use)
            for load in ("_load_det_model", "_load_rec_model", "_load_cls_model"):
                getattr(eng, load, lambda: None)()
        rec = getattr(eng, "text_rec", None)
        if settings.REC_SLICE_PX and rec is not None and hasattr(rec, "session"):
            rec.session = _SlicedSession(rec.session, settings.REC_SLICE_PX)
        _ENGINE = eng
    return _ENGINE


class _Scores:
    """What the wheel's CTC decoder reads of the recognition output, its argmax and max over the
    characters, kept per crop position instead of as the [crops, positions, characters] array."""

    def __init__(self, idx, prob):
        self._idx, self._prob = idx, prob
        self.shape = idx.shape + (None,)

    def argmax(self, axis):
        if axis not in (2, -1):
            raise ValueError("recognition scores are kept reduced over the characters only")
        return self._idx

    def max(self, axis):
        if axis not in (2, -1):
            raise ValueError("recognition scores are kept reduced over the characters only")
        return self._prob


class _SlicedSession:
    """The recognition model's session, run on at most `budget` pixels of crop width per call
    (a batch of wide line crops goes a few crops at a time; each crop is scored on its own, so
    the numbers are the same), each call's output reduced at once to what the decoder reads."""

    def __init__(self, session, budget: int):
        self.session, self.budget = session, budget

    def __call__(self, batch):
        import numpy as np
        n, width = batch.shape[0], batch.shape[-1]
        per = max(1, self.budget // max(width, 1))
        idx, prob = [], []
        for i in range(0, n, per):
            scores = self.session(batch[i:i + per])
            idx.append(scores.argmax(axis=2))
            prob.append(scores.max(axis=2))
            del scores
        return _Scores(np.concatenate(idx), np.concatenate(prob))

    def __getattr__(self, name):
        return getattr(self.session, name)


@contextlib.contextmanager
def _threads_do_not_spin():
    """onnxruntime sessions made meanwhile without busy-waiting threads: by default its threads
    spin between steps, burning a core the model could use (measured: 18% less CPU per page,
    same words). The rapidocr wheel builds the session options itself, so they are amended
    where it makes them; without that hook, sessions are made as the wheel makes them."""
    try:
        from rapidocr.inference_engine.onnxruntime.main import OrtInferSession
        make = OrtInferSession.__dict__["_init_sess_opts"]
    except (ImportError, KeyError):
        yield
        return

    def options(cfg):
        opts = make.__func__(cfg)
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return opts
    OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        OrtInferSession._init_sess_opts = make
