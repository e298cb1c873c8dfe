from __future__ import annotations

from bot.core import loader, segment

from conftest import build_text

PARA = "Anna walked along the river and thought about the letter she had sent. " * 3
TALK = "“We shall see,” said Holmes, lighting his pipe by the fire. “Come, Watson, the game is afoot.”"


def chapters(text: str) -> list[str]:
    story = loader.from_text(text, "t")
    _, chs, _ = segment.chapters_and_spans(story)
    return [c.title for c in chs]


def test_chapter_headings_of_several_kinds() -> None:
    assert chapters(f"CHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n") == ["Chapter I", "Chapter II"]
    assert chapters(f"Chapter 12: The Ball\n\n{PARA}\n\nChapter 13: After\n\n{PARA}\n") == [
        "Chapter 12: The Ball", "Chapter 13: After"]
    assert chapters(f"I.\n\n{PARA}\n\nII.\n\n{PARA}\n") == ["I.", "II."]
    assert chapters(f"# Story\n\n## One\n\n{PARA}\n\n## Two\n\n{PARA}\n") == ["One", "Two"]


def test_book_and_chapter_and_table_of_contents() -> None:
    toc = "CONTENTS\n\nBOOK ONE: 1805\n\nCHAPTER I\n\nCHAPTER II\n\n"
    text = f"{toc}BOOK ONE: 1805\n\nCHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n\nBOOK TWO: 1806\n\nCHAPTER I\n\n{PARA}\n"
    assert chapters(text) == ["Book One: 1805, Chapter I", "Book One: 1805, Chapter II", "Book Two: 1806, Chapter I"]


def test_a_chapter_heading_with_its_title_on_the_lines_below() -> None:
    # As Project Gutenberg sets Oliver Twist, The Invisible Man, The Sign of the Four.
    caps = (f"CHAPTER I.\nTREATS OF THE PLACE WHERE OLIVER WAS BORN AND OF THE\nCIRCUMSTANCES OF HIS BIRTH\n\n\n{PARA}"
            f"\n\nCHAPTER II.\nTHE STRANGE MAN'S ARRIVAL\n\n\n{PARA}\n")
    assert chapters(caps) == ["Chapter I. Treats of the Place Where Oliver Was Born and of the Circumstances of His Birth",
                              "Chapter II. The Strange Man's Arrival"]
    titled = f"Chapter I\nThe Science of Deduction\n\n{PARA}\n\nChapter II\nThe Statement of the Case\n\n{PARA}\n"
    assert chapters(titled) == ["Chapter I: The Science of Deduction", "Chapter II: The Statement of the Case"]
    # Or in a paragraph of its own below the heading.
    below = f"CHAPTER I\n\nJONATHAN HARKER'S JOURNAL\n\n{PARA}\n\nCHAPTER II\n\nThe Science of Deduction\n\n{PARA}\n"
    assert chapters(below) == ["Chapter I: Jonathan Harker's Journal", "Chapter II: The Science of Deduction"]
    story = loader.from_text(below, "t")
    assert all(story.text[s.start : s.end].strip() == PARA.strip() for s in segment.chapters_and_spans(story)[2])
    # Not a first line that is said or written: a reply, a cry, a letter's greeting.
    for first in ('"Yes."', "BOOM!", "My Dear Mina,", "“Where is Holmes?”", "Hello, John.", "Call me Ishmael.",
                  "London, Monday.", "I HATE HIM."):
        assert chapters(f"CHAPTER I\n\n{first}\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n") == ["Chapter I", "Chapter II"], first
    # A sentence that happens to start so is no heading.
    told = f"Chapter one of her life had ended.\nShe went home and slept for a day.\n\n{PARA}\n"
    story = loader.from_text(told, "t")
    _, chs, _ = segment.chapters_and_spans(story)
    assert len(chs) == 1 and story.text[chs[0].start :].startswith("Chapter one of her life")


