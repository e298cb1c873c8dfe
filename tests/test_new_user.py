"""What a new user trips over (issue 14): console commands, help, names, chapters, long books."""
from __future__ import annotations

from pathlib import Path

from bot import config
from bot.chat.commands import COMMANDS
from bot.chat.console import Console
from bot.chat.discord_games import DailyCog, GameCog
from bot.chat.discord_library import LibraryCog
from bot.chat.replies import Replies
from bot.chat.stories import StoryLibrary
from bot.cli import main
from bot.core import pictures
from bot.core.search import Searcher
from conftest import build_text

ROOT = Path(__file__).resolve().parents[1]

BOOKS = "\n\n".join(
    f"BOOK {book}\n\n" + "\n\n".join(
        f"CHAPTER {roman}\n\n" + "\n\n".join(
            f"Anna walked to the {place} of book {book.lower()} and chapter {roman.lower()}. She met Boris there, "
            f"and Boris said, \"This {place} is lovely in the {season}.\" Anna smiled at Boris for a long while."
            for place, season in (("garden", "spring"), ("river", "summer")))
        for roman in ("I", "II", "III"))
    for book in ("ONE", "TWO", "THREE"))


def console(pictures_to: Path | None = None) -> Console:
    library = StoryLibrary(config.load(ROOT / "config.yaml"))
    return Console(library.get(None), library=library, picture_dir=pictures_to)


def test_help_lists_every_command_and_the_bot_registers_each() -> None:
    from bot.chat.discord_bot import StoryCog
    from bot.chat.discord_settings import SettingsCog

    registered = set()
    for command in [*StoryCog.__cog_commands__, *LibraryCog.__cog_commands__, *GameCog.__cog_commands__,
                    *DailyCog.__cog_commands__, *SettingsCog.__cog_commands__]:
        registered.add(command.qualified_name)
        registered.update(sub.qualified_name for sub in getattr(command, "commands", []))
    table = {c.name for c in COMMANDS}
    assert table <= registered | {"story"}, table - registered
    assert {n.split()[0] for n in registered} <= {n.split()[0] for n in table}
    text = console().handle("/help")
    for c in COMMANDS:
        assert f"/{c.name}" in text
    assert "/settings" in text and "(on Discord only)" in text


def test_the_console_does_what_help_offers() -> None:
    c = console()
    assert "works on Discord only" in c.handle("/ceiling 3") and "works on Discord only" in c.handle("/settings show")
    listing = c.handle("/story list")
    assert "`always-you`" in listing and "Length" not in listing
    assert "Now reading `always-you`" in c.handle("/story use always-you")
    assert "No story called" in c.handle("/story use nothing-here")
    assert "Klaus Mikaelson" in c.handle("/quote Klaus about:jealous")


def test_the_command_line_story_card_has_no_slash_hint(capsys) -> None:
    assert main(["--config", str(ROOT / "config.yaml"), "story"]) == 0
    out = capsys.readouterr().out
    assert "Always You" in out and "/help" not in out


def test_a_summary_of_something_named_finds_it(capsys) -> None:
    c = console()
    kiss = c.handle("/summary the kiss")
    assert kiss.startswith("Scene 8") and "kissed him" in kiss
    assert main(["--config", str(ROOT / "config.yaml"), "summary", "studio"]) == 0
    assert capsys.readouterr().out.startswith("Scene 7: Caroline and Klaus in the studio")


def test_chapters_by_the_names_readers_give_them() -> None:
    ix = build_text(BOOKS, "books")
    assert len(ix.chapters) == 9
    r = Replies(ix, Searcher(ix))
    for ref in ("book 2 chapter 3", "Book Two, Chapter III", "II.3", "chapter 3 of book two", "bok two chaptr 3"):
        reply, _ = r.summary("chapter", ref)
        assert "book two and chapter iii" in reply.body.lower(), (ref, reply.body)
        reply, _ = r.summary("", ref)
        assert "book two and chapter iii" in reply.body.lower(), (ref, reply.body)
    from bot.chat.cards import chapter_asked

    assert chapter_asked(ix, "Book Three, Chapter I") == 7 and chapter_asked(ix, "4") == 4
    assert chapter_asked(ix, "book nine") is None
    c = Console(r, reopen=lambda chapter: r)
    assert "up to the end of chapter 6" in c.handle("/progress book two chapter 3")


