"""Files -> Story: decoded text with exact offsets, Gutenberg wrapper recognised, title found.

Every offset in the index points into ``Story.text``: the file decoded, the BOM dropped and each
line ending turned into ``\\n`` -- exactly what ``open(path, newline=None).read()`` gives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import StoryError

STORY_SUFFIXES = (".txt", ".md", ".markdown", ".text")

# Gutenberg wraps the book in START/END markers; older files use other phrasings.
_START = re.compile(
    r"^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$"
    r"|^\*END\*THE SMALL PRINT.*$",
    re.IGNORECASE | re.MULTILINE,
)
_END = re.compile(
    r"^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK.*$"
    r"|^End of (?:the )?Project Gutenberg'?s?.*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_FIELD = re.compile(r"^(Title|Author):\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Story:
    """A story's text and where the story proper lies inside it."""

    name: str
    path: str
    text: str
    start: int
    end: int
    title: str
    author: str | None
    encoding: str
    # What is about the story, not in it (AO3's tags, summary, notes): shown in /story info,
    # never searched or quoted. Keys: title, author, rating, fandom(s), relationships,
    # characters, additional tags, summary, notes, source...
    metadata: dict = field(default_factory=dict)

    @property
    def body(self) -> str:
        return self.text[self.start : self.end]


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM optional) or UTF-16 with BOM, else Windows-1252.

    Returns the text with line endings normalised to ``\\n`` and the encoding used.
    Raises StoryError for binary data or bytes no supported encoding can read.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data[:8192]:
        raise StoryError(f"{source} looks like a binary file, not text; give a .txt or .md story")
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        try:
            # Windows-1252 leaves five bytes undefined, so real binaries still fail here.
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise StoryError(
                f"{source} is neither UTF-8 nor Windows-1252 text; save it as UTF-8 and try again"
            ) from exc
    if encoding == "utf-16":
        text = text.lstrip("\ufeff")
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise StoryError(f"{source} looks like a binary file, not text; give a .txt or .md story")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _gutenberg_span(text: str) -> tuple[int, int] | None:
    start = _START.search(text)
    if not start:
        return None
    end = _END.search(text, start.end())
    return start.end(), end.start() if end else len(text)


def _clean_title(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip().strip("#").strip()
    return value


def find_title(text: str, start: int, end: int, fallback: str) -> tuple[str, str | None]:
    """The title and author: Gutenberg header fields, else the story's first short line."""
    fields = {m.group(1).lower(): m.group(2).strip() for m in _HEADER_FIELD.finditer(text[:start])}
    if "title" not in fields:  # "Title: The Invisible Man" over the story, with no Gutenberg wrapper
        head = "\n".join(text[start:end].lstrip().split("\n")[:6])
        fields = {m.group(1).lower(): m.group(2).strip() for m in _HEADER_FIELD.finditer(head)} | fields
    if "title" in fields:
        return _clean_title(fields["title"]), fields.get("author")
    from bot.core.segment import heading_kind  # (segment reads stories: imported here, not at the top)

    for line in text[start:end].split("\n")[:20]:
        line = line.strip()
        if not line:
            continue
        if heading_kind(line.lstrip("#")) in ("chapter", "part", "numeral", "numeral_titled", "epilogue", "separator"):
            break  # a story that opens on "Chapter 1" has no title line: its file's name is the title
        if line.startswith("#") or (len(line) <= 80 and not re.search(r"[.!?\"”:,;]$", line)):
            title = _clean_title(line)
            if title:
                return title, None
        break
    return fallback, None


# A paragraph that is the author talking to readers, not the story: "A/N: Thanks for reading!!",
# "Author's Note: ...", "Disclaimer: I don't own ...", "Please review!", "Leave a kudos ...".
_NOTE = re.compile(
    r"(?:^|(?<=\n\n))[ \t*_#>]*(?:(?:A/N|AN)\s*[:\-–—]|(?i:author['’]?s?\s+notes?|disclaimer)\s*[*_]*\s*[:\-–—]"
    r"|(?i:please\s+(?:r\s*&\s*r|review|leave\s+(?:a\s+|me\s+a\s+)?(?:review|comment|kudos)|comment)\b"
    r"|thanks?\s+(?:you\s+)?(?:so\s+much\s+)?for\s+reading|leave\s+(?:a\s+|me\s+a\s+)?(?:kudos|comment|review)"
    r"|check\s+out\s+my\s+other))")
_PARAGRAPH_END = re.compile(r"\n[ \t]*\n|$")
NOTE_MOST = 600  # characters: a longer "paragraph" is a file without blank lines, and only the line goes


def _blank_notes(text: str) -> str:
    """The text with each author's note paragraph blanked out (spaces, its line breaks kept):
    never quoted, searched or summarised, and every offset still where it was. Only the note's
    own line goes where its paragraph runs long (a file of one paragraph a line)."""
    out, last = [], 0
    for m in _NOTE.finditer(text):
        if m.start() < last:
            continue
        end = _PARAGRAPH_END.search(text, m.start()).start()
        if end - m.start() > NOTE_MOST:
            line_end = text.find("\n", m.start())
            end = line_end if line_end != -1 else len(text)
        out += [text[last : m.start()], re.sub(r"[^\n]", " ", text[m.start() : end])]
        last = end
    return "".join(out) + text[last:]


def from_text(text: str, name: str, path: str = "<text>", encoding: str = "utf-8") -> Story:
    """Build a Story from already-decoded text (line endings must already be ``\\n``)."""
    text = _blank_notes(text)
    span = _gutenberg_span(text)
    start, end = span if span else (0, len(text))
    title, author = find_title(text, start, end, fallback=name.replace("-", " ").replace("_", " ").title())
    return Story(name=name, path=path, text=text, start=start, end=end, title=title,
                 author=author, encoding=encoding)


def check_file(path: Path, max_mb: float) -> None:
    """A story file that exists, is a file, and is within the size limit; else StoryError."""
    if not path.exists():
        raise StoryError(f"{path} does not exist; check the path or use a story name from the library")
    if path.is_dir():
        raise StoryError(f"{path} is a folder; give a story file (.txt, .md, .html or .epub) inside it")
    size = path.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise StoryError(
            f"{path} is {size / 1024 / 1024:.0f} MB, over the {max_mb:g} MB limit; "
            "split it or raise max_story_mb in config.yaml"
        )


def from_path(path: Path, name: str | None = None, max_mb: float = 50.0) -> Story:
    """Read a story file. Raises StoryError with a one-line message on any problem."""
    check_file(path, max_mb)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StoryError(f"cannot read {path} ({exc.strerror}); check its permissions") from exc
    if not data.strip():
        raise StoryError(f"{path} is empty; put the story's text in it")
    text, encoding = decode(data, str(path))
    story = from_text(text, name or path.stem, str(path), encoding)
    if not story.body.strip():
        raise StoryError(f"{path} has no story text between its Gutenberg markers")
    return story
