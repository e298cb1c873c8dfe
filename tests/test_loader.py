from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import loader
from bot.errors import StoryError

GUTENBERG = (
    "The Project Gutenberg EBook of Tiny Tale, by Ann Author\r\n\r\n"
    "Title: Tiny Tale\r\n\r\nAuthor: Ann Author\r\n\r\n"
    "*** START OF THIS PROJECT GUTENBERG EBOOK TINY TALE ***\r\n\r\n"
    "TINY TALE\r\n\r\nby Ann Author\r\n\r\n"
    "“Hello,” said Mary. It was a fine day.\r\n\r\n"
    "End of the Project Gutenberg EBook of Tiny Tale, by Ann Author\r\n\r\n"
    "*** END OF THIS PROJECT GUTENBERG EBOOK TINY TALE ***\r\n\r\n"
    "Section 1. General Terms of Use and Redistributing Project Gutenberg-tm\r\n"
)


def test_gutenberg_header_and_footer_are_left_out_and_title_found(tmp_path: Path) -> None:
    path = tmp_path / "tale.txt"
    path.write_bytes(b"\xef\xbb\xbf" + GUTENBERG.encode("utf-8"))
    story = loader.from_path(path)
    assert story.title == "Tiny Tale" and story.author == "Ann Author"
    assert "said Mary" in story.body
    assert "Redistributing" not in story.body and "START OF" not in story.body
    assert "End of the Project" not in story.body


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_offsets_match_python_universal_newlines(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "s.txt"
    path.write_bytes(("\ufeffOne line.\n\nTwo “curly” lines.\n".replace("\n", newline)).encode("utf-8"))
    story = loader.from_path(path)
    assert story.text == path.open(encoding="utf-8-sig", newline=None).read()
    at = story.text.index("“curly”")
    assert story.text[at : at + 7] == "“curly”"


def test_windows_1252_is_read_not_garbled(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_bytes("“Café,” she said — it’s late.".encode("cp1252"))
    story = loader.from_path(path)
    assert story.encoding == "cp1252"
    assert "“Café,” she said — it’s late." in story.text


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "is empty"), (b"   \n\n", "is empty"), (b"\x00\x01\x02binary\x00" * 50, "binary")],
)
def test_bad_files_get_one_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(StoryError, match=message):
        loader.from_path(path)


def test_missing_file_and_folder_and_size_limit(tmp_path: Path) -> None:
    with pytest.raises(StoryError, match="does not exist"):
        loader.from_path(tmp_path / "nope.txt")
    with pytest.raises(StoryError, match="folder"):
        loader.from_path(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("word " * 300_000)
    with pytest.raises(StoryError, match="over the 1 MB limit"):
        loader.from_path(big, max_mb=1)


def test_title_is_the_first_short_line_without_gutenberg() -> None:
    story = loader.from_text("Always Here\n\n“Hi,” she said.\n", "x")
    assert story.title == "Always Here"
    assert loader.from_text("# My Story\n\nText.\n", "x").title == "My Story"


def test_title_and_author_lines_over_a_story_without_a_gutenberg_wrapper() -> None:
    story = loader.from_text("Title: The Strange Man\n\nAuthor: H. G. Wells\n\n\nCHAPTER I.\n\n"
                             "The stranger came early in February, one wintry day.\n", "t")
    assert story.title == "The Strange Man" and story.author == "H. G. Wells"


def test_a_story_that_opens_on_a_chapter_heading_is_titled_by_its_name() -> None:
    from bot.core import loader

    for opening in ("Chapter 1: The Storm", "# Chapter 1", "I.", "Prologue"):
        story = loader.from_text(f"{opening}\n\nAda Finch climbed the stairs of the lighthouse.\n", "the-keeper")
        assert story.title == "The Keeper", (opening, story.title)
    titled = loader.from_text("The Lighthouse Keeper\n\nChapter 1\n\nAda Finch climbed the stairs.\n", "keeper")
    assert titled.title == "The Lighthouse Keeper"


def test_an_authors_note_in_a_plain_text_fic_is_not_story() -> None:
    from bot.core import loader

    text = ("Broken Crowns\n\nChapter 1: The Letter\n\nHarry Potter stared at the letter from Hermione.\n\n"
            "A/N: Thanks for reading!! Leave a kudos and a comment if you liked it <3\n\n"
            "Chapter 2: The Return\n\nThe train was crowded, and Draco Malfoy sat alone.\n\n"
            "**Author's Note:** OMG 100 reviews!!\nNext chapter: the Yule Ball!!!\n\n"
            "Please review! Check out my other fics on my profile.\n")
    story = loader.from_text(text, "crowns")
    assert len(story.text) == len(text) and "train was crowded" in story.text and "Harry Potter stared" in story.text
    for note in ("kudos", "Thanks for reading", "100 reviews", "Yule Ball", "Please review", "other fics"):
        assert note not in story.text, note


def test_what_only_looks_like_an_authors_note_stays_story() -> None:
    """A capitalised first word ("AN elderly gentleman"), a letter in the story ("Please leave
    the key"), and a file of one paragraph a line whose note takes only its own line."""
    from bot.core import loader

    for text in ("AN elderly, well-dressed gentleman came in.\n\nAN old man—the miller—sat down.\n",
                 "“Please leave the key under the mat,” she wrote.\n\nPlease leave it there, she thought.\n"):
        assert loader.from_text(text, "t").text == text
    lines = "A/N: my first fic!\nHarry walked to the lake.\n" + "Harry looked at the water for a long time.\n" * 20
    story = loader.from_text(lines, "t")
    assert "my first fic" not in story.text and story.text.count("Harry looked at the water") == 20
