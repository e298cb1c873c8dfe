"""EPUB stories (2 and 3; AO3's own, made by Calibre, and FanFicFare's) -> Story.

An EPUB is a zip: its package file lists the documents in reading order (the spine) and its
table of contents (an EPUB 3 nav document, or an NCX) says where chapters start, so a chapter
split over several files by Calibre is still one chapter. Each document's text is read as HTML
by bot/core/readers/html.py; AO3's preface and FanFicFare's title and contents pages become the
story's metadata, never its text.

These files come from strangers: the zip is read member by member with a cap on each member and
on the whole (the sizes a zip declares are not trusted), the number of members is capped, and
the package XML is parsed by defusedxml, which refuses entity expansion and external references.
"""
from __future__ import annotations

import posixpath
import zipfile
from html import unescape
from urllib.parse import unquote

from bot.core.loader import Story
from bot.core.readers import html
from bot.errors import StoryError

MAX_MEMBERS = 5000
MAX_MEMBER_MB = 25


def _read(z: zipfile.ZipFile, member: str, budget: list[int], source: str) -> bytes:
    """One member, streamed with a cap: never more than MAX_MEMBER_MB, nor the file's budget."""
    limit = min(MAX_MEMBER_MB * 1024 * 1024, budget[0])
    try:
        with z.open(member) as fh:
            data = fh.read(limit + 1)
    except KeyError as exc:
        raise StoryError(f"{source} names {member!r} but does not contain it; the EPUB is damaged") from exc
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
        raise StoryError(f"{source} is a damaged EPUB ({exc}); download it again") from exc
    if len(data) > limit:
        raise StoryError(f"{source} unpacks to more than its size allows ({member} alone is over "
                         f"{limit // 1024 // 1024} MB); it is not a story file")
    budget[0] -= len(data)
    return data


