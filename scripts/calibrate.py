"""Calibrate when the bot says it is sure: a logistic model over what the answer model saw of the
best candidates (bot/core/ranker.py, Fusion.features), fitted on a development split, and the
threshold at which the answers it calls sure are right at least --precision of the time there.

    python scripts/calibrate.py [--precision 0.87]

The development split holds questions the answer model was never trained on: the FairytaleQA
train stories that scripts/train_ranker.py keeps out of training (1 in 20, by name), and the
reader-style sets it never saw (devsplit.UNSEEN: the shipped story's questions, the other
stories', and the development part of the novels' questions), whose unanswerable and
wrong-story questions are negatives that must not be called sure, as is each question asked of
another story. (The training part of readers.yaml is not used: the model learned those
questions, so its scores on them are higher than on a reader's.) FairytaleQA val and the
held-out questions are never read. Writes bot/models/ranker/calibration.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import devsplit  # noqa: E402
from bot.core import index, library, loader, ranker  # noqa: E402
from train_ranker import dev_story  # noqa: E402


def collect(encoder: ranker.Encoder) -> tuple[list[list[float]], list[int]]:
    """Features and right/wrong labels of the best answer, question by question."""
    X, y = [], []

    def record(searcher, question: str, right) -> None:
        _, fusion, result = devsplit.weighed(searcher, question)
        if fusion is None or not result.answers:
            return
        lexical = searcher._confident(searcher.understand(question), result.answers[0].passage - 1)
        X.append(fusion.features(lexical))
        y.append(int(right(result.answers[0])))

    stories = list(devsplit.fairytale(lambda q: q["split"] == "train" and dev_story(q["story"])))
    searchers = [library.searcher_for(index.build(loader.from_text(text, name)), encoder) for name, text, _ in stories]
    for i, (_, _, questions) in enumerate(stories):
        for q, gold in questions:
            record(searchers[i], q["question"], lambda a, gold=gold: any(s <= a.start < e for s, e in gold))
            # The same question asked of another story, where no answer is right.
            record(searchers[(i + 1) % len(searchers)], q["question"], lambda a: False)
    items = list(devsplit.unseen(encoder))
    others = sorted({item["story"] for item, _ in items})
    for item, searcher in items:
        expect = item["expect"]
        record(searcher, item["q"], lambda a, expect=expect: bool(expect) and any(e in a.quote for e in expect))
        if expect:  # asked of another story, where no answer is right
            other = devsplit.searcher(others[(others.index(item["story"]) + 1) % len(others)], encoder)
            record(other, item["q"], lambda a: False)
    return X, y


def fit(X: np.ndarray, y: np.ndarray, steps: int = 5000, l2: float = 1e-3) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent on standardised features (no extra library)."""
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = (X - mu) / sd
    w, b = np.zeros(Z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Z @ w + b)))
        w -= 0.5 * (Z.T @ (p - y) / len(y) + l2 * w)
        b -= 0.5 * float(np.mean(p - y))
    return w / sd, b - float((w / sd) @ mu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--precision", type=float, default=0.87, help="how often a sure answer must be right on dev")
    args = ap.parse_args()
    encoder = ranker.load()
    if encoder is None:
        sys.exit("calibrate: the answer model did not load (see above)")
    X, y = collect(encoder)
    X, y = np.array(X), np.array(y, dtype=float)
    weights, bias = fit(X, y)
    p = 1 / (1 + np.exp(-(X @ weights + bias)))
    threshold = 1.0
    for t in sorted(set(np.round(p, 4)), reverse=True):
        chosen = p >= t
        if chosen.sum() >= 10 and y[chosen].mean() >= args.precision:
            threshold = float(t)
    chosen = p >= threshold
    print(f"dev: {len(y)} questions, {y.mean():.2f} right at rank 1; threshold {threshold:.3f}: sure on "
          f"{chosen.mean():.2f}, right when sure {y[chosen].mean() if chosen.any() else 0:.2f}")
    out = {"weights": [float(w) for w in weights], "bias": float(bias), "threshold": threshold,
           "features": ranker.FEATURES[: len(weights)],
           "fitted_on": f"{len(y)} development answers (FairytaleQA train stories held out of training, each "
                        "question also asked of another of them; the reader-style sets the model never saw, each "
                        "question also asked of another story)"}
    (ranker.MODEL_DIR / "calibration.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {ranker.MODEL_DIR / 'calibration.json'}")


if __name__ == "__main__":
    main()
