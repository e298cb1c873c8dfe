"""Summaries, outlines, profiles and pictures on the shipped story and a Gutenberg short story."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot import config
from bot.chat.replies import Replies
from bot.core import library, pictures
from bot.core.summarise import CHAPTER_SENTENCES, SCENE_SENTENCES, Summariser

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = config.load(ROOT / "config.yaml")


@pytest.fixture(scope="module", params=["always-you", str(ROOT / "tests" / "data" / "gift-of-the-magi.txt")])
def story(request):
    ix, searcher = library.open_story(SETTINGS, request.param)
    return ix, searcher, Summariser(ix)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_every_summary_sentence_is_the_story_s_own_text(story) -> None:
    ix, _, summariser = story
    for scene in ix.scenes:
        summary = summariser.scene(scene.id)
        assert 1 <= len(summary.sentences) <= SCENE_SENTENCES
        assert summary.characters == scene.characters  # who is present heads the summary
        for s in summary.sentences:
            assert scene.start <= s.start < s.end <= scene.end
            assert squash(ix.text[s.start : s.end]) == s.text
        starts = [s.start for s in summary.sentences]
        assert starts == sorted(starts)  # in story order
    for chapter in ix.chapters:
        summary = summariser.chapter(chapter.id)
        assert 1 <= len(summary.sentences) <= CHAPTER_SENTENCES
        assert all(squash(ix.text[s.start : s.end]) == s.text for s in summary.sentences)


def test_summaries_pick_what_carries_the_scene(story) -> None:
    ix, _, summariser = story
    if ix.title == "Always You":
        studio = summariser.scene(next(s.id for s in ix.scenes if "studio" in s.title))
        text = " ".join(s.text for s in studio.sentences)
        assert "Will you wait for me?" in text and "studio" in text and studio.places == ("the studio",)
    else:
        text = " ".join(s.text for s in summariser.chapter(1).sentences)
        assert "Della" in text and "Jim" in text


def test_story_outline_has_a_line_per_scene(story) -> None:
    ix, _, summariser = story
    outline = summariser.outline()
    assert [o.id for o in outline] == [s.id for s in ix.scenes]
    assert all(o.line and squash(o.line) in squash(ix.text) for o in outline)


def test_chapters_by_number_or_title() -> None:
    ix, _ = library.open_story(SETTINGS, str(ROOT / "tests" / "data" / "owl-creek-bridge.txt"))
    summariser = Summariser(ix)
    assert summariser.find_chapter("2") == 2 and summariser.find_chapter("III") == 3
    assert summariser.find_chapter("99") is None


def test_summary_replies_fit_and_name_who_and_where(story) -> None:
    ix, searcher, _ = story
    replies = Replies(ix, searcher)
    last_with_people = [sc for sc in ix.scenes if sc.characters][-1]  # a coda may name no one
    reply, _ = replies.summary("scene", last_with_people.title.split(":")[0])
    assert reply.body.startswith("**Who:**") and len(reply.body) <= 4096
    reply, state = replies.summary("story")
    assert reply.title.endswith("the story so far") and all(len(p) <= 1800 for p in state.pages)
    reply, _ = replies.summary("chapter", "999")
    assert reply.error and "no chapter" in reply.body.lower()


def test_character_profile(story) -> None:
    ix, searcher, _ = story
    main = ix.characters[0]
    reply, _ = Replies(ix, searcher).character(main.name.split()[0])
    fields = dict(reply.fields)
    assert reply.title.replace("\\", "") == main.name
    assert "mentions" in fields["Appears"] and fields["First appearance"]
    if any(d.speaker == main.name for d in ix.dialogue):
        assert "Says" in fields and "Talks most to" in fields


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(data)).size


def test_pictures_are_pngs_of_the_right_size_showing_who_was_asked(story) -> None:
    ix, _, _ = story
    asked = [c.name for c in ix.characters[:2]]
    picture = pictures.timeline(ix, asked)
    assert picture.png.startswith(b"\x89PNG") and png_size(picture.png) == (1200, 675)
    assert picture.shows == tuple(asked)
    default = pictures.timeline(ix)
    assert default.shows == tuple(c.name for c in ix.characters[:6])
    rel = pictures.relations(ix)
    assert png_size(rel.png) == (1200, 675)
    speakers = {d.speaker for d in ix.dialogue if d.speaker}
    assert set(rel.shows) <= speakers and rel.shows


def test_presence_counts_follow_the_passages() -> None:
    ix, _ = library.open_story(SETTINGS, "always-you")
    labels, rows = pictures.presence(ix, ["Marcel Gerard"])
    assert len(labels) == len(ix.scenes)
    marcel_scenes = {p.scene for p in ix.passages if "Marcel Gerard" in p.characters}
    assert {i + 1 for i, v in enumerate(rows["Marcel Gerard"]) if v} == marcel_scenes


def test_a_speech_over_many_paragraphs_is_still_sentences_and_a_chapter_summary_is_short() -> None:
    """A client's tale told in quotes over many paragraphs (each opening with a quote mark and
    none closing but the last, as English prints it) is summarised sentence by sentence: no
    summary sentence over 400 characters, and a chapter's summary about 150 words."""
    from conftest import build_text

    tale = "\n\n".join(
        f"“In the year {1870 + n} my uncle went to the {place} and bought a horse from a farmer named Giles. "
        f"The horse was grey and old and it would not pull the cart up the hill by the {place}. My uncle "
        f"sold it again for two pounds at the fair, and the farmer laughed at him for a week."
        for n, place in enumerate(["mill", "church", "river", "forest", "market", "quarry", "bridge", "harbour"] * 4))
    text = ("CHAPTER I\n\nHolmes sat by the fire in Baker Street when Miss Violet Hunter came in. "
            "She sat down and began her story.\n\n" + tale + "”\n\nHolmes listened to every word, and then "
            "Holmes stood up and took his hat.\n\nCHAPTER II\n\nThe next morning Holmes and Watson "
            "took the train to Winchester, where Miss Violet Hunter met them at the station.\n")
    ix = build_text(text)
    summariser = Summariser(ix)
    summary = summariser.chapter(1)
    assert summary.sentences and all(len(s.text) <= 400 for s in summary.sentences)
    assert 40 <= sum(len(s.text.split()) for s in summary.sentences) <= 170