def test_an_epilogue_with_chapters_and_a_volume_title_page_between_chapters() -> None:
    text = (f"BOOK FIFTEEN: 1812 - 13\n\nCHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n\n"
            f"FIRST EPILOGUE: 1813 - 20\n\n\n\nCHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n\n"
            f"SECOND EPILOGUE\n\nCHAPTER I\n\n{PARA}\n")
    story = loader.from_text(text, "t")
    _, chs, spans = segment.chapters_and_spans(story)
    assert [c.title for c in chs] == ["Book Fifteen: 1812 - 13, Chapter I", "Book Fifteen: 1812 - 13, Chapter II",
                                      "First Epilogue: 1813 - 20, Chapter I", "First Epilogue: 1813 - 20, Chapter II",
                                      "Second Epilogue, Chapter I"]
    assert "EPILOGUE" not in story.text[chs[1].start : chs[1].end]
    from bot.core import chapters as chapter_refs

    # A reader names them as they please; the epilogue's years are not its number.
    assert chapter_refs.find(chs, "first epilogue chapter 2") == 4
    assert chapter_refs.find(chs, "2nd epilogue ch 1") == 5
    assert chapter_refs.find(chs, "epilogue") == 3
    # Between two volumes, their title page is in no chapter.
    volumes = (f"CHAPTER I.\n\n{PARA}\n\nEND OF VOL. I.\n\n[Illustration: A VICARAGE HOUSE.]\n\nTHE STORY:\n\n"
               f"A Novel.\n\nIn Three Volumes.\n\nVOL. II.\n\nLondon:\nPrinted for T. Egerton,\nWhitehall.\n1813.\n\n"
               f"CHAPTER I.\n\n{PARA}\n")
    story = loader.from_text(volumes, "t")
    _, chs, spans = segment.chapters_and_spans(story)
    assert [c.title for c in chs] == ["Chapter I.", "Vol. II., Chapter I."]
    assert story.text[chs[0].start : chs[0].end].strip() == PARA.strip()
    assert all(story.text[s.start : s.end].strip() == PARA.strip() for s in spans)
    # Not a gravestone's lines at a chapter's end, nor a contents page's epilogue, nor a sentence
    # that starts like one.
    stone = f"CHAPTER I\n\n{PARA}\n\nHERE LIES JOHN SMITH\n\nBorn 1801\n\nDied 1850\n\nCHAPTER II\n\n{PARA}\n"
    story = loader.from_text(stone, "t")
    _, chs, _ = segment.chapters_and_spans(story)
    assert story.text[chs[0].start : chs[0].end].endswith("Died 1850")
    toc = f"CONTENTS\n\nPROLOGUE\n\nCHAPTER I\n\nCHAPTER II\n\nEPILOGUE\n\nCHAPTER I\n\n{PARA}\n\nCHAPTER II\n\n{PARA}\n"
    assert chapters(toc) == ["Chapter I", "Chapter II"]
    assert chapters(f"CHAPTER I\n\n{PARA}\n\nThe interlude was over at last.\n\nCHAPTER II\n\n{PARA}\n") == [
        "Chapter I", "Chapter II"]


def test_a_story_without_headings_is_one_chapter_without_its_title_line() -> None:
    story = loader.from_text(f"Short Story\n\n{PARA}\n", "t")
    _, chs, _ = segment.chapters_and_spans(story)
    assert len(chs) == 1 and story.text[chs[0].start :].startswith("Anna walked")


def test_explicit_scene_breaks() -> None:
    for sep in ("***", "* * *", "~~~", "---", "#", "o0o"):
        ix = build_text(f"{PARA}\n\n{PARA}\n\n{sep}\n\n{PARA}\n\n{PARA}\n")
        assert len(ix.scenes) == 2, sep
        assert sep not in ix.text[ix.scenes[1].start : ix.scenes[1].end]


def test_implicit_scene_breaks_time_jump_and_flashback() -> None:
    text = (f"{PARA}\n\n{PARA}\n\nThe next morning, Anna woke early and went to the market. {PARA}\n\n{PARA}\n\n"
            f"“Will you stay?” Anna had asked him one day, long before the war. {PARA}\n\n{PARA}\n\n"
            f"\n\nNow she stood at the window again. {PARA}\n")
    ix = build_text(text)
    starts = [ix.text[s.start : s.start + 20] for s in ix.scenes]
    assert len(ix.scenes) == 4, starts
    assert starts[1].startswith("The next morning")
    assert starts[2].startswith("“Will you stay?”")


def test_passages_are_short_and_cover_long_paragraphs() -> None:
    long_para = " ".join(f"Sentence number {i} is here." for i in range(200))
    ix = build_text(f"{long_para}\n\n“Hi.”\n\n“Hello.”\n\n“Bye.”\n")
    assert all(p.end - p.start <= 700 for p in ix.passages)
    grouped = [p for p in ix.passages if "“Hi.”" in ix.text[p.start : p.end]]
    assert grouped and "“Bye.”" in ix.text[grouped[0].start : grouped[0].end]
    covered = "".join(ix.text[p.start : p.end] for p in ix.passages)
    assert "Sentence number 199 is here." in covered


def test_shipped_story_scenes_a_reader_recognises(root) -> None:
    from bot import config
    from bot.core import index

    settings = config.load(root / "config.yaml")
    story = loader.from_path(root / "seeds" / "always-you.txt", "always-you")
    ix = index.build(story, settings.story("always-you"))
    assert len(ix.chapters) == 1
    titles = " | ".join(s.title for s in ix.scenes)
    assert "the bar" in titles and "the studio" in titles
    assert 5 <= len(ix.scenes) <= 10
    studio = next(s for s in ix.scenes if "studio" in s.title)
    assert ix.text[studio.start :].startswith("“Will you wait for me?”".replace("“", '"').replace("”", '"'))
    assert set(studio.characters) == {"Klaus Mikaelson", "Caroline Forbes"}


