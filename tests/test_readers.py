"""Story files as fans have them: AO3 and FanFicFare HTML and EPUB, any EPUB 2/3, and hostile
files. The AO3 fixture (tests/data/ao3-lanterns.html) follows AO3's download templates
(otwarchive app/views/downloads: preface with dl.tags, div#chapters with div.meta.group and
div.userstuff, end notes, afterword); its notes and tags hold words that must never be quoted."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from bot.chat.replies import Replies
from bot.core import index, readers
from bot.core.search import Searcher
from bot.errors import StoryError

DATA = Path(__file__).resolve().parent / "data"
NOT_STORY = ("periwinkle", "marmalade", "quokka", "narwhal", "pangolin", "Zebras", "archiveofourown", "Preface")

CONTAINER = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
             '</rootfiles></container>')


def xhtml(body: str) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>{body}</body></html>'


def make_epub(path: Path, docs: list[tuple[str, str]], nav: list[tuple[str, str]] | None = None,
              ncx: list[tuple[str, str]] | None = None, container: str = CONTAINER, subjects=("Fluff",)) -> Path:
    manifest = "".join(f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"/>' for i, (name, _) in enumerate(docs))
    spine = "".join(f'<itemref idref="d{i}"/>' for i in range(len(docs)))
    if nav is not None:
        manifest += '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
    if ncx is not None:
        manifest += '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
    toc = ' toc="ncx"' if ncx is not None else ""
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
           'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Lanterns on the River</dc:title>'
           '<dc:creator>inkwell</dc:creator>' + "".join(f"<dc:subject>{s}</dc:subject>" for s in subjects) +
           '<dc:description>&lt;p&gt;A summary about periwinkle.&lt;/p&gt;</dc:description></metadata>'
           f'<manifest>{manifest}</manifest><spine{toc}>{spine}</spine></package>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", container)
        z.writestr("OEBPS/content.opf", opf)
        for name, body in docs:
            z.writestr(f"OEBPS/{name}", xhtml(body))
        if nav is not None:
            z.writestr("OEBPS/nav.xhtml", xhtml('<nav epub:type="toc" xmlns:epub="http://www.idpf.org/2007/ops"><ol>'
                                                + "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in nav) + "</ol></nav>"))
        if ncx is not None:
            z.writestr("OEBPS/toc.ncx", '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>'
                       + "".join(f'<navPoint id="n{i}"><navLabel><text>{t}</text></navLabel><content src="{h}"/></navPoint>'
                                 for i, (h, t) in enumerate(ncx)) + "</navMap></ncx>")
    return path


CH1A = '<p>Mara Quill walked to the old bridge at dusk. "Are you coming?" she asked Tobin.</p>'
CH1B = '<p>"Always," said Tobin Reed, and he lit the first lantern by the river.</p>'
CH2 = ('<p>The lanterns drifted down the river, past the mill and the sleeping town. Mara laughed at the fireflies '
       'that rose from the reeds to meet them.</p><p>"We should do this every year," Tobin said to Mara.</p>')


def check_story(story, chapters: int = 2) -> None:
    ix = index.build(story)
    assert [c.title for c in ix.chapters][:chapters] and len(ix.chapters) == chapters, [c.title for c in ix.chapters]
    assert "lit the first lantern" in story.text and "fireflies" in story.text
    for word in NOT_STORY:
        assert word not in story.text, word
    replies = Replies(ix, Searcher(ix))
    shown = " ".join([replies.ask("who lit the lantern")[0].body, replies.characters()[0].body,
                      replies.summary("story")[0].body, replies.quote()[0].body])
    assert "lit the first lantern" in shown
    for word in NOT_STORY:
        assert word not in shown, word
    names = {c.name for c in ix.characters}
    assert {"Mara Quill", "Tobin Reed"} & names or {"Mara", "Tobin"} & names


def test_an_ao3_html_download() -> None:
    story = readers.read(DATA / "ao3-lanterns.html", "lanterns")
    check_story(story)
    assert story.title == "Lanterns on the River" and story.author == "inkwell"
    meta = story.metadata
    assert meta["rating"] == ["General Audiences"] and meta["relationships"] == ["Mara/Tobin"]
    assert "periwinkle" in meta["summary"] and any("quokka" in n for n in meta["notes"])
    ix = index.build(story)
    # AO3's character tags give the canonical names; the text's first names are theirs.
    people = {c.name: set(c.aliases) for c in ix.characters}
    assert {"Mara Quill", "Tobin Reed"} <= set(people) and "Mara" in people["Mara Quill"]
    card = Replies(ix, Searcher(ix)).story()[0]
    assert dict(card.fields)["Rating"] == "General Audiences" and "periwinkle" in dict(card.fields)["Summary"]


def test_an_ao3_single_chapter_download(tmp_path) -> None:
    """A one-shot: AO3's template puts the work's title in h2.toc-heading and the text in one
    div.userstuff inside div#chapters, with no chapter meta group."""
    path = tmp_path / "oneshot.html"
    path.write_text('<html><head><title>The Bridge - inkwell - Original Work</title></head><body>'
                    '<div id="preface"><h1>The Bridge</h1><div class="byline">by inkwell</div>'
                    '<dl class="tags"><dt>Rating:</dt><dd>Teen And Up Audiences</dd><dt>Characters:</dt>'
                    '<dd>Mara Quill, Tobin Reed</dd><dt>Additional Tags:</dt><dd>narwhal</dd></dl>'
                    '<p>Summary</p><blockquote class="userstuff"><p>A pangolin summary.</p></blockquote></div>'
                    f'<div id="chapters" class="userstuff"><h2 class="toc-heading">The Bridge</h2>'
                    f'<div class="userstuff">{CH1A}{CH1B}{CH2}</div></div>'
                    '<div id="afterword"><p>End Notes</p><blockquote class="userstuff"><p>Zebras!</p></blockquote></div>'
                    '</body></html>')
    story = readers.read(path, "oneshot")
    check_story(story, chapters=1)
    assert story.title == "The Bridge" and story.author == "inkwell"
    assert not any(word in story.text for word in NOT_STORY) and story.text.count("The Bridge") == 0
    assert story.metadata["additional tags"] == ["narwhal"] and "Zebras!" in story.metadata["notes"]