def _xml(data: bytes, what: str, source: str):
    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    try:
        return ET.fromstring(data)
    except DefusedXmlException as exc:
        raise StoryError(f"{source} has XML entities or external references in its {what}; "
                         "such files are refused") from exc
    except ET.ParseError as exc:
        raise StoryError(f"{source} has an unreadable {what} ({exc}); the EPUB is damaged") from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read(data_path, name: str, path: str, max_mb: float) -> Story:
    """An EPUB file as a Story."""
    try:
        z = zipfile.ZipFile(data_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise StoryError(f"{path} is not a readable EPUB (a zip file) ({exc}); download it again") from exc
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise StoryError(f"{path} holds {len(infos)} files, more than an EPUB story has; it is refused")
        if any(i.flag_bits & 0x1 for i in infos):
            raise StoryError(f"{path} is encrypted (DRM); only unprotected EPUBs can be read")
        budget = [int(max_mb * 1024 * 1024) * 4]  # text compresses well; more than this is a bomb
        container = _xml(_read(z, "META-INF/container.xml", budget, path), "container", path)
        rootfile = next((el.get("full-path") for el in container.iter() if _local(el.tag) == "rootfile"), None)
        if not rootfile:
            raise StoryError(f"{path} has no package file; it is not an EPUB")
        opf = _xml(_read(z, rootfile, budget, path), "package file", path)
        base = posixpath.dirname(rootfile)

        def resolve(href: str, at: str = base) -> str:
            return posixpath.normpath(posixpath.join(at, unquote(href.split("#")[0])))

        meta: dict = {}
        manifest: dict[str, dict] = {}
        spine: list[str] = []
        toc_id = None
        for el in opf.iter():
            tag = _local(el.tag)
            # (FanFicFare escapes some values twice, "Harry Potter &amp;amp; Hermione": read once more.)
            if tag == "title" and el.text and "title" not in meta:
                meta["title"] = unescape(" ".join(el.text.split()))
            elif tag == "creator" and el.text:
                meta.setdefault("author", unescape(" ".join(el.text.split())))
            elif tag == "subject" and el.text:
                meta.setdefault("tags", []).append(unescape(" ".join(el.text.split())))
            elif tag == "description" and el.text:
                meta.setdefault("summary", " ".join(html.parse(el.text, path).text_content().split()))
            elif tag == "item":
                manifest[el.get("id", "")] = {"href": resolve(el.get("href", "")), "type": el.get("media-type", ""),
                                              "properties": el.get("properties", "")}
            elif tag == "spine":
                toc_id = el.get("toc")
            elif tag == "itemref" and el.get("linear", "yes") != "no":
                spine.append(el.get("idref", ""))
        documents = [manifest[i]["href"] for i in spine if i in manifest]
        starts = _toc(z, manifest, toc_id, budget, path)
        chapters: list[tuple[str, list[str]]] = []
        for doc in documents:
            root = html.parse(_read(z, doc, budget, path), path)
            if _about_the_story(root, doc, meta):
                continue
            found, more = html.chapters_of(root)
            for key, value in more.items():
                if isinstance(value, list):
                    meta.setdefault(key, []).extend(v for v in value if v not in meta.get(key, []))
                else:
                    meta.setdefault(key, value)
            if doc in starts or not chapters:
                title = starts.get(doc) or next((t for t, _ in found if t), "")
                chapters.append((title, []))
                first = next((ps for _, ps in found if ps), None)
                if first and " ".join(first[0].split()).casefold() == " ".join(title.split()).casefold():
                    del first[0]  # the chapter's own heading, shown once as its title
            for title, paras in found:
                if title and chapters[-1][1] and doc not in starts:
                    chapters.append((title, []))  # a heading inside a file the contents do not list
                chapters[-1][1].extend(paras)
    return html.story_from(chapters, meta, name, path, meta.get("title"), "utf-8")


def _about_the_story(root, doc: str, meta: dict) -> bool:
    """A page that is about the story, not in it: AO3's preface or afterword, FanFicFare's
    title and contents pages. Its metadata is kept."""
    stem = posixpath.basename(doc).lower()
    if any(el.get("id") == "preface" for el in root.iter("div")):
        meta.update({k: v for k, v in html.ao3_preface(next(el for el in root.iter("div")
                                                              if el.get("id") == "preface")).items()
                     if k not in meta or k in ("summary",)})
        return True
    if any(el.get("id") == "afterword" for el in root.iter("div")):
        html._notes(root, meta)
        return True
    if stem.startswith(("title_page", "toc_page", "nav", "toc")) or stem in ("cover.xhtml", "titlepage.xhtml"):
        return True
    return False


def _toc(z: zipfile.ZipFile, manifest: dict[str, dict], toc_id: str | None, budget: list[int],
         source: str) -> dict[str, str]:
    """Document -> the label of the chapter the table of contents starts there (the first such
    entry of each document), from the EPUB 3 nav document or else the NCX."""
    starts: dict[str, str] = {}
    nav = next((m for m in manifest.values() if "nav" in m["properties"].split()), None)
    if nav is not None:
        root = html.parse(_read(z, nav["href"], budget, source), source)
        at = posixpath.dirname(nav["href"])
        toc = next((el for el in root.iter("nav") if "toc" in (el.get("epub:type") or el.get("type") or
                                                               el.get("{http://www.idpf.org/2007/ops}type") or "")),
                   next(iter(root.iter("nav")), None))
        if toc is not None:
            for a in toc.iter("a"):
                href = a.get("href")
                if href:
                    starts.setdefault(posixpath.normpath(posixpath.join(at, unquote(href.split("#")[0]))),
                                      html.text_of(a))
            return starts
    ncx = manifest.get(toc_id or "") or next((m for m in manifest.values() if m["type"] == "application/x-dtbncx+xml"),
                                             None)
    if ncx is not None:
        root = _xml(_read(z, ncx["href"], budget, source), "table of contents", source)
        at = posixpath.dirname(ncx["href"])
        for point in root.iter():
            if _local(point.tag) != "navPoint":
                continue
            label = next((" ".join("".join(t.itertext()).split()) for t in point.iter() if _local(t.tag) == "text"), "")
            content = next((t.get("src") for t in point.iter() if _local(t.tag) == "content"), None)
            if content:
                starts.setdefault(posixpath.normpath(posixpath.join(at, unquote(content.split("#")[0]))), label)
    return starts