SHOPPING = """Della counted the money three times in the little flat, and Della sat down on the old couch and
cried for a long while, because the money would not buy anything good for Jim at all this year.

Then she put on her old brown jacket and her old brown hat, and she fluttered out the door and down
the stairs to the street, with the brilliant sparkle still in her eyes and her heart beating fast.

Where she stopped the sign read: Hair Goods of All Kinds. Della ran up one flight and collected
herself, panting, and Madame, large and too white and chilly, looked at her hair and named a price.

"Twenty dollars," said Madame, lifting the mass with a practised hand, and Della said to give it to her
quick, before she could think better of it, and the cold scissors went snip, snip, snip in the quiet room.

Oh, and the next two hours tripped by on rosy wings while she ransacked the stores for Jim's present,
and she found it at last, a platinum fob chain simple and chaste in design, and she paid for it.

It was like him, quietness and value, and she hurried home with the eighty-seven cents left over in her
hand, thinking all the way of how proud he would be to look at the time in any company at all.

When Della reached home her intoxication gave way a little to prudence and reason, and she got out
her curling irons and lighted the gas and went to work repairing the ravages made by her generosity.

Within forty minutes her head was covered with tiny, close-lying curls that made her look wonderfully
like a truant schoolboy, and she looked at her reflection in the mirror long, carefully, and critically.

At 7 o'clock the coffee was made and the frying-pan was on the back of the stove hot and ready to
cook the chops, and Della sat on the corner of the table near the door that he always entered.
"""


def test_scenes_start_where_the_story_leaves_arrives_or_moves_on_in_time() -> None:
    ix = build_text(SHOPPING)
    starts = [ix.text[s.start : s.start + 18] for s in ix.scenes]
    assert starts == ["Della counted the ", "Where she stopped ", "Oh, and the next t", "When Della reached",
                      "At 7 o'clock the c"], starts


def scene_starts(text: str, n: int = 24) -> list[str]:
    ix = build_text(text)
    return [ix.text[s.start : s.start + n] for s in ix.scenes]


def test_the_hour_named_or_a_place_left_behind_opens_a_scene() -> None:
    text = (f"{PARA}\n\n{PARA}\n\n{TALK}\n\n"
            f"It was nearly four o’clock when we at last found ourselves at the little town of Ross. {PARA}\n\n{TALK}\n\n"
            f"There was no rain, and the morning broke bright and cloudless. {PARA}\n\n{TALK}\n\n"
            f"Having left the inspector at his rooms, we drove to our hotel, where lunch was waiting. {PARA}\n")
    starts = scene_starts(text)
    assert [s[:10] for s in starts] == [PARA[:10], "It was nea", "There was ", "Having lef"], starts


def test_a_tale_told_in_the_room_and_a_letter_read_aloud_stay_in_the_scene() -> None:
    tale = ("“I was very angry, for this was the third demand that month. He bowed and left the room without "
            "another word.\n\n“When he was gone I unlocked my bureau and found my treasure safe. The next morning "
            "I went down to breakfast and he was not there.\n\n“That is all I know, Mr. Holmes,” said she.")
    letter = "He read the note aloud:\n\n\n    “‘ROBERT ST. SIMON.’\n\n\n“It is dated from Grosvenor Mansions,” said he."
    starts = scene_starts(f"{PARA}\n\n{PARA}\n\n{tale}\n\n{PARA}\n\n{letter}\n\n{PARA}\n")
    assert len(starts) == 1, starts


def test_a_scene_title_says_who_does_what_where_never_a_word_list() -> None:
    text = """Tom Hale walked into the bar and sat down beside Ann Lee at the bar, and ordered two drinks.
Tom kissed Ann on the cheek, and Ann laughed. Later Tom kissed Ann again, and the bartender smiled at them.

* * *

Ann Lee stood in the garden of the old house at dawn, alone with the roses, and Ann cried for a while.
"""
    ix = build_text(text)
    assert ix.scenes[0].title == "Tom kisses Ann at the bar", [s.title for s in ix.scenes]
    assert ix.scenes[1].title.startswith("Ann") and "garden" in ix.scenes[1].title


def test_a_scene_title_keeps_the_word_before_whom_it_was_done_to_and_the_in_lower_case() -> None:
    text = """The stranger came into the parlour of the inn. "A room," said the stranger. "A fire," said the stranger.
The stranger sat down. "Now," said the stranger. The stranger warmed his hands. The stranger stood up.
Mrs. Hall gasped at the stranger in the parlour. Mrs. Hall gasped at the stranger again when he took off his hat.
"""
    ix = build_text(text)
    assert ix.scenes[0].title == "Mrs. Hall gasps at the stranger in the parlour", [s.title for s in ix.scenes]