def test_an_epub3_with_a_chapter_split_over_two_files(tmp_path) -> None:
    path = make_epub(tmp_path / "split.epub",
                     [("preface.xhtml", '<div id="preface"><h1>Lanterns on the River</h1><div class="byline">by inkwell</div>'
                                        '<p>Summary</p><blockquote class="userstuff"><p>periwinkle</p></blockquote></div>'),
                      ("ch1_split_000.xhtml", '<h2 class="heading">Chapter 1: The Bridge</h2>' + CH1A),
                      ("ch1_split_001.xhtml", CH1B),
                      ("ch2.xhtml", '<h2 class="heading">Chapter 2: The River</h2>' + CH2)],
                     nav=[("preface.xhtml", "Preface"), ("ch1_split_000.xhtml", "Chapter 1: The Bridge"),
                          ("ch2.xhtml", "Chapter 2: The River")])
    story = readers.read(path, "split")
    check_story(story)
    assert story.metadata["tags"] == ["Fluff"] and story.author == "inkwell"


def test_a_fanficfare_epub_with_an_ncx(tmp_path) -> None:
    path = make_epub(tmp_path / "fff.epub",
                     [("title_page.xhtml", "<h3>Lanterns on the River</h3><p>Rating: periwinkle</p>"),
                      ("toc_page.xhtml", "<p>Table of Contents</p><p>Preface</p>"),
                      ("file0001.xhtml", '<h3 class="fff_chapter_title">The Bridge</h3><div class="fff_chapter_notes">'
                                         "<p>Notes: a quokka</p></div>" + CH1A + CH1B),
                      ("file0002.xhtml", '<h3 class="fff_chapter_title">The River</h3>' + CH2)],
                     ncx=[("title_page.xhtml", "Title Page"), ("file0001.xhtml", "The Bridge"), ("file0002.xhtml", "The River")])
    story = readers.read(path, "fff")
    check_story(story)
    assert any("quokka" in n for n in story.metadata["notes"])


