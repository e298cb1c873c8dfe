from __future__ import annotations

from conftest import build_text

CAST = ("Emma Hart and John Reed met at the inn. Emma smiled; she was tired. John frowned, and he sat.\n\n"
        "Later John Reed and Emma Hart ate.\n\n")


def last_said(text: str) -> tuple[str | None, str | None]:
    """Who says the story's last line: (the character, or None; the description its tag gives)."""
    last = build_text(text).dialogue[-1]
    return last.speaker, last.described


def lines(text: str) -> list[tuple[str, str | None]]:
    ix = build_text(CAST + text)
    return [(d.text, d.speaker) for d in ix.dialogue]


def test_explicit_tags_in_either_order_and_split_quotes() -> None:
    got = lines("“Good evening,” said John. “Will you sit?”\n\n"
                "“No,” Emma replied, “I would rather stand.”\n\n"
                '"Straight quotes," John said, "work too."\n')
    # A comma before a tag cut out that ends a sentence stood for a full stop: an ellipsis.
    assert got == [("Good evening … Will you sit?", "John Reed"),
                   ("No, I would rather stand.", "Emma Hart"), ("Straight quotes, work too.", "John Reed")]
    got = lines("“If you please,” said John, “Mr. Reed will see you now.”\n")
    assert got == [("If you please, Mr. Reed will see you now.", "John Reed")]  # the tag goes on: so does the line


def test_two_people_tagged_in_one_paragraph_say_two_lines() -> None:
    """'"Good morning," said Emma. "The bread is warm," said John.': two lines, each its
    speaker's; a second tag that is the same person going on ("he added") keeps one line."""
    got = lines("“Good morning,” said Emma to John. “The bread is warm,” said John.\n\n"
                "“Good night,” said John Reed. “Sleep well,” he added.\n")
    assert got == [("Good morning,", "Emma Hart"), ("The bread is warm,", "John Reed"),
                   ("Good night … Sleep well,", "John Reed")]


def test_pronoun_tags_resolve_by_gender() -> None:
    got = lines("John looked at Emma. “You look pale,” she said.\n\n“I am fine,” he answered.\n")
    assert got == [("You look pale,", "Emma Hart"), ("I am fine,", "John Reed")]


def test_turn_taking_and_name_inside_quote_is_the_listener() -> None:
    got = lines("“Emma, are you coming?” asked John.\n\n“Not yet.”\n\n“Why not?”\n\n“Because, John, it is raining.”\n")
    assert [s for _, s in got] == ["John Reed", "Emma Hart", "John Reed", "Emma Hart"]


def test_speech_over_several_paragraphs_is_one_speaker() -> None:
    got = lines("“It began long ago,” said Emma. “We were young.\n\n“Then the war came.”\n")
    assert got[-1] == ("Then the war came.", "Emma Hart")


def test_single_quote_style_and_apostrophes() -> None:
    text = "‘I can’t go,’ said Emma. ‘It’s late.’\n\n‘Then stay,’ said John.\n"
    ix = build_text(CAST + text)
    assert [(d.text, d.speaker) for d in ix.dialogue] == [
        ("I can’t go … It’s late.", "Emma Hart"), ("Then stay,", "John Reed")]


def test_unknown_speaker_is_null_not_a_guess() -> None:
    ix = build_text("The fog came down over the valley and the town was quiet.\n\n“Who goes there?”\n")
    assert [d.speaker for d in ix.dialogue] == [None]


def test_offsets_point_at_the_quoted_words() -> None:
    ix = build_text(CAST + "“No,” Emma replied, “I would rather stand.”\n")
    d = ix.dialogue[0]
    assert ix.text[d.start : d.start + 3] == "No,"
    assert ix.text[d.spans[-1][0] : d.end] == "I would rather stand."


