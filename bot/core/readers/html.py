"""HTML stories -> Story: Archive of Our Own downloads, FanFicFare files, and any other HTML.

The story's text is rebuilt as plain paragraphs, each chapter under a Markdown heading
("# Chapter 2: The River"), so the text loader's chapters and every offset work as for a .txt.
What is about the story rather than in it (AO3's tags, the summary, the author's notes, chapter
notes, end notes) goes to ``Story.metadata``: never quoted, searched or summarised as the story.
Parsed with lxml's HTML parser, network off; scripts, styles and embedded objects are dropped
unread, and only text is kept.
"""
from __future__ import annotations

import re
from typing import Iterable

from bot.core.loader import Story
from bot.errors import StoryError

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th",
          "center", "section", "article", "hr", "table", "ul", "ol", "dl", "figure", "header", "footer", "aside"}
DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "form",
        "button", "select", "textarea", "video", "audio", "canvas")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def parse(data: bytes | str, source: str):
    """An lxml HTML tree with everything but text-bearing markup removed."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True,
                                  encoding="utf-8" if isinstance(data, bytes) else None)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise StoryError(f"{source} is not readable HTML ({exc}); give the story as downloaded") from exc
    title = " ".join((root.findtext(".//title") or "").split())
    lxml.etree.strip_elements(root, *DROP, with_tail=False)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    root.set("data-title", title)
    return root


def text_of(el) -> str:
    """An element's text, whitespace collapsed (line breaks from <br> kept as spaces)."""
    return " ".join(el.text_content().split())


def paragraphs(el) -> list[str]:
    """The paragraphs under ``el`` in document order: each innermost block's text; <hr> is a
    scene break."""
    out: list[str] = []
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "hr":
            out.append("* * *")
            continue
        if node.tag not in BLOCKS:
            continue
        if any(isinstance(d.tag, str) and d.tag in BLOCKS for d in node.iterdescendants()):
            # Text sitting directly in a block that also holds blocks ("text <p>more</p>").
            own = " ".join(((node.text or "") + " ".join((c.tail or "") for c in node)).split())
            if own:
                out.append(own)
            continue
        text = text_of(node)
        if text:
            out.append(text)
    return out


def classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _find(root, tag: str, cls: str | None = None, id_: str | None = None) -> list:
    found = []
    for el in root.iter(tag):
        if cls and cls not in classes(el):
            continue
        if id_ and el.get("id") != id_:
            continue
        found.append(el)
    return found


def ao3_preface(preface) -> dict:
    """AO3's preface: title, byline, the tag list (rating, fandom, relationships, characters,
    additional tags, language, series, stats), the summary and the notes."""
    meta: dict = {"source": "Archive of Our Own"}
    h1 = next(iter(preface.iter("h1")), None)
    if h1 is not None:
        meta["title"] = text_of(h1)
    byline = next(iter(_find(preface, "div", "byline")), None)
    if byline is not None:
        meta["author"] = re.sub(r"^by\s+", "", text_of(byline))
    for dl in _find(preface, "dl", "tags"):
        key = None
        for node in dl:
            if node.tag == "dt":
                key = text_of(node).rstrip(":").strip().lower()
            elif node.tag == "dd" and key:
                value = text_of(node)
                meta[key] = [v.strip() for v in value.split(",") if v.strip()] if key not in ("stats",) else value
    _notes(preface, meta)
    return meta


def _notes(el, meta: dict) -> None:
    """Summary and notes blocks (a <p> label followed by a blockquote), into ``meta``."""
    label = None
    for node in el.iter():
        if node.tag == "p" and not classes(node) and len(text_of(node)) < 40:
            label = text_of(node).lower()
        elif node.tag == "blockquote":
            text = "\n\n".join(paragraphs(node))
            if "summary" in (label or ""):
                meta.setdefault("summary", text)
            elif text:
                meta.setdefault("notes", []).append(text)


def ao3(root, source: str) -> tuple[list[tuple[str, list[str]]], dict]:
    """Chapters (title, paragraphs) and metadata of an AO3 download."""
    meta: dict = {}
    preface = next(iter(_find(root, "div", id_="preface")), None)
    if preface is not None:
        meta = ao3_preface(preface)
    chapters_div = next(iter(_find(root, "div", id_="chapters")), None)
    chapters: list[tuple[str, list[str]]] = []
    if chapters_div is not None:
        title = meta.get("title", "")
        for node in chapters_div:
            if not isinstance(node.tag, str):
                continue
            if node.tag == "div" and {"meta", "group"} <= classes(node):
                heading = next(iter(_find(node, "h2", "heading")), None)
                title = text_of(heading) if heading is not None else f"Chapter {len(chapters) + 1}"
                _notes(node, meta)
            elif node.tag == "div" and "userstuff" in classes(node):
                chapters.append((title, paragraphs(node)))
            elif node.tag == "div" and "meta" in classes(node):
                _notes(node, meta)  # a chapter's end notes
    afterword = next(iter(_find(root, "div", id_="afterword")), None)
    if afterword is not None:
        _notes(afterword, meta)
    return chapters, meta


