"""The learned part of answering: a sentence encoder that puts questions and passages in one
vector space, so "how did Klaus greet her" can find "welcome to New Orleans" with no word shared.

The model is all-MiniLM-L6-v2 fine-tuned on reader questions by scripts/train_ranker.py, shipped
as int8 ONNX in bot/models/ranker/ and run with onnxruntime (no torch at run time, nothing
downloaded). Passage vectors are computed once when a story is indexed and cached with it; a
question costs one short encoder run, and the reranker one more: the same model reads the question
and each of the best few windows together as one pair (a cross-encoder) and scores it. Without the
model (or onnxruntime) the bot answers lexically and says why in one log line.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import threadpoolctl

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "ranker"
MAX_PASSAGE_TOKENS = 256
MAX_QUESTION_TOKENS = 64
MAX_PAIR_TOKENS = 160  # a question and a window read together by the reranker


class Encoder:
    """Texts -> unit vectors (float32, 384 wide), and (question, window) pairs -> scores."""

    def __init__(self, folder: Path | None = None, lanes: int = 2):
        import onnxruntime as ort

        folder = folder or MODEL_DIR
        from tokenizers import Tokenizer

        # Runs go side by side, one core each (``lanes`` at a time, on one session: onnxruntime
        # runs it from several threads at once), not one run over both cores: a reranking pair
        # is too small to split well (War and Peace, 8 pairs: 45 ms over both cores, 34 ms two
        # at a time), nor is one passage (see embed).
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.digest = hashlib.sha256((folder / "model.onnx").read_bytes()).hexdigest()[:16]
        calibration = folder / "calibration.json"
        self.calibration = json.loads(calibration.read_text()) if calibration.exists() else None
        # The model's second output scores a (question, window) pair read together (trained
        # with the encoder, scripts/train_ranker.py).
        self.reranks = "score" in {o.name for o in self.session.get_outputs()}
        self._lock = threading.Lock()  # the tokenizer's truncation setting is shared
        self._lanes = ThreadPoolExecutor(max(1, lanes), thread_name_prefix="model")

    def _run(self, output: str, feeds: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
        """The model's ``output`` for each feed, the lanes taking them in turn."""
        return list(self._lanes.map(lambda feed: self.session.run([output], feed)[0], feeds))

    def _feed(self, ids: list[list[int]], types: list[list[int]]) -> dict[str, np.ndarray]:
        """Token ids padded into the model's three inputs."""
        width = max(len(row) for row in ids)
        feed = {"input_ids": np.zeros((len(ids), width), dtype=np.int64),
                "attention_mask": np.zeros((len(ids), width), dtype=np.int64),
                "token_type_ids": np.zeros((len(ids), width), dtype=np.int64)}
        for i, (row, kinds) in enumerate(zip(ids, types)):
            feed["input_ids"][i, : len(row)] = row
            feed["attention_mask"][i, : len(row)] = 1
            feed["token_type_ids"][i, : len(row)] = kinds
        return feed

    def embed(self, texts: list[str], max_tokens: int = MAX_PASSAGE_TOKENS) -> np.ndarray:
        """One text a run, unpadded, as the reranker's pairs: the int8 model sets its activation
        scales over a whole batch, so a text's vector would depend on the texts beside it, and
        single runs are faster here anyway (War and Peace's 3,000 first passages, two lanes:
        19.3 s and 761 MB at its peak in batches of 32, 8.7 s and 166 MB one at a time)."""
        with self._lock:
            self.tokenizer.no_padding()
            self.tokenizer.enable_truncation(max_tokens)
            encoded = self.tokenizer.encode_batch(texts)
        feeds = [self._feed([e.ids], [e.type_ids]) for e in encoded]
        out = [vectors.astype(np.float32) for vectors in self._run("embedding", feeds)]
        return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)

    def rerank(self, question: str, windows: list[str]) -> np.ndarray | None:
        """Each window's score as an answer to ``question``: the two read together as one pair
        ([CLS] question [SEP] window [SEP]), every word of one attending to every word of the
        other (a cross-encoder). The question is cut to MAX_QUESTION_TOKENS word-pieces, the
        window to what is left of MAX_PAIR_TOKENS. None when the model has no such output."""
        if not self.reranks or not windows:
            return None
        with self._lock:
            self.tokenizer.no_padding()
            self.tokenizer.enable_truncation(MAX_QUESTION_TOKENS)
            q = self.tokenizer.encode(question).ids  # [CLS] ... [SEP]
            self.tokenizer.enable_truncation(MAX_PAIR_TOKENS - len(q) - 1)
            encoded = self.tokenizer.encode_batch(windows, add_special_tokens=False)
        # One pair a run, unpadded: padding a batch to its longest window cost a third more
        # time, and the int8 model's activation scales are set over the whole batch, so a
        # pair's score would depend on the others beside it.
        feeds = [self._feed([q + e.ids + q[-1:]], [[0] * len(q) + [1] * (len(e.ids) + 1)]) for e in encoded]
        return np.concatenate(self._run("score", feeds)).astype(np.float32).reshape(-1)

    def question(self, text: str) -> np.ndarray:
        return self.embed([text], MAX_QUESTION_TOKENS)[0]