def test_a_speaker_the_book_only_describes_is_not_credited_to_a_named_one() -> None:
    ix = build_text(CAST + "“Who took it?” asked John.\n\n"
                    "“I saw him,” cried a looker-on from the window. “He ran.”\n\n"
                    "“Any witnesses?” inquired Emma.\n\n“None, madam,” replied the red-faced officer in the doorway.\n\n"
                    "“Then go,” said Emma.\n")
    got = [(d.speaker, d.described) for d in ix.dialogue]
    assert got == [("John Reed", None), (None, "a looker-on"), ("Emma Hart", None),
                   (None, "the red-faced officer in the doorway"), ("Emma Hart", None)]


def test_he_in_a_reply_is_the_man_just_spoken_to_not_the_last_man_named() -> None:
    got = lines("Tom Bell came in. Tom Bell sat by the fire, and Tom Bell laughed.\n\nJohn waited. Tom Bell left the room.\n\n"
                "“Pray, John,” said Emma, “how do you know?”\n\n“Certainly,” replied he, “I do not know it.”\n")
    assert got[-1] == ("Certainly, I do not know it.", "John Reed")


def test_an_exchange_that_opens_untagged_takes_its_speakers_from_the_turns_after() -> None:
    got = lines("The fog came down over the valley and the town was quiet.\n\n"
                "“Is it far?”\n\n“Not very far.”\n\n“Then let us walk,” said Emma.\n\n“As you wish,” said John.\n")
    assert [s for _, s in got] == ["Emma Hart", "John Reed", "Emma Hart", "John Reed"]


def test_a_name_said_inside_the_quote_does_not_veto_the_narration_that_leads_into_it() -> None:
    got = lines("“Did you walk in the rain?” asked John.\n\n“I did,” said Emma.\n\nEmma smiled, and added,\n\n"
                "“And little Emma came with me.”\n")
    assert got[-1] == ("And little Emma came with me.", "Emma Hart")


def test_narration_between_turns_hands_the_next_line_to_its_subject() -> None:
    got = lines("“Is it far?” asked John.\n\n“Not very far,” said Emma.\n\n"
                "Emma looked at the sky for a long while.\n\n“It will rain before we get there.”\n")
    assert got[-1] == ("It will rain before we get there.", "Emma Hart")


def test_said_the_doctor_is_the_one_person_the_book_calls_doctor() -> None:
    story = ("Mr. Hale came at noon. Doctor Hale was a surgeon, and Mr. Hale was kind. Emma smiled.\n\n"
             "“Sit down,” said the doctor.\n\n“Thank you,” said John.\n")
    assert lines(story)[0] == ("Sit down,", "Mr. Hale")
    two = story.replace("Emma smiled", "Mr. Pike and Doctor Pike came too. Mr. Pike sat. Emma smiled")
    assert lines(two)[0] == ("Sit down,", None)


def test_said_the_officer_is_a_role_not_the_last_man_named() -> None:
    ix = build_text(CAST + "John was seized by the collar.\n\n“Come along,” said the officer.\n")
    assert [(d.speaker, d.described) for d in ix.dialogue] == [(None, "the officer")]


def test_she_is_the_woman_who_acts_not_the_one_whose_book_it_is() -> None:
    got = lines("Jane Bell came in. Jane Bell sat by the fire, and Jane Bell laughed.\n\n"
                "Emma Hart picked up the book of Jane Bell. “It is late,” she said.\n")
    assert got[-1] == ("It is late,", "Emma Hart")


def test_she_is_the_subject_the_sentences_before_are_about_not_a_woman_they_mention() -> None:
    got = lines("Jane Bell came in. Jane Bell sat down.\n\n"
                "“Good evening,” said Emma. Emma Hart always called the girl Jane Bell a goose.\n\n"
                "“Sit,” said she.\n\n"
                "She took a book from the shelf and gave it to the young Jane Bell, who smiled.\n\n"
                "“Read,” said she.\n")
    assert got[1:] == [("Sit,", "Emma Hart"), ("Read,", "Emma Hart")]