def test_a_misspelt_name_does_not_spoil_the_picture(capsys, tmp_path) -> None:
    c = console(tmp_path)
    out = c.handle("/timeline Klaus, Marcell, Zebedee")
    assert "Where Klaus Mikaelson, Marcel Gerard appear" in out and "Left out: “Zebedee”" in out
    assert main(["--config", str(ROOT / "config.yaml"), "timeline", "Klaus,", "Marcell,", "Zebedee",
                 "--out", str(tmp_path / "t.png")]) == 0
    printed = capsys.readouterr().out
    assert "Klaus Mikaelson, Marcel Gerard" in printed and "Left out: 'Zebedee'" in printed


def test_a_long_book_timeline_is_labelled_by_its_books() -> None:
    ix = build_text(BOOKS, "books")
    groups = pictures._groups(ix, by_chapter=True)
    assert [label for _, label in groups] == ["Book One", "Book Two", "Book Three"]
    assert [start for start, _ in groups] == [0, 3, 6]


def test_a_random_quote_is_cut_where_a_reader_stops() -> None:
    speech = " ".join(f"Sentence number {i} of my long speech goes on about the war and the peace." for i in range(30))
    ix = build_text(f"Boris stood up.\n\n\"{speech}\" said Boris.\n\nAnna listened to Boris and said, "
                    "\"Yes.\" Boris nodded to Anna.\n", "speech")
    q = Searcher(ix).quote(character="Boris", seed=1)
    assert q is not None and len(q.quote) <= 400 and q.quote.endswith(".")
    assert ix.text[q.start:q.end].endswith(q.quote[-20:])


def test_later_after_the_whole_scene_goes_past_it() -> None:
    c = console()
    assert "Will you wait for me?" in c.handle("/ask what did caroline ask klaus in his studio?")
    assert "Scene 7" in c.handle("4")  # Whole scene
    later = c.handle("4")  # Later, under the scene's pages
    assert "scene 8" in later and "scene 7:" not in later


def test_counts_read_as_english(capsys) -> None:
    assert main(["--config", str(ROOT / "config.yaml"), "inspect"]) == 0
    out = capsys.readouterr().out
    assert "· 1 chapter ·" in out and "1 chapters" not in out
    ix = build_text("Anna met Boris. \"Hello there, my old friend,\" said Anna. Boris waved at Anna.\n", "one")
    card, _ = Replies(ix, Searcher(ix)).character("Anna")
    assert card.body == "1 line of dialogue."


def test_a_summary_by_words_no_scene_has_says_it_is_the_closest_in_meaning(capsys) -> None:
    c = console()
    out = c.handle("/summary scene zzzq")
    assert "No scene has these words" in out and out.count("Scene ") >= 1
    assert "No scene has these words" not in c.handle("/summary scene the bar")


def test_a_question_of_only_punctuation_asks_for_a_question() -> None:
    c = console()
    for typed in ("/ask", "/ask ?", "/ask ...?!"):
        out = c.handle(typed)
        assert out.startswith("Ask me something about the story") and "[1]" not in out, (typed, out)


def test_a_scene_asked_for_by_number_is_that_scene_and_punctuation_finds_none() -> None:
    c = console()
    assert c.handle("/scene 4").startswith("Scene 4:") and c.handle("/scene #2").startswith("Scene 2:")
    assert "No scene “99”; there are 8" in c.handle("/scene 99")
    assert c.handle("/summary #4").startswith("Scene 4:")
    assert "No scene “-1”" in c.handle("/summary scene -1") and "No scene “0”" in c.handle("/summary scene 0")
    assert "No scene “99999999999999999999”" in c.handle("/scene 99999999999999999999")
    from conftest import build_text
    from bot.core.search import Searcher

    sr = Searcher(build_text("In 1812 the army marched on Moscow, and Pierre watched it go from the hill.\n"))
    assert [h.id for h in sr.scenes("1812")] == [1] and sr.scenes("scene 1812") == []  # a year no scene number has
    for typed in ("/scene ???!!!", "/scene 🎨"):
        assert c.handle(typed).startswith("No scene matches"), typed