def test_a_scene_title_says_what_was_done_after_had_or_and() -> None:
    """ "He had blurred across the room and thrown Marcel away": the second verb, after "had"
    and "and", is what happened; a plain "looked" or "turned" says nothing."""
    story = ("Chapter 1\n\nKlaus stood at the bar with Marcel, and Caroline laughed. Caroline smiled at Marcel.\n\n"
             "Marcel looked at Caroline. Caroline turned to Marcel, and Klaus looked at her.\n\n"
             "Klaus saw red. He had blurred across the room and thrown Marcel away from her.\n\n"
             "Marcel looked up at Klaus from the floor. Caroline looked at Klaus.\n")
    ix = build_text(story)
    assert [s.title for s in ix.scenes] == ["Klaus throws Marcel at the bar"], ix.scenes


def test_a_scene_is_set_where_its_narration_is_not_where_a_tale_told_in_it_went() -> None:
    tale = ("“I was born in France,” said Miss Hunter. “We lived in France for years, and my father "
            "worked in France until he died there. Then I came to Winchester.”")
    story = (f"Chapter 1\n\nHolmes sat with Watson in the sitting room when Miss Hunter came in.\n\n{tale}\n\n"
             "Holmes listened with his eyes closed, and Watson watched Miss Hunter.\n")
    title = build_text(story).scenes[0].title
    assert "the sitting room" in title and "France" not in title, title


def test_a_coda_after_the_last_words_is_a_scene_of_its_own() -> None:
    coda = ("Young Morton was acquitted at the Assizes on the strength of our evidence. Old Grey lived for "
            "seven months after our interview, but he is now dead.")
    ending = ("The lamp went out and Holmes sat on in the dark. Nothing more was said that night between "
              "us, and I went up to bed.")
    starts = scene_starts(f"I. THE FIRST\n\n{PARA}\n\n{PARA}\n\n{TALK}\n\n{coda}\n\n"
                          f"II. THE SECOND\n\n{PARA}\n\n{PARA}\n\n{TALK}\n\n{ending}\n")
    # What became of them, after the last words, opens a scene; the night simply ending does not.
    assert [s[:10] for s in starts] == [PARA[:10], "Young Mort", PARA[:10]], starts


def test_the_telling_turning_to_the_present_opens_a_scene() -> None:
    before = ("He walked on through the forest all night, and the road grew stranger under his feet. "
              "He was tired and he had not eaten since the morning.")
    vision = ("Then, for now he sees another place, he stands at the gate of his own home. "
              "Everything is as he left it, and his wife comes down the steps to meet him.")
    habit = ("He had the habit, which he has kept all his life, of counting the trees. He counted them "
             "now, one by one, as the road went on.")
    starts = scene_starts(f"{PARA}\n\n{before}\n\n{before}\n\n{vision}\n\n{PARA}\n")
    assert [s[:10] for s in starts] == [PARA[:10], "Then, for "], starts
    # One remark in the present ("which he has kept") is no turn of the telling.
    assert len(scene_starts(f"{PARA}\n\n{before}\n\n{before}\n\n{habit}\n\n{PARA}\n")) == 1


def after_talk(*paragraphs: str) -> list[str]:
    """The scene starts of a story that opens, talks, then goes on with ``paragraphs``."""
    return [s[:10] for s in scene_starts("\n\n".join([PARA, PARA, TALK, *paragraphs]) + "\n")]


def test_a_day_passed_a_carriage_taken_or_a_house_reached_opens_a_scene() -> None:
    starts = after_talk(
        f"It had cleared in the evening, and the roofs were drying in the last light. {PARA}", TALK,
        f"All day I was busy with my patients, and I did not see him again until dusk. {PARA}",
        f"{PARA} And so we were soon rattling away in a hansom through the empty streets.",
        f"The inn stood at the end of the lane, dark but for one window. {PARA}", TALK,
        f"We had pulled up in front of a low farmhouse with a lamp burning in the porch. {PARA}",
        f"She pulled up her sleeve and showed him the scar. {PARA}")
    # Pulling up a sleeve is no arrival.
    assert starts == [PARA[:10], "It had cle", "All day I ", "The inn st", "We had pul"], starts


def test_a_coda_may_quote_a_word_or_two_and_may_say_what_was_never_to_be() -> None:
    coda = ("But the letters never reached them: their ship was lost, and of her crew we know only what a "
            "broken oar marked “L. S.” could tell. They were never to know how near they had come.")
    assert after_talk(coda) == [PARA[:10], "But the le"]


def test_the_hour_said_in_passing_opens_a_scene_and_a_place_left_in_a_tale_does_not() -> None:
    tale = ("“I waited until my stepfather was asleep,” said she, “and then I crept down the stairs "
            "and out into the garden, where the moon was shining.”")
    starts = after_talk(
        f"I had been kept at the hospital, and it was a little after half-past six when I reached the house. {PARA}", TALK,
        f"It was a bitter night, so we put on our coats and went out. {PARA}", TALK,
        f"About nine o’clock the light in the window went out. {PARA}", TALK,
        f"At Dover we were lucky enough to find the boat still at the quay. {PARA}", TALK, tale,
        "“And what did you see there?” asked Holmes, leaning forward in his chair by the fire.", PARA)
    assert starts == [PARA[:10], "I had been", "It was a b", "About nine", "At Dover w"], starts