def test_a_lower_case_word_before_a_speech_verb_is_no_tag_that_joins_two_speeches() -> None:
    got = lines("Emma said, “Well, John, whenever you travel take a coat”--and thought no more of it, "
                "till she heard John say in a grave tone, “I shall never travel.”\n")
    assert [text for text, _ in got] == ["Well, John, whenever you travel take a coat", "I shall never travel."]
    assert got[1][1] == "John Reed"


def test_her_mother_is_the_mrs_of_the_speakers_family_not_the_last_woman_named() -> None:
    story = ("Mrs. Hart sat at home with her daughter. Mrs. Hart was tired, and Mrs. Hart slept.\n\n"
             "“I am going out,” said Emma.\n\nJane Bell waved from the road, and Jane Bell smiled.\n\n"
             "“Not in this rain,” said her mother.\n")
    assert lines(story)[-1] == ("Not in this rain,", "Mrs. Hart")


def test_his_wife_is_the_wife_of_the_man_she_speaks_to() -> None:
    story = ("Mr. Reed kept a farm. Mr. Reed was old, and Mrs. Reed was kind. Mrs. Reed baked.\n\n"
             "Jane Bell waved from the road, and Jane Bell smiled.\n\n"
             "“My dear Mr. Reed,” said his wife, “the rain has stopped.”\n")
    assert lines(story)[-1] == ("My dear Mr. Reed, the rain has stopped.", "Mrs. Reed")
    # "his lady" is his wife too
    assert lines(story.replace("said his wife", "said his lady to him"))[-1] == (
        "My dear Mr. Reed, the rain has stopped.", "Mrs. Reed")


def test_narration_leading_into_speech_gives_it_to_its_subject_not_to_the_one_spoken_to() -> None:
    got = lines("While he talked to Emma Hart, however, John Reed found an opportunity of saying,\n\n"
                "“Shall we go before the rain?”\n")
    assert got[-1] == ("Shall we go before the rain?", "John Reed")


def test_said_the_officer_is_not_handed_to_a_name_in_the_rest_of_the_paragraph() -> None:
    ix = build_text(CAST + "The night was cold.\n\n“Come along,” said the officer, and he pulled John Reed by the collar.\n")
    assert [(d.speaker, d.described) for d in ix.dialogue] == [(None, "the officer")]


def test_a_tale_over_several_paragraphs_that_quotes_someone_stays_the_tellers() -> None:
    got = lines("“Tell us everything,” said John.\n\n"
                "“I went to the house,” said Emma. “The master met me at the door.\n\n"
                "“‘Oh, yes,’ said he, turning to me, ‘we are very glad you came, Miss Hart.’\n\n"
                "“The dress which I found waiting for me was blue.”\n")
    assert [s for _, s in got[1:]] == ["Emma Hart"] * (len(got) - 1), got


def test_a_narration_closing_on_he_said_leads_into_his_words_not_the_woman_named_in_it() -> None:
    got = lines("“It is a pretty charade,” said John, and John read it again.\n\n"
                "Emma only nodded, and smiled.--After a little thinking, and a very tender sigh, he added,\n\n"
                "“Your dear mother was so clever at all those things!”\n")
    assert got[-1] == ("Your dear mother was so clever at all those things!", "John Reed"), got


def test_a_name_said_alone_as_an_answer_is_not_someone_spoken_to() -> None:
    got = lines("Tom Bell lived far away, and Tom Bell wrote often. Tom Bell was rich.\n\n"
                "“A young man has taken the house,” said Emma.\n\n“What is his name?” asked John.\n\n"
                "“Tom Bell.”\n\n“Is he married or single?”\n\n“Oh, single, my dear, to be sure!”\n")
    # The turns go John, Emma: "Tom Bell." answers the question, Tom Bell is not there to reply.
    assert [s for _, s in got[-3:]] == ["Emma Hart", "John Reed", "Emma Hart"], got


def test_he_leading_into_speech_is_the_man_the_sentences_are_about() -> None:
    got = lines("Tom Bell lived in London, and Tom Bell wrote often.\n\n"
                "John Reed read the letter twice and then wrote a long answer to Tom Bell. He sat musing a little while, "
                "and then said,\n\n“I shall go to London myself.”\n")
    assert got[-1] == ("I shall go to London myself.", "John Reed"), got