def test_another_quote_is_never_the_one_on_show_and_a_topic_needs_a_sentence() -> None:
    c = console()
    shown = [c.handle("/quote")] + [c.handle("1") for _ in range(6)]
    quotes = [s.split("\n")[0] for s in shown]
    assert all(a != b for a, b in zip(quotes, quotes[1:])), quotes
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("Anna found a bottle by the door. On its label was written “poison,” in large letters, "
                    "and Tom looked at the label.\n")
    assert Searcher(ix).quote(about="label") is None  # a word on a label is no line about it
    sr = Searcher(build_text("“We must not drink from this bottle at all,” said Tom to Anna.\n\n"
                             "“Then we shall have to find the key some other way,” said Anna to Tom.\n"))
    for seed in range(20):  # of two lines, the one not on show, whatever the draw
        shown = sr.quote(seed=seed)
        assert sr.quote(seed=seed, after=shown.start).start != shown.start


def test_first_appearance_is_in_the_story_not_its_title_page() -> None:
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("The Adventures of Tom Hale\n\nby Ann Writer\n\nContents\n\n   I.     The Bridge\n   II.    The River\n\n\n"
                    "I. THE BRIDGE\n\nTom Hale walked to the bridge in the rain, and Tom looked down at the water. "
                    "Mary Lee came after him.\n\n\"Come home, Tom,\" said Mary Lee. Tom Hale shook his head.\n")
    reply, _ = Replies(ix, Searcher(ix)).character("Tom")
    assert dict(reply.fields)["First appearance"].startswith("Tom Hale walked to the bridge"), reply.fields


def test_first_appearance_is_a_whole_sentence_as_the_story_writes_it() -> None:
    """"Mr." ends no sentence, and a line of dialogue keeps its quotation marks and gets no
    full stop of ours after them."""
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("The rain came down on the town all day.\n\n"
                    "Mr. Knightley, a sensible man of thirty, came in from the rain and sat down by the fire. "
                    "Mary Lee poured the tea.\n\n"
                    "“You are late again, Mr. Knightley,” said Mary Lee. Mr. Knightley laughed.\n")
    replies = Replies(ix, Searcher(ix))
    his = next(v for k, v in replies.character("Knightley")[0].fields if k.startswith("First appearance"))
    assert his.startswith("Mr. Knightley, a sensible man of thirty") and his.endswith("by the fire."), his
    ix = build_text("The rain came down on the town all day.\n\n"
                    "“Come in, come in,” said Mary Lee to the boy at the door. He came in.\n\n"
                    "“Thank you,” said Tom Hale to Mary Lee, and Tom Hale sat down.\n")
    hers = next(v for k, v in Replies(ix, Searcher(ix)).character("Mary Lee")[0].fields if k.startswith("First appearance"))
    assert hers == "“Come in, come in,” said Mary Lee to the boy at the door.", hers


def test_a_timeline_of_more_people_than_it_can_show_names_the_rest() -> None:
    from conftest import build_text
    from bot.core.search import Searcher

    people = ["Ada", "Ben", "Cora", "Dan", "Eve", "Finn", "Gwen", "Hugo", "Iris", "Jack"]
    ix = build_text("".join(f'"The tide is {w} today," said {p} to {q}. {p} walked down to the harbour.\n\n'
                            for w in ("high", "low", "out") for p, q in zip(people, people[1:] + people[:1])), "tide")
    reply, _ = Replies(ix, Searcher(ix)).timeline(", ".join(people))
    assert reply.title == "Where Ada, Ben, Cora, Dan and 4 more appear", reply.title
    assert reply.body.startswith("Left out: Iris, Jack (a picture shows 8 at most"), reply.body


def test_a_story_with_no_characters_says_so_on_every_card() -> None:
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("The rain fell on the hills all day.\n\nThe river rose and the wind blew through the trees.\n", "rain")
    replies = Replies(ix, Searcher(ix))
    listed, _ = replies.characters()
    assert "no characters" in listed.body, listed
    for card in (replies.timeline()[0], replies.relations()[0]):
        assert card.error and card.image is None and ("no characters" in card.body or "no one to draw" in card.body), card