def test_a_place_named_with_a_possessive_is_not_cut_to_its_first_word() -> None:
    ix = build_text(f"Tom walked down to Doctors’ Commons and read the old will twice. {PARA}\n\n"
                    f"Then he took the train to Leeds, and to Leeds he came back every spring. {PARA}\n")
    places = [p for s in ix.scenes for p in s.places]
    assert "Doctors" not in places and "Leeds" in places, places


def test_one_night_or_a_month_named_opens_a_scene_even_after_a_single_paragraph() -> None:
    intro = ("Mary Ashton, sister of the late vicar of Hollins, was much given to long walks and longer letters, "
             "and her friends had grown used to hearing of both whenever they met her at church or in the lanes. "
             "She wrote to me every week of that long summer, of the weather, the harvest, the fair and the vicar's old dog.")
    starts = scene_starts("\n\n".join([
        intro,
        f"One night, in June, there came a ring at my bell just as I was going up to bed. {PARA}", TALK,
        f"It was early in April that I woke to find the captain standing by my bed. {PARA}", TALK,
        f"It was in July, and the speaker was the captain's sister, who sat near the window. {PARA}",
    ]) + "\n", 10)
    # Naming the month of the scene already begun ("It was in July, and the speaker was") is no jump.
    assert starts == ["Mary Ashto", "One night,", "It was ear"], starts


def test_a_scene_title_calls_someone_the_way_the_book_does() -> None:
    """The book says "the Rabbit" (a moderator added him as "Rabbit"): a title says "the Rabbit",
    not "Rabbit"; a name the book says bare stays bare."""
    from bot.config import CharacterSetting, StorySetting

    story = ("Alice sat by the river in the field, and the Rabbit ran past Alice. The Rabbit looked at his watch, and "
             "Alice followed the Rabbit across the field, and the Rabbit hurried on. Tom watched Alice, and Tom "
             "laughed, and Tom waved at Alice from the bank while the Rabbit ran.\n")
    setting = StorySetting(name="t", characters=(CharacterSetting("Rabbit", ("Rabbit",)),))
    titles = [s.title for s in build_text(story, setting=setting).scenes]
    assert any("the Rabbit" in t for t in titles) and not any("and Rabbit" in t or t.startswith("Rabbit") for t in titles), titles
    assert not any("the Tom" in t or "the Alice" in t for t in titles), titles


def test_a_scene_that_only_says_she_is_still_hers() -> None:
    """"She was ransacking the stores for Jim's present": the scene never names Della, but it is
    hers (its title and who is in it say so); a scene that names its people is left alone."""
    story = ("Della counted the money three times. Della sat on the shabby couch and cried, and Della "
             "looked at the grey cat on the grey fence. Della stood by the window for a long time.\n\n"
             "* * *\n\n"
             "She went down the stairs to the street. She walked for two hours through the shops looking for "
             "a present for Jim. She found a chain at last, and she paid twenty-one dollars for it and hurried home.\n\n"
             "* * *\n\n"
             "Jim came in at seven and stopped at the door. Jim looked at Della for a long time, and Jim smiled.\n")
    ix = build_text(story)
    assert "Della" in ix.scenes[1].characters and "Della" in ix.scenes[1].title, (ix.scenes[1].characters, ix.scenes[1].title)
    assert ix.scenes[2].characters[0] == "Jim", ix.scenes[2].characters


def test_setting_off_for_another_place_opens_a_scene_and_crossing_the_room_does_not() -> None:
    starts = after_talk(
        f"I walked down to the station with them, and then wandered through the streets of the town. {PARA}", TALK,
        f"Pierre went up to him and took his arm, smiling as he did so. {PARA}", TALK,
        f"He walked to the window and looked out at the rain for a long while. {PARA}", TALK,
        f"They drove up to the gloomy old house on the hill and entered the hall. {PARA}", TALK,
        f"Anna went to the table and poured out the tea for her guest. {PARA}")
    # Going up to someone, or to a window or a table in the room, is no new scene.
    assert starts == [PARA[:10], "I walked d", "They drove"], starts


def test_narration_after_talk_that_takes_them_elsewhere_opens_a_scene() -> None:
    starts = after_talk(
        f"My wants were few, so that in less than an hour I was in a cab with my bag. {PARA}", TALK,
        f"The little man nodded, and in half an hour we were back\nin the sitting-room. {PARA}", TALK,
        f"She rose with the smile with which she had first entered the room, and sat. {PARA}", TALK,
        f"He thought a while, frowning, and then he crossed the room to the fire. {PARA}", TALK,
        f"He took up his hat, and he paused when he reached the room-door to look back. {PARA}", TALK,
        f"Nobody answered him, and they soon reached the house by the old mill. {PARA}", TALK,
        "Nothing more was said, and so at last they entered the church together.")
    # A room entered long before, crossing the room, the door and a chapter's last lines are no new scene.
    assert starts == [PARA[:10], "My wants w", "The little", "Nobody ans"], starts