def test_a_run_on_sentence_is_left_out_where_a_shorter_one_is_there_and_else_cut_at_a_clause() -> None:
    from conftest import build_text

    clause = "the courier who talked of how badly things were going in the army and of the spies in Moscow"
    run_on = "His talk with the count, " + ", ".join([clause] * 6) + ", all this made him restless."
    short = "Pierre went home and sat down by the window with a letter from the count."
    ix = build_text(f"CHAPTER I\n\n{run_on} {short}\n\nCHAPTER II\n\n{run_on} {run_on}\n")
    summariser = Summariser(ix)
    assert [s.text for s in summariser.scene(1).sentences] == [short]
    cut = summariser.scene(2).sentences
    assert cut and all(len(s.text) <= 402 and s.text.endswith(" …") for s in cut)
    assert all(squash(ix.text[s.start : s.end]) + " …" == s.text for s in cut)  # the story's own words, cut


def test_speech_picked_without_its_tag_says_whose_it_is() -> None:
    """A summary that picks a line's sentences but not its tag names the speaker once for the
    run; a sentence that holds its own tag ("said Anna") is left as it is."""
    from bot.core import index, loader
    from bot.core.summarise import Summary

    text = ("Anna walked into the drawing room where Pierre stood by the window, looking at the snow.\n\n"
            "\"The carriage is ready,\" said Anna. \"We leave for Moscow tonight.\"\n\n"
            "\"I will not go. The war has taken everything from me. I shall stay here with my books.\" "
            "Pierre turned back to the window.\n")
    ix = index.build(loader.from_text(text, "snow"))
    summariser = Summariser(ix)
    picked = summariser.pick(ix.start, ix.end, 10)
    rendered = Summary("t", ix.start, ix.end, (), (), tuple(picked)).text()
    assert "Pierre: “I will not go. The war has taken everything from me. I shall stay here with my books.”" \
        in rendered, rendered
    assert "\"The carriage is ready,\" said Anna." in rendered and "Anna: “The carriage" not in rendered, rendered
    assert [s.speaker for s in picked if s.text.startswith("\"I will")] == ["Pierre"]
    # A reader who does not know the speaker's name yet reads the line as the book prints it.
    unknown = Summary("t", ix.start, ix.end, (), (), tuple(picked)).text(lambda name: "")
    assert "Pierre:" not in unknown and "\"I will not go." in unknown, unknown


def test_a_sentence_cut_at_its_paragraph_end_is_marked_so_the_next_does_not_end_it() -> None:
    from bot.core.summarise import Sentence, read

    picked = [Sentence(0, 40, "It was at the great concert, and I had to sing"),
              Sentence(90, 130, "Alice was beginning very angrily."),
              Sentence(140, 160, "“Sh! sh!” went the Hatter.”"), Sentence(170, 180, "So it ended--")]
    assert read(picked) == ("It was at the great concert, and I had to sing … Alice was beginning very angrily. "
                            "“Sh! sh!” went the Hatter.” So it ended--")


def test_a_sentence_picked_out_of_a_quotation_shows_it_is_cut() -> None:
    """Split inside a quotation, a sentence opens a quote it never closes (or closes one it
    never opened): the summary closes it after "…" (or opens it with one)."""
    from bot.core.summarise import Sentence, read

    picked = [Sentence(0, 60, "The Rabbit came back, muttering as he came, ‘Oh! the Duchess, the Duchess!"),
              Sentence(80, 120, "Alice felt so desperate that she ran."),
              Sentence(130, 170, "they must needs come wriggling down from the sky!’ said the Pigeon."),
              Sentence(180, 200, "It isn’t the girls’ fault, said Alice.")]
    assert read(picked) == ("The Rabbit came back, muttering as he came, ‘Oh! the Duchess, the Duchess! …’ "
                            "Alice felt so desperate that she ran. "
                            "‘… they must needs come wriggling down from the sky!’ said the Pigeon. "
                            "It isn’t the girls’ fault, said Alice.")