def test_an_epub_chapter_heading_is_its_title_once(tmp_path) -> None:
    """Each file opens with the heading its contents entry names (as most EPUBs do): the
    heading is the chapter's title, not also its first paragraph (which hid every chapter of
    a War and Peace EPUB behind a duplicated heading)."""
    path = make_epub(tmp_path / "plain.epub",
                     [("c1.xhtml", "<h2>Book One: 1805, Chapter I</h2>" + CH1A + CH1B),
                      ("c2.xhtml", "<h2>Book One: 1805, Chapter II</h2>" + CH2)],
                     nav=[("c1.xhtml", "Book One: 1805, Chapter I"), ("c2.xhtml", "Book One: 1805, Chapter II")])
    story = readers.read(path, "plain")
    check_story(story)
    assert story.text.count("Chapter II") == 1


@pytest.mark.parametrize("suffix", ["html", "epub"])
def test_files_fanficfare_itself_wrote(suffix) -> None:
    """tests/data/fanficfare-test1-670.*: written by FanFicFare 4.62 from its offline test adapter
    (`fanficfare -f html|epub "http://test1.com?sid=670"`; no network). Both formats give the same
    story: its nine chapters, title and author, and its title page's table as metadata only."""
    story = readers.read(DATA / f"fanficfare-test1-670.{suffix}", "fff")
    assert story.title == "Test Story Title 670" and story.author == "Test Author aa"
    ix = index.build(story)
    assert [c.title for c in ix.chapters][1:4] == ["Chapter 1, Xenos on Cinnabar", "Chapter 2, Sinmay on Kintikin",
                                                   'Chapter 3, "Over" Cinnabar']
    assert len(ix.chapters) == 9
    for not_story in ("Table of Contents", "Packaged", "Publisher", "I suck at summaries", "Tweenie"):
        assert not_story not in story.text
    assert "Xenos on Cinnabar" not in story.text.split("# Chapter 1, Xenos on Cinnabar")[0]  # no contents page
    if suffix == "html":
        assert story.metadata["characters"] == ["Bob Smith", "Fred Smythe", "George Johnson"]
        assert story.metadata["rating"] == "Tweenie"
    assert "I suck at summaries" in story.metadata["summary"]
    if suffix == "epub":  # its OPF escapes "&" twice ("&amp;amp;"): read as the "&" it is
        assert "Harry Potter & Hermione Granger" in story.metadata["tags"], story.metadata["tags"]