def test_a_way_out_told_over_a_line_break_opens_a_scene_and_a_room_left_and_come_back_to_does_not() -> None:
    starts = after_talk(
        f"{PARA} He went to the door, left the room, but returned at once and sat down again.",
        f"Nobody spoke for a while; the fire burned low in the grate and the clock ticked. {PARA}", TALK,
        f"{PARA} A moment later we were\nout on the dark road, a chill wind blowing in our faces.",
        f"There was little trouble in finding the gap in the old wall by the lane. {PARA}")
    assert starts == [PARA[:10], "There was "], starts


WALK = "Anna walked along the river and thought about the letter she sent to her aunt. " * 3  # no "had"


def test_a_morning_in_the_first_clause_a_way_to_somewhere_or_someone_coming_in_on_a_setting_opens_a_scene() -> None:
    para = WALK
    starts = scene_starts("\n\n".join([
        f"{para}{para}", TALK,
        f"It chanced one morning, while the boy was at his lessons, that the master came to the school. {para}", TALK,
        f"When little Tom was taken before the gentlemen that evening, he cried. {para}", TALK,
        f"On their way to the magistrate, the beadle told the boy to look very happy. {para}", TALK,
        f"The board were sitting in solemn conclave, when the beadle rushed into the room in great excitement. {para}",
        TALK,
        f"She hoped one day to be mistress of the house, and said so. {para}", TALK,
        f"Anna was still laughing at the joke, when the prince entered. {para}", TALK,
        f"When she thought of that morning's quarrel, she blushed. {para}",
    ]) + "\n", 10)
    # A day hoped for, someone coming in on a scene going on, a morning looked back on: no new scene.
    assert starts == [para[:10], "It chanced", "When littl", "On their w", "The board "], starts


def test_one_leaving_while_the_others_talk_on_is_the_same_scene_but_all_leaving_is_not() -> None:
    starts = scene_starts("\n\n".join([
        f"{PARA}{PARA}",
        "Thus saying, the beadle put on his cocked hat and flounced out of the shop.",
        "“Why, he was so angry, Oliver, that he forgot even to ask after you!” said the undertaker, looking at the boy.",
        f"{PARA}{PARA}",
        "At last we put on our coats and walked out of the shop, and the door swung shut.",
        "“A cold night,” said Holmes, as the wind caught us on the corner. “Come, Watson.”",
        f"{PARA}",
    ]) + "\n", 10)
    assert starts == [PARA[:10], "“A cold ni"], starts


def test_a_place_named_over_a_line_break_is_one_place() -> None:
    ix = build_text(f"Helen Stoner drove back to Stoke\nMoran that night, and at Stoke Moran she waited. {PARA}\n\n{PARA}\n")
    places = [p for s in ix.scenes for p in s.places]
    assert "Stoke Moran" in places and not any("\n" in p for p in places), places


def test_days_afterward_a_week_later_in_the_second_sentence_a_room_entered_or_a_hurry_after_talk_opens_a_scene() -> None:
    para = WALK
    starts = scene_starts("\n\n".join([
        f"{para}{para}", TALK,
        f"Two days afterward he went off with her to the old castle on the lake. {para}", TALK,
        f"He flattered himself on the following day that nobody smiled at him. {para}", TALK,
        f"The girl and her friend were on their way to the gate. A week afterward he went to dine at a villa. {para}",
        TALK,
        f"In the castle, after they had landed, she tripped about the vaulted chambers. {para}", TALK,
        f"The keeper laughed heartily. “No, sir, the doctor is an Englishman, as you will see yourself.” {para}",
        f"The farmer had not finished his speech before we were all hastening in the direction of the fire. {para}",
        TALK,
        f"He said that she would come back on the following day, and smiled. {para}", TALK,
        f"Some three hours or so afterwards we were all in the train together. {para}", TALK,
        f"The occasion was not long in coming. Half an hour after breakfast next morning, the beadle came. {para}", TALK,
        f"In a few days the squire returned the visit, and sat with him in his library. {para}", TALK,
        f"The day after the council the general rode out early to the lines. {para}", TALK,
        f"{para} In five minutes I was inside a hansom, driving with my new friend to the city.",
        f"Holmes was lounging about his sitting-room in his dressing-gown, smoking. {para}",
    ]) + "\n", 10)
    # A day to come, said in passing, is no new scene.
    assert starts == [para[:10], "Two days a", "He flatter", "The girl a", "In the cas", "The farmer",
                      "Some three", "The occasi", "In a few d", "The day af", "Holmes was"], starts