def fanficfare(root, source: str) -> tuple[list[tuple[str, list[str]]], dict]:
    """FanFicFare's HTML. Its own download (writer_html: an h1 "title by author", a table of
    "Label:" rows, a table of contents under a#TOCTOP, each chapter after an a#sectionNNNN
    holding its h2 title), or its EPUB chapters' markup (h3.fff_chapter_title, notes in
    div.fff_chapter_notes)."""
    meta: dict = {"source": "FanFicFare"}
    for notes in _find(root, "div", "fff_chapter_notes"):
        meta.setdefault("notes", []).append("\n\n".join(paragraphs(notes)))
        notes.drop_tree()
    if _find(root, "h3", "fff_chapter_title"):
        return plain(root, lambda el: el.tag == "h3" and "fff_chapter_title" in classes(el)), meta
    h1 = next(iter(root.iter("h1")), None)
    if h1 is not None:
        links = list(h1.iter("a"))
        authors = [text_of(a) for a in links if "authorlink" in classes(a)]
        if links:
            meta["title"] = text_of(links[0])
        if authors:
            meta["author"] = ", ".join(authors)
        h1.drop_tree()
    for table in _find(root, "table", "full"):
        for row in table.iter("tr"):
            cells = [c for c in row if c.tag == "td"]
            if len(cells) == 2 and text_of(cells[0]).endswith(":"):
                key, value = text_of(cells[0]).rstrip(":").strip().lower(), text_of(cells[1])
                listed = key in ("category", "genre", "characters", "relationships", "warnings")
                meta[key] = [v.strip() for v in value.split(",") if v.strip()] if listed else value
        table.drop_tree()
    for anchor in list(root.iter("a")):
        if anchor.get("name") == "TOCTOP":
            links = anchor.getnext()
            if links is not None and links.tag == "p":
                links.drop_tree()
            anchor.drop_tree()
    return plain(root, lambda el: el.tag == "h2" and (el.getparent().get("name") or "").startswith("section")), meta


def story_from(chapters: Iterable[tuple[str, list[str]]], meta: dict, name: str, path: str, title: str | None,
               encoding: str) -> Story:
    """The Story text: every chapter under a Markdown heading, paragraphs a blank line apart."""
    parts: list[str] = []
    kept = [(t, ps) for t, ps in chapters if ps]
    for heading, paras in kept:
        if heading and len(kept) > 1:
            parts.append("# " + heading)
        parts.extend(p.replace("\n", " ") for p in paras)
    text = "\n\n".join(parts) + "\n"
    if not text.strip():
        raise StoryError(f"{path} has no story text in it; give the story's own file as downloaded")
    title = meta.get("title") or title or name.replace("-", " ").replace("_", " ").title()
    author = meta.get("author")
    if isinstance(author, list):
        author = ", ".join(author)
    return Story(name=name, path=path, text=text, start=0, end=len(text), title=title, author=author,
                 encoding=encoding, metadata=meta)


def chapters_of(root) -> tuple[list[tuple[str, list[str]]], dict]:
    """Whichever layout the HTML has: AO3, FanFicFare, or headings."""
    if _find(root, "div", id_="chapters") or _find(root, "div", id_="preface"):
        return ao3(root, "")
    if (_find(root, "h3", "fff_chapter_title") or _find(root, "div", "fff_chapter_notes")
            or any(a.get("name") == "TOCTOP" for a in root.iter("a"))):
        return fanficfare(root, "")
    return plain(root), {}


def plain(root, is_heading=None) -> list[tuple[str, list[str]]]:
    """Headings as chapters: the paragraphs after each heading of the most used level (or each
    element ``is_heading`` picks)."""
    body = next(iter(root.iter("body")), root)
    if is_heading is None:
        counts = {h: sum(1 for _ in body.iter(h)) for h in HEADINGS}
        level = next((h for h in HEADINGS if counts[h] >= 2), None)
        if level is None:
            return [("", paragraphs(body))]
        is_heading = lambda el: el.tag == level  # noqa: E731
    chapters: list[tuple[str, list[str]]] = [("", [])]
    for node in body.iter():
        if not isinstance(node.tag, str):
            continue
        if is_heading(node):
            chapters.append((text_of(node), []))
            continue
        if node.tag == "hr":
            chapters[-1][1].append("* * *")
            continue
        if node.tag not in BLOCKS or any(is_heading(a) for a in node.iterancestors()):
            continue
        if any(isinstance(d.tag, str) and d.tag in BLOCKS for d in node.iterdescendants()):
            continue
        text = text_of(node)
        if text:
            chapters[-1][1].append(text)
    return chapters


def read(data: bytes, name: str, path: str) -> Story:
    """An HTML file as a Story."""
    root = parse(data, path)
    chapters, meta = chapters_of(root)
    return story_from(chapters, meta, name, path, root.get("data-title") or None, "utf-8")