def test_a_speaker_cut_off_with_a_dash_does_not_go_on_in_the_next_paragraph() -> None:
    got = lines("“I have given her more decision,” said Emma.\n\n"
                "“If it were admissible to contradict a lady,” said the gallant John Reed--\n\n"
                "“Exactly so; that is what principally strikes me.”\n")
    assert got[-1] == ("Exactly so; that is what principally strikes me.", "Emma Hart"), got


def test_a_name_in_a_thought_or_spoken_of_is_not_the_one_who_answers() -> None:
    got = lines("Mr. Grey owned the mill by the river. Mr. Grey was a rich man, and he was kind.\n\n"
                "“Will you ride with me?” asked John.\n\n"
                "“Not today,” said Emma. “I am tired.”\n\n"
                "“Well done, Mr. Grey!” thought Emma. “You know what you are about.”\n\n"
                "“Mr. Grey, I suppose, is a friend of yours?”\n\n"
                "“A very old one.”\n")
    # A thought calls no one to answer, and "Mr. Grey, I suppose, is..." speaks of him, not to him.
    assert [s for _, s in got][-2:] == ["John Reed", "Emma Hart"], got


def test_one_who_leaves_takes_no_more_turns_and_a_clause_after_a_semicolon_has_its_own_subject() -> None:
    got = lines("Mr. Grey owned the mill by the river. Mr. Grey was a rich man, and he was kind.\n\n"
                "“I must go home now,” said Mr. Grey.\n\n"
                "“Then go, sir,” said John.\n\n"
                "Mr. Grey at last was off; but John sat down again, and Emma smiled. He began speaking of roses.\n\n"
                "“They are fine this year,” said he.\n\n"
                "“They are.”\n")
    assert [s for _, s in got][-2:] == ["John Reed", "Emma Hart"], got


def test_one_called_by_a_description_in_the_next_paragraph_is_not_the_one_who_just_spoke() -> None:
    got = lines("Mary Dunn came to the inn that night, and Mary Dunn sat down by the fire.\n\n"
                "“Good evening,” said Mary Dunn.\n\n"
                "“Who sent you here?” asked Emma.\n\n"
                "“Nobody sent me,” replied the girl. “I came alone.”\n")
    assert got[-1] == ("Nobody sent me … I came alone.", "Mary Dunn"), got


def test_one_who_makes_no_answer_has_had_their_turn_and_the_other_speaks_next() -> None:
    got = lines("“You write uncommonly fast,” said Emma.\n\n“I write rather slowly.”\n\n“How many letters you write!”\n\n"
                "He made no answer.\n\n“Tell your sister I long to see her.”\n\n“I have told her so once already.”\n\n"
                "Emma bowed.\n\n“And the harp? Is she fond of it?”\n\n"
                "John was silent. With a smile, Emma went on:\n\n“I hope so.”\n")
    assert [s for _, s in got] == ["Emma Hart", "John Reed", "Emma Hart", "Emma Hart", "John Reed",
                                   "John Reed", "Emma Hart"]


def test_she_after_narration_about_another_woman_is_her_not_the_one_spoken_to() -> None:
    got = lines("Anna Grey came in, and Anna sat down by the fire.\n\n“Will you come to the ball, Emma?” asked John.\n\n"
                "And even Anna could assure them that she had no wish to stay at home.\n\n"
                "“While I have my mornings,” said she, “it is enough.”\n")
    assert got[-1] == ("While I have my mornings, it is enough.", "Anna Grey")


def test_a_lady_nobody_has_named_is_not_the_man_whose_turn_it_seemed() -> None:
    got = last_said("Tom Hart sat by the fire with Jack Reed. Tom Hart and Jack Reed were tired.\n\n"
                    "“Who is there?” asked Tom.\n\n“A friend, I think,” said Jack.\n\n"
                    "“Hush, my dear,” said the old lady softly. “You must be very quiet.”\n")
    assert got == (None, "the old lady"), got