def test_a_scene_that_opens_in_a_room_is_set_there_though_its_narration_names_the_garden_as_often() -> None:
    story = ("Chapter 1\n\nIn the dining room, which was very lofty, Anna sat down with her father to dine.\n\n"
             "Anna looked out into the garden, and her father spoke of the roses in the garden.\n\n"
             "“The soup is cold,” said her father.\n")
    title = build_text(story).scenes[0].title
    assert "the dining room" in title, title


def each_after_talk(*openings: str) -> list[str]:
    """The scene starts (first ten characters) of a story that walks, talks, then has a
    paragraph opening with each of ``openings``, each followed by talk."""
    paragraphs = [f"{WALK}{WALK}", TALK]
    for opening in openings:
        paragraphs += [f"{opening} {WALK}", TALK]
    return scene_starts("\n\n".join(paragraphs) + "\n", 10)


def test_setting_off_in_the_first_sentence_opens_a_scene_and_how_long_ago_is_no_flashback() -> None:
    starts = each_after_talk(
        "This seemed to Anna a good chance of making her escape; so she set off at once, and ran.",
        "With these words she gave the boy her purse, and he started off at the greatest speed.",
        "His daughter asked to see her family again before she set off for the North.",
        "‘It is a French mouse,’ thought Anna. (She had no clear notion how long ago anything had happened.)")
    # A journey planned, said in passing, is no new scene; nor is wondering how long ago things happened.
    assert starts == [WALK[:10], "This seeme", "With these"], starts


def test_repairing_to_a_room_a_paragraph_after_the_talk_opens_a_scene() -> None:
    starts = scene_starts("\n\n".join([
        f"{WALK}{WALK}", TALK,
        "To this speech Tom made no answer; but his sisters laughed at their friend for some time.",
        f"With a renewal of tenderness, however, they repaired to her room on leaving the dining-parlour. {WALK}", TALK,
    ]) + "\n", 10)
    assert starts == [WALK[:10], "With a ren"], starts


def test_weeks_spent_somewhere_opens_a_scene_and_years_settled_there_do_not() -> None:
    starts = each_after_talk(
        "Tom had been living at the mill some three weeks or a month.",
        "The Coles had been settled some years in the town, and were very good sort of people.")
    assert starts == [WALK[:10], "Tom had be"], starts


def test_days_later_inside_a_first_sentence_open_a_scene() -> None:
    starts = each_after_talk(
        "Tom mentioned it to no one; but nevertheless, a couple of days later, the fact was known to all.",
        "When, a few days later, Arobin again called for her in his drag, she was alone.")
    assert starts == [WALK[:10], "Tom mentio", "When, a fe"], starts


def test_the_morning_after_as_a_clause_of_its_own_opens_a_scene_and_told_in_passing_does_not() -> None:
    starts = each_after_talk(
        "That the sisters should meet to talk it over was necessary; and the morning after the ball brought them to the farm.",
        "When she told him that it had happened the day after her father's funeral, her voice trembled.",
        "Tom sat down; the day after the ball he had been ill, he said, and he was still pale.")
    assert starts == [WALK[:10], "That the s"], starts


def test_taking_a_seat_in_a_carriage_after_the_talk_opens_a_scene() -> None:
    starts = each_after_talk(
        "Tom was not in the best possible humour as he took his seat in Mrs. Walker's victoria.",
        "They got into the carriage and drove for a few minutes in silence.")
    assert starts == [WALK[:10], "Tom was no", "They got i"], starts


def test_that_evening_in_a_second_sentence_of_narration_opens_a_scene() -> None:
    starts = each_after_talk(
        "Though he was impatient to see her, he hardly knew what to say. He found her that evening in the garden.",
        "Harriet had felt a change in him since the dance. From that evening she had thought of him.",
        "“Yes, sir. I met him that night, and he called next day.”")
    # An evening looked back to, or one told of in speech, is no new scene.
    assert starts == [WALK[:10], "Though he "], starts


def test_setting_off_in_a_second_sentence_of_narration_opens_a_scene() -> None:
    starts = each_after_talk(
        "His politeness hastened to affirm itself. They passed downstairs before her mother, and out.",
        "“Yes, sir. We went down to the station at once.”")
    # A journey told in speech is no new scene.
    assert starts == [WALK[:10], "His polite"], starts


def test_being_shown_into_a_room_opens_a_scene() -> None:
    starts = each_after_talk(
        "She was shewn into the breakfast-parlour, where all but Jane were assembled.",
        "He was shown the letter, and read it twice without a word.")
    # Being shown a thing is no arrival.
    assert starts == [WALK[:10], "She was sh"], starts


def test_a_meal_over_opens_a_scene() -> None:
    starts = each_after_talk(
        "When dinner was over, she returned directly to her sister upstairs.",
        "When the song was over, everyone clapped.")
    # Only a meal: a song ending is a moment of the same scene.
    assert starts == [WALK[:10], "When dinne"], starts


def test_an_hour_just_before_or_after_opens_a_scene() -> None:
    starts = each_after_talk(
        "Just before nine o’clock Holmes stepped briskly into the room.",
        "After five o’clock the guns fell silent along the river.")
    assert starts == [WALK[:10], "Just befor", "After five"], starts


