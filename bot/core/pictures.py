"""Pictures of a story, drawn off-screen with matplotlib (Agg): where characters appear, and
who talks to whom. Each returns PNG bytes and what it shows.

The images have their own light card background with dark text, so they read the same in
Discord's dark and light themes, and are 1200 x 675 pixels: Discord shows them whole.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

from bot.core.index import StoryIndex

WIDTH, HEIGHT, DPI = 1200, 675, 150
BACKGROUND = "#F4F1EA"
INK = "#23212B"
PALETTE = ["#6A4C93", "#1982C4", "#8AC926", "#FF595E", "#FF924C", "#2A9D8F", "#B5838D", "#3D405B",
           "#E9C46A", "#457B9D", "#9C6644", "#606C38"]


@dataclass(frozen=True)
class Picture:
    png: bytes
    shows: tuple[str, ...]  # the characters drawn
    width: int = WIDTH
    height: int = HEIGHT


def _figure():
    import matplotlib

    matplotlib.use("Agg")  # no screen here or on a server
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=BACKGROUND)
    return plt, fig


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor=BACKGROUND)
    plt.close(fig)
    return buf.getvalue()


def presence(ix: StoryIndex, names: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    """Along the story (scenes, or chapters for a long book): how many passages each character
    is in, per scene or chapter. Returns the axis labels and one row per name."""
    by_chapter = len(ix.scenes) > 80
    units = [c.id for c in ix.chapters] if by_chapter else [s.id for s in ix.scenes]
    index = {u: i for i, u in enumerate(units)}
    rows = {n: [0] * len(units) for n in names}
    for p in ix.passages:
        col = index.get(p.chapter if by_chapter else p.scene)
        if col is None:
            continue
        for n in p.characters:
            if n in rows:
                rows[n][col] += 1
    labels = [f"ch {u}" for u in units] if by_chapter else [f"{s.id}. {s.title}" for s in ix.scenes]
    return labels, rows


def _groups(ix: StoryIndex, by_chapter: bool) -> list[tuple[int, str]]:
    """Where each part of the axis starts and its label: the books of a book of books (columns
    are chapters), or the chapters (columns are scenes)."""
    from bot.core import chapters as chapter_refs

    if by_chapter:
        out: list[tuple[int, str]] = []
        last = None
        for i, c in enumerate(ix.chapters):
            head = re.split(r"[,:]\s*(?:chapter|chap)\b", c.title, flags=re.IGNORECASE)[0]
            part = chapter_refs.parts(head)[0]
            key = (part, "epilogue" in head.lower()) if part is not None else head
            if key != last:
                out.append((i, head.split(":")[0].strip()))
                last = key
        return out if 1 < len(out) < len(ix.chapters) else []
    firsts: dict[int, int] = {}
    for i, sc in enumerate(ix.scenes):
        firsts.setdefault(sc.chapter, i)
    titles = {c.id: c.title for c in ix.chapters}
    return [(i, titles.get(ch, f"ch {ch}")) for ch, i in firsts.items()] if len(firsts) > 1 else []


TIMELINE_MOST = 8  # rows a timeline can show and stay readable


def timeline(ix: StoryIndex, names: list[str] | None = None, limit: int = TIMELINE_MOST) -> Picture:
    """Where characters appear across the story: one row per character, dots sized by presence
    (the first ``limit`` of ``names``; ``shows`` says which)."""
    names = [n for n in (names or [c.name for c in ix.characters[:6]])][:limit]
    labels, rows = presence(ix, names)
    plt, fig = _figure()
    ax = fig.add_axes((0.2, 0.18 if len(labels) <= 20 else 0.12, 0.76, 0.7))
    ax.set_facecolor(BACKGROUND)
    peak = max([max(r) for r in rows.values()] + [1])
    for y, name in enumerate(names):
        xs = [x for x, v in enumerate(rows[name]) if v]
        sizes = [40 + 260 * rows[name][x] / peak for x in xs]
        colour = PALETTE[y % len(PALETTE)]
        ax.plot([0, len(labels) - 1], [y, y], color=colour, alpha=0.25, linewidth=1, zorder=1)
        ax.scatter(xs, [y] * len(xs), s=sizes, color=colour, alpha=0.9, zorder=2, edgecolors="none")
    shown = [ix.shown(n) for n in names]
    ax.set_yticks(range(len(names)), [n if len(n) <= 22 else n[:21] + "…" for n in shown], color=INK, fontsize=9)
    ax.set_ylim(max(len(names), 1) - 0.5, -0.5)
    if not names:
        ax.text(0.5, 0.5, "No characters met yet", transform=ax.transAxes, ha="center", va="center",
                color=INK, fontsize=14)
    groups = _groups(ix, len(ix.scenes) > 80)
    if len(labels) <= 20:
        ax.set_xticks(range(len(labels)), [l if len(l) <= 18 else l[:17] + "…" for l in labels],
                      rotation=30, ha="right", color=INK, fontsize=7)
    elif len(groups) > 1:
        # A long story: its books (or chapters) along the axis, each from where it starts.
        gap = len(labels) / 14  # columns between two labels, so that they never overlap
        marked = []
        for start, label in groups:
            if not marked or start - marked[-1][0] >= gap:
                marked.append((start, label))
        for start, _ in groups[1:]:
            ax.axvline(start - 0.5, color=INK, alpha=0.15, linewidth=0.8, zorder=0)
        ax.set_xticks([start for start, _ in marked], [l if len(l) <= 16 else l[:15] + "…" for _, l in marked],
                      rotation=30, ha="right", color=INK, fontsize=7)
    else:
        step = max(1, len(labels) // 12)
        ax.set_xticks(range(0, len(labels), step), [str(i + 1) for i in range(0, len(labels), step)],
                      color=INK, fontsize=7)
    ax.set_xlim(-0.7, len(labels) - 0.3)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(INK)
    ax.tick_params(colors=INK, length=0)
    fig.text(0.02, 0.95, f"{ix.title}: who appears where", color=INK, fontsize=12, weight="bold", va="top")
    fig.text(0.02, 0.895, "dot size: how many passages they are in" + (" (by chapter)" if len(ix.scenes) > 80
                                                                         else " (by scene)"),
             color=INK, fontsize=8, va="top", alpha=0.8)
    return Picture(_png(plt, fig), tuple(shown))


def conversations(ix: StoryIndex) -> Counter:
    """How often each pair of characters talk: a line addressed to the other, or answered by them."""
    pairs: Counter = Counter()
    lines = ix.dialogue
    for i, d in enumerate(lines):
        if not d.speaker:
            continue
        if d.addressee and d.addressee != d.speaker:
            pairs[tuple(sorted((d.speaker, d.addressee)))] += 1
        if i + 1 < len(lines):
            nxt = lines[i + 1]
            if nxt.speaker and nxt.speaker != d.speaker and abs(nxt.passage - d.passage) <= 1:
                pairs[tuple(sorted((d.speaker, nxt.speaker)))] += 1
    return pairs


def relations(ix: StoryIndex, limit: int = 10) -> Picture:
    """Who talks to whom: characters round a circle, lines between them as thick as their talk."""
    import networkx as nx

    pairs = conversations(ix)
    spoken = Counter(d.speaker for d in ix.dialogue if d.speaker)
    names = [n for n, _ in spoken.most_common(limit)]
    graph = nx.Graph()
    graph.add_nodes_from(names)
    for (a, b), w in pairs.items():
        if a in names and b in names:
            graph.add_edge(a, b, weight=w)
    plt, fig = _figure()
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.82))
    ax.set_facecolor(BACKGROUND)
    ax.axis("off")
    if names:
        pos = nx.circular_layout(graph) if len(names) > 2 else {n: (i * 1.0 - 0.5, 0.0) for i, n in enumerate(names)}
        heaviest = max([d["weight"] for _, _, d in graph.edges(data=True)] + [1])
        widths = [1 + 9 * d["weight"] / heaviest for _, _, d in graph.edges(data=True)]
        nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, edge_color="#8D86A8", alpha=0.7)
        top = max(spoken.values()) if spoken else 1
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=[PALETTE[i % len(PALETTE)] for i in range(len(names))],
                               node_size=[300 + 1500 * spoken[n] / top for n in names])
        for n, (x, y) in pos.items():
            ax.text(x, y - 0.16, ix.shown(n), ha="center", va="top", fontsize=9, color=INK, weight="bold")
        ax.set_xlim(-1.35, 1.35)
        ax.set_ylim(-1.3, 1.15)
    else:
        ax.text(0.5, 0.5, "No dialogue found", ha="center", va="center", color=INK, fontsize=14)
    fig.text(0.02, 0.95, f"{ix.title}: who talks to whom", color=INK, fontsize=12, weight="bold", va="top")
    fig.text(0.02, 0.895, "circle size: lines spoken; line width: how much they talk to each other",
             color=INK, fontsize=8, va="top", alpha=0.8)
    return Picture(_png(plt, fig), tuple(ix.shown(n) for n in names))