def test_one_called_someones_wife_in_a_tag_is_his_wife_not_him() -> None:
    ix = build_text("Tom Hart kept the shop. Mrs. Hart came down the stairs, and Tom Hart bowed to Jack Reed. "
                    "Mrs. Hart looked at Jack Reed.\n\n"
                    "“This is the boy,” said Jack Reed.\n\n“Dear me!” said Tom Hart’s wife, “he’s very small.”\n")
    assert ix.dialogue[-1].speaker == "Mrs. Hart", ix.dialogue[-1].speaker


def test_she_in_a_talk_with_one_woman_is_that_woman_not_the_woman_named_last() -> None:
    got = lines("Anna Grey came in with a book of verses.\n\n“Will you read them to us, John?” asked Emma Hart.\n\n"
                "“Gladly,” said John Reed, and he read them slowly, "
                "one after another, while the rain beat on the windows and the fire burned low in the grate, "
                "and the clock on the stair struck nine, and then ten, and the candles guttered in the draught.\n\n"
                "The verses had been copied out some pages ago already by Anna Grey, in her neatest hand.\n\n"
                "“Why will not you write one yourself for us, John?” said she; “nothing could be easier.”\n")
    assert got[-1][1] == "Emma Hart", got


def test_a_name_after_a_semicolon_and_a_short_phrase_is_its_clauses_subject() -> None:
    got = lines("“Well,” said Anna Grey, laughing, “we shall see.”\n\n"
                "Emma Hart, finding her so determined upon it, had nothing more to say; and, after a moment's pause, "
                "Anna Grey chose another subject.\n\n"
                "“We have been calling at the hall,” said she, “and found them both at home.”\n")
    assert got[-1][1] == "Anna Grey", got


def test_a_tag_naming_someone_after_words_about_them_or_a_description_and_an_adverb() -> None:
    ix = build_text(CAST + "“Is it a good letter?” asked John.\n\n“Well,” said the still waiting Emma Hart; “and what shall I do?”\n\n"
                    "“Now, Ben,” replied the coachman impatiently.\n")
    assert [(d.speaker, d.described) for d in ix.dialogue[1:]] == [("Emma Hart", None), (None, "the coachman")]


def test_a_line_tagged_with_a_description_is_not_given_to_the_one_the_narration_named() -> None:
    got = last_said(CAST + "John Reed got into the coach and sat himself down on the seat.\n\n"
                    "“May I come with you?” said the book-stall keeper, looking in.\n")
    assert got == (None, "the book-stall keeper"), got


def test_a_young_someone_of_a_family_is_not_the_one_of_it_the_book_names() -> None:
    got = last_said(CAST + "Reed laughed, and Reed sat down by the fire.\n\n"
                    "“If I were as rich as you,” cried a young Reed who came with his sisters, “I should not care.”\n")
    assert got == (None, "a young Reed"), got


def test_one_who_began_again_in_the_narration_after_a_line_speaks_the_next() -> None:
    got = lines("Anna Grey sat by the fire.\n\n“Are you tired?” asked Emma Hart.\n\n"
                "“I am tired of walking,” said John.--A short pause followed this speech, "
                "and Anna Grey began again.\n\n“I have an excessive regard for Jane, she is a very sweet girl.”\n")
    assert got[-1][1] == "Anna Grey", got


def test_was_her_answer_is_a_tag_for_her() -> None:
    got = lines("Tom Hart came in, and Tom Hart sat down.\n\n“Is the child worse?” asked John Reed.\n\n"
                "“I fear so,” said Tom Hart.\n\n“Indeed she is, sir,” was her answer. “She is too ill to be moved.”\n")
    assert got[-1][1] == "Emma Hart", got