def test_narration_that_sums_up_the_days_after_the_talk_opens_a_scene() -> None:
    starts = each_after_talk(
        "After this she was never at home, and he ceased to meet her at the houses of their friends.",
        "He went often to ask for news of her, and once he saw her mother in the hall.",
        "The conversation turned upon fishing, and he invited him to fish there as often as he chose.",
        "For the first time for many days she wept tears of gratitude.")
    # Not an invitation to come often, nor the first time in days: moments of the same scene.
    assert starts == [WALK[:10], "After this", "He went of"], starts


def test_a_scene_title_names_who_talk_in_it_not_whom_they_talk_of() -> None:
    story = ("When Jane and Elizabeth were alone in the parlour, Jane spoke of Mr. Bingley.\n\n"
             "\"Mr. Bingley is just what a young man ought to be,\" said Jane. \"Mr. Bingley is sensible.\"\n\n"
             "\"Mr. Bingley is handsome too,\" said Elizabeth. \"Mr. Bingley likes you, and Mr. Bingley shows it.\"\n\n"
             "\"Mr. Bingley danced with me twice,\" said Jane.\n\n"
             "\"So Mr. Bingley did,\" said Elizabeth, \"and Mr. Bingley's sisters were rude to us.\"\n")
    title = build_text(story).scenes[0].title
    assert "Jane" in title and "Elizabeth" in title and "Bingley" not in title, title


def test_a_scene_set_at_the_bar_is_not_titled_in_the_room_it_crosses() -> None:
    story = ("Tom Hale stood at the bar with Ann Lee, and Ann laughed. Everyone in the room looked at them.\n\n"
             "Ann Lee smiled at Tom, and the music in the room grew loud. Tom kissed Ann, and Tom kissed Ann again.\n")
    title = build_text(story).scenes[0].title
    assert title.endswith("at the bar"), title


def test_a_hyphenated_place_name_is_named_whole() -> None:
    story = ("Holmes and Wilson walked to Saxe-Coburg Square, and Holmes looked about him. Wilson waited in "
             "Saxe-Coburg Square while Holmes thumped the pavement with his stick.\n\n"
             "\"Thank you,\" said Holmes to Wilson. Holmes smiled.\n")
    scene = build_text(story).scenes[0]
    assert scene.places == ("Saxe-Coburg Square",) and scene.title.endswith("in Saxe-Coburg Square"), scene.title


def test_a_chapter_named_by_its_number_alone_in_numerals_or_words() -> None:
    """"/progress III" where the headings are "CHAPTER III. The Pool of Tears"; "twelve" too."""
    from bot.core import chapters as chapter_refs

    text = "".join(f"CHAPTER {n}. The {w} Room\n\n{PARA}\n\n" for n, w in
                   (("I", "Red"), ("II", "Blue"), ("III", "Green"), ("IV", "Grey")))
    _, chs, _ = segment.chapters_and_spans(loader.from_text(text, "t"))
    assert [chapter_refs.find(chs, ref) for ref in ("III", "iii", "three", "chapter III", "the green room")] == [3] * 5
    text = "".join(f"CHAPTER {n}. {w}\n\n{PARA}\n\n" for n, w in (("I", "Mix Tape"), ("II", "Cold"), ("III", "Last Light")))
    _, chs, _ = segment.chapters_and_spans(loader.from_text(text, "t"))
    assert [chapter_refs.find(chs, ref) for ref in ("mix", "last", "ii", "c")] == [1, 3, 2, None]


def test_a_scene_title_reads_its_verb_as_a_verb() -> None:
    """"Tom longed", "Ann thanked": "Tom longs", "Ann thanks" (a lemmatiser that does not know the
    part of speech had said "longes" and "thankes")."""
    text = ("Tom Hale sat in the parlour of the inn with Ann Lee. Tom longed for home. Tom longed for the hills, "
            "and Ann Lee smiled at Tom Hale.\n\n* * *\n\nAnn Lee stood in the garden of the old house at dawn. "
            "Ann thanked Tom, and Ann thanked Tom again for the roses.\n")
    titles = [s.title for s in build_text(text).scenes]
    assert "longs" in titles[0] and "Ann thanks Tom" in titles[1], titles


def test_a_scene_title_leaves_out_in_the_room() -> None:
    """"in the room" tells no scene from another: "Tom Hale and Ann Lee", not "... in the room";
    "in the studio" stays, and a scene with no one in it is still "The room", not a word list."""
    from bot.core import titles

    called = {0: "Tom Hale", 1: "Ann Lee"}
    assert titles.title(None, [0, 1], called, "the room", ["door"]) == "Tom Hale and Ann Lee"
    assert titles.title(None, [0, 1], called, "the studio", ["door"]) == "Tom Hale and Ann Lee in the studio"
    assert titles.title(None, [], {}, "the room", ["door", "ally"]) == "The room"