@dataclass(frozen=True)
class Fusion:
    """What the model saw of a question's best candidates, best first: each one's cosine with
    the question and its fused score."""

    cosine: np.ndarray
    fused: np.ndarray
    units: np.ndarray  # the candidates' sentence windows, in the same order
    question: np.ndarray  # the question's own vector (computed once a question)
    cross: np.ndarray | None = None  # the reranker's scores of the best few, in the same order
    known: float = 1.0  # how much of the question (by word rarity) the story has words for
    size: float = 0.0  # the story's length, log10 of its passages: one right passage among 9,000 is rarer

    def features(self, lexically_sure: bool) -> list[float]:
        """What confidence is calibrated on (scripts/calibrate.py): the best candidate's cosine,
        how far it stands above the rest by cosine and by fused score, the lexical rule, how
        much of the question the story has words for (a question about another story has
        names and things this one never mentions), (with the reranker) the best window's
        reranking score and its lead over the next, and the story's length."""
        second_cos = float(self.cosine[1]) if len(self.cosine) > 1 else 0.0
        second_fused = float(self.fused[1]) if len(self.fused) > 1 else 0.0
        out = [float(self.cosine[0]), float(self.cosine[0]) - float(np.mean(self.cosine)),
               float(self.cosine[0]) - second_cos, float(self.fused[0]) - second_fused, float(lexically_sure),
               self.known]
        if self.cross is not None:
            out += [float(self.cross[0]), float(self.cross[0] - self.cross[1]) if len(self.cross) > 1 else 0.0]
        return out + [self.size]


FEATURES = ["cosine", "cosine above the candidates' mean", "cosine above the second", "fused margin", "lexical rule",
            "the question's words the story has", "reranking score", "reranking lead", "the story's length"]


def probability(calibration: dict, features: list[float]) -> float:
    """The calibrated chance that the best answer is right (logistic, fitted by scripts/calibrate.py)."""
    if len(calibration["weights"]) != len(features):
        return 0.0  # calibrated for another model: never sure until scripts/calibrate.py is run again
    z = calibration["bias"] + sum(w * f for w, f in zip(calibration["weights"], features))
    return 1.0 / (1.0 + math.exp(-z))


def sure(calibration: dict, fusion: Fusion, lexically_sure: bool) -> bool:
    """Whether to say the answer is sure: its calibrated chance reaches the threshold chosen on
    the development split (right at least 85% of the time there)."""
    return probability(calibration, fusion.features(lexically_sure)) >= calibration["threshold"]


_encoder: Encoder | None = None
_tried = False
_load_lock = threading.Lock()


def load(enabled: bool = True) -> Encoder | None:
    """The shipped encoder, loaded once; None (with one log line saying why) when it cannot be."""
    global _encoder, _tried
    if not enabled:
        return None
    with _load_lock:
        if not _tried:
            _tried = True
            try:
                _encoder = Encoder()
                # BLAS's worker threads spin after each matrix product and take the two cores
                # from the model's own (a War and Peace question: 94 ms -> 40 ms at p50).
                threadpoolctl.threadpool_limits(1, user_api="blas")
            except Exception as exc:  # a missing file, onnxruntime absent or broken: answer lexically
                log.warning("answer model not loaded (%s: %s); answering with the lexical ranker only",
                            type(exc).__name__, str(exc).splitlines()[0][:200] if str(exc) else "")
                _encoder = None
    return _encoder


def passage_vectors(encoder: Encoder, texts: list[str], progress=None) -> np.ndarray:
    """Every passage's vector (float16 to keep the cache small), reporting progress."""
    out: np.ndarray | None = None
    step = 256
    for i in range(0, len(texts), step):
        vectors = encoder.embed(texts[i : i + step])
        if out is None:
            out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float16)
        out[i : i + step] = vectors.astype(np.float16)
        if progress is not None:
            progress(min(len(texts), i + step), len(texts))
    return out if out is not None else np.zeros((0, 384), dtype=np.float16)