def test_a_profile_shows_a_sentence_once_under_all_it_says() -> None:
    """A sentence that says two things (her first appearance and who she is, a tie and a
    marriage) is shown once, under both labels."""
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("The shop on the corner opened early every day.\n\n"
                    "Mara Quill, the baker's only daughter, came into the shop at noon with the bread. Tom Hale watched her.\n\n"
                    "“Good morning,” said Mara Quill to Tom Hale. “The bread is warm,” said Tom Hale.\n\n"
                    "Mara Quill was the best cook in the whole valley, and everyone knew it.\n\n"
                    "Tom Hale married Mara Quill in the spring, and Mara Quill became Tom Hale's wife.\n", "shop")
    fields = Replies(ix, Searcher(ix)).character("Mara")[0].fields
    shown = [v for k, v in fields if set(k.split(" · ")) & {"First appearance", "Who", "Looks", "Ties", "Married"}]
    assert len(shown) == len(set(shown)) >= 2, fields
    assert any(" · " in k for k, _ in fields), fields
    assert dict(fields)["Says"] == "“Good morning,”", fields  # Tom's line is his, not hers


def test_another_quote_shows_no_line_twice_while_others_are_left() -> None:
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("".join(f"“The {w} boat sails out of the harbour at dawn today, my friend,” said Ada Finch to Tom Reyes.\n\n"
                            for w in ("red", "blue", "green", "white", "black", "old", "new", "small", "long", "fast")), "boats")
    replies = Replies(ix, Searcher(ix))
    reply, state = replies.quote(character="Ada", seed=1)
    shown = [reply.body]
    for _ in range(9):
        another = next(b.action for b in reply.buttons if b.label == "Another")
        reply, state = replies.press(state, another)
        shown.append(reply.body)
    assert len(set(shown)) == 10, shown


def test_a_first_appearance_reads_alone() -> None:
    """A name called on its own goes on to the next sentence, and a speech tag after its
    quotation is shown with the quotation ('"Who's that?" Marcel asked', not 'Marcel asked')."""
    from conftest import build_text
    from bot.core.search import Searcher

    ix = build_text("“Tom Hale.” She was surprised to hear the name from behind her in the crowd. He smiled.\n\n"
                    "“Who is she? She looks lost.” Mary Lee asked from where she stood by the door of the inn, "
                    "watching the road. Tom Hale shrugged.\n\n“Tom!” said Mary Lee. Tom Hale turned.\n\n"
                    "“The road is long,” said Tom Hale to Mary Lee. “It is,” said Mary Lee.\n")
    replies = Replies(ix, Searcher(ix))
    his = next(v for k, v in replies.character("Tom Hale")[0].fields if k.startswith("First appearance"))
    assert his.startswith("“Tom Hale.” She was surprised to hear the name"), his
    hers = next(v for k, v in replies.character("Mary Lee")[0].fields if k.startswith("First appearance"))
    assert hers.startswith("“Who is she? She looks lost.” Mary Lee asked from where she stood"), hers


def test_the_cast_list_shows_the_names_used_most_and_cuts_none(monkeypatch) -> None:
    """"Lizzy", said most, comes before "Miss Elizabeth Bennet", said once; names that do not
    fit are left out whole, with "…" (the list had cut one to "Miss Eli" and hidden "Lizzy")."""
    from conftest import build_text
    from bot.chat import pages
    from bot.core.search import Searcher

    story = ("Elizabeth Bennet walked to Meryton with her sister. Miss Elizabeth Bennet was late.\n\n"
             + "".join(f'"The {w} ribbons are pretty," said Lizzy to Jane Bennet. Lizzy smiled.\n\n'
                       for w in "red blue green pink".split())
             + "Miss Eliza Bennet laughed, and Eliza Bennet sang. Miss Elizabeth danced, and Miss Eliza Bennet "
               "sat down. Elizabeth Bennet went home.\n")
    ix = build_text(story, "ribbons")
    monkeypatch.setattr(pages, "ALSO_MOST", 40, raising=False)
    row = Replies(ix, Searcher(ix)).characters()[0].body.splitlines()[0]
    also = row.split("(also ", 1)[1].rstrip(")").removesuffix(" …").split(", ")
    assert also[0] == "Lizzy" and row.endswith(" …)"), row
    assert set(also) <= set(next(c for c in ix.characters if c.name == "Elizabeth Bennet").aliases), row