def test_plain_html_with_headings_as_chapters(tmp_path) -> None:
    path = tmp_path / "plain.html"
    path.write_text(f"<html><body><h2>The Bridge</h2>{CH1A}{CH1B}<h2>The River</h2>{CH2}"
                    "<script>document.write('marmalade')</script><style>p{{}}</style></body></html>")
    check_story(readers.read(path, "plain"))


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("kind", ["zip bomb", "xxe", "huge declared", "truncated", "renamed binary", "not an epub"])
def test_hostile_files_get_one_line_and_touch_nothing(tmp_path, kind) -> None:
    path = tmp_path / "bad.epub"
    if kind == "zip bomb":
        make_epub(path, [("ch.xhtml", "<p>" + "a " * 10 + "</p>")])
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("OEBPS/ch.xhtml", "<p>" + "a" * (60 * 1024 * 1024) + "</p>")  # 60 MB of one letter
    elif kind == "xxe":
        make_epub(path, [("ch.xhtml", CH1A)], container='<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM '
                  '"file:///etc/passwd">]><container><rootfiles><rootfile full-path="&x;"/></rootfiles></container>')
    elif kind == "huge declared":
        make_epub(path, [("ch.xhtml", CH1A)])
        data = bytearray(path.read_bytes())
        i = data.rfind(b"PK\x01\x02")  # the last central directory entry: declare 2 GB uncompressed
        data[i + 24:i + 28] = (2 * 1024 ** 3).to_bytes(4, "little")
        path.write_bytes(bytes(data))
    elif kind == "truncated":
        make_epub(path, [("ch.xhtml", CH1A)])
        path.write_bytes(path.read_bytes()[:200])
    elif kind == "renamed binary":
        path = tmp_path / "bad.html"
        path.write_bytes(b"<html>\x00\x01\x02" + bytes(range(256)) * 40)
    else:
        path.write_bytes(b"just some text, not a zip")
    before = set(tmp_path.iterdir())
    if kind == "huge declared":
        # A size the zip declares is never trusted: the member is streamed with a cap, so this
        # reads as the small story it really is, without reserving 2 GB.
        assert "Mara Quill walked" in readers.read(path, "bad", max_mb=10).text
        assert set(tmp_path.iterdir()) == before
        return
    with pytest.raises(StoryError) as caught:
        readers.read(path, "bad", max_mb=10)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    assert set(tmp_path.iterdir()) == before


def test_files_added_to_or_changed_in_seeds_are_seen_without_a_restart(tmp_path) -> None:
    import os
    from dataclasses import replace

    from bot import config
    from bot.chat.stories import StoryLibrary

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "first.txt").write_text("Anna met Boris by the river. Anna smiled at Boris, and Boris waved.\n")
    settings = replace(config.load(None), seeds_dir=seeds, cache_dir=tmp_path / "cache", default_story=None,
                       stories={}, answer_model=False)
    library = StoryLibrary(settings)
    library.RECHECK = 0.0  # look at every call (the bot looks at most once a second)
    assert library.names() == ["first"]
    (seeds / "lanterns.html").write_bytes((DATA / "ao3-lanterns.html").read_bytes())
    os.utime(seeds, ns=(1, os.stat(seeds).st_mtime_ns + 1_000_000))  # the folder changed
    assert sorted(library.names()) == ["first", "lanterns"]
    assert "lit the first lantern" in library.whole("lanterns").ix.text
    first = seeds / "first.txt"
    first.write_text("Anna met Boris by the mill. Anna laughed at Boris, and Boris sang for Anna.\n")
    os.utime(first, ns=(1, os.stat(first).st_mtime_ns + 1_000_000))
    assert not library.ready("first") or "mill" in library.whole("first").ix.text
    assert "mill" in library.whole("first").ix.text


def test_storykeeper_add_keeps_a_story_for_every_server(tmp_path, capsys) -> None:
    from bot.cli import main

    config_file = tmp_path / "config.yaml"
    config_file.write_text(f"seeds_dir: {DATA.parent.parent / 'seeds'}\ndata_dir: {tmp_path / 'data'}\n"
                           f"cache_dir: {tmp_path / 'cache'}\nanswers: {{model: false}}\n")
    assert main(["--config", str(config_file), "add", str(DATA / "ao3-lanterns.html"), "--name", "lanterns"]) == 0
    assert "Added `lanterns`: Lanterns on the River" in capsys.readouterr().out
    assert main(["--config", str(config_file), "story", "--story", "lanterns"]) == 0
    assert "Relationships: Mara/Tobin" in capsys.readouterr().out
    bad = tmp_path / "bad.epub"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    before = sorted((tmp_path / "data").rglob("*"))
    assert main(["--config", str(config_file), "add", str(bad)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "EPUB" in err
    assert sorted((tmp_path / "data").rglob("*")) == before
