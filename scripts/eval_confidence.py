"""How honest the answers' confidence is, on FairytaleQA val.

    python scripts/eval_confidence.py

Asks every val question of its own story (is a confident answer right more often than an unsure
one?) and of another story, where the answer cannot be (how often do we still claim to know?).
"""
import json
from collections import defaultdict
from bot.core import index, loader, search
from pathlib import Path
FT=str(Path(__file__).resolve().parents[2] / "shared" / "eval-data" / "fairytaleqa") + "/"
stories={}
for l in open(FT+"stories.jsonl"):
    s=json.loads(l)
    if s["split"]=="val": stories[s["story"]]=s
qs=defaultdict(list)
for l in open(FT+"questions.jsonl"):
    q=json.loads(l)
    if q["split"]=="val": qs[q["story"]].append(q)
names=sorted(stories)
S={}; B={}
for n in names:
    text,b="",{}
    for sec in stories[n]["sections"]:
        t=sec["text"].strip(); b[sec["id"]]=(len(text),len(text)+len(t)); text+=t+"\n\n"
    S[n]=search.Searcher(index.build(loader.from_text(text,n))); B[n]=b
conf_hit=conf_n=un_hit=un_n=0; wrong_conf=wrong_n=0
for i,n in enumerate(names):
    other=names[(i+1)%len(names)]
    for q in qs[n]:
        r=S[n].ask(q["question"],top=1)
        hit = bool(r.answers) and any(B[n][g][0]<=r.answers[0].start<B[n][g][1] for g in q["gold_sections"])
        if r.confident: conf_n+=1; conf_hit+=hit
        else: un_n+=1; un_hit+=hit
        r2=S[other].ask(q["question"],top=1); wrong_n+=1; wrong_conf+=r2.confident
print(f"confident {conf_n} hit {conf_hit/max(1,conf_n):.2f}; unsure {un_n} hit {un_hit/max(1,un_n):.2f}; asked of the wrong story: confident {wrong_conf/wrong_n:.2f}")