def test_older_speech_verbs_and_someones_mamma_are_tags() -> None:
    ix = build_text("Daisy Miller walked with Mrs. Miller and John Reed. Mrs. Miller was tired, and Daisy laughed. "
                    "Daisy ran on.\n\n"
                    "“Shall we go on?” asked John Reed.\n\n“Oh, no; with this gentleman!” answered Daisy's mamma.\n\n"
                    "“I guess it is late,” interposed her mother.\n\n“Well!” ejaculated Daisy Miller.\n")
    assert [d.speaker for d in ix.dialogue] == ["John Reed", "Mrs. Miller", "Mrs. Miller", "Daisy Miller"]


def test_their_father_is_the_father_of_those_talking() -> None:
    ix = build_text("Mr. Hart came in, and Mr. Hart sat down. Anna Hart smiled at Anna Hart's sister.\n\n"
                    "Emma Hart took the letter. John Reed opened the door, and John Reed bowed.\n\n"
                    "“Here is the letter,” said Emma Hart.\n\n“Read it aloud,” said their father.\n")
    assert ix.dialogue[-1].speaker == "Mr. Hart", ix.dialogue[-1].speaker


def test_her_father_opening_a_sentence_before_the_quote_is_her_father() -> None:
    ix = build_text("Mr. Hart came in, and Mr. Hart sat down by Emma Hart. John Reed bowed, and John Reed sat down.\n\n"
                    "“I made the match myself,” said Emma Hart.\n\n"
                    "John Reed shook his head at her. Her father fondly replied, “Ah! my dear, pray do not make any more.”\n")
    assert ix.dialogue[-1].speaker == "Mr. Hart", ix.dialogue[-1].speaker


def test_a_description_the_others_answer_by_name_is_that_person() -> None:
    """"Said the robber", answered each time with "Bill": the robber is Bill Sikes, one person
    with his lines, not a second character."""
    from conftest import build_text

    ix = build_text(
        "Bill Sikes came into the room. Bill Sikes was a stout fellow, and Fagin looked up at Bill Sikes.\n\n"
        '"Where is the boy?" said the robber.\n\n"Patience, Bill, patience," said Fagin.\n\n'
        '"I want the boy now," said the robber.\n\n"You shall have him, Bill," said Fagin.\n\n'
        '"Then fetch him," said the robber.\n\n"Hush, Bill, hush," said Fagin.\n\n'
        "Bill Sikes sat down by the fire, and Fagin went out to fetch the boy.\n", "robber")
    assert "the robber" not in [c.name for c in ix.characters], [c.name for c in ix.characters]
    robber = [d.speaker for d in ix.dialogue if d.text.startswith(("Where is", "I want", "Then fetch"))]
    assert robber == ["Bill Sikes"] * 3, robber


def test_a_line_that_says_my_name_is_is_that_person_s_whatever_the_turns() -> None:
    got = lines("Mary Dunn came in, and John Reed rose.\n\n"
                "“Good evening,” said John Reed.\n\n"
                "“Good evening,” said Emma.\n\n"
                "“My name is Mary Dunn, and I have come a long way to see you.”\n\n"
                "“Then sit down,” said John.\n")
    assert got[2] == ("My name is Mary Dunn, and I have come a long way to see you.", "Mary Dunn"), got


def test_a_title_no_one_in_the_book_bears_is_a_speaker_of_their_own() -> None:
    """'"I buy hair," said Madame.' where nobody is Madame anyone: the hair buyer speaks, not
    Emma, the last woman who did."""
    got = lines("“Will you buy my hair?” asked Emma.\n\n“I buy hair,” said Madame. “Take your hat off.”\n\n"
                "“Twenty dollars,” said Madame, lifting the mass.\n")
    assert got[-2:] == [("I buy hair … Take your hat off.", None), ("Twenty dollars,", None)], got
    assert last_said(CAST + "“Twenty dollars,” said Madame, lifting the mass.\n") == (None, "Madame")
    # A family's own word ("said Mother") is left to the family there, not made a stranger.
    assert last_said(CAST + "“Go to bed,” said Emma.\n\n“Now,” said Mother, and John sat down.\n")[1] is None
