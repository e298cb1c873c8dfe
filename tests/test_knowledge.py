"""Who people are, what they look like, what they are to each other, where the story happens:
answered from the sentences that say it, not from the ones that only share the question's words."""
from __future__ import annotations

from bot.core import horizon, knowledge
from bot.core.search import Searcher
from conftest import build_text

STORY = """Chapter 1

Margaret Hale walked down to the harbour in Milton every morning. Margaret Hale asked the fishermen about the weather, and Margaret Hale asked about the boats.

"Who is that?" said Thornton to the clerk. Thornton watched her from the window of the mill in Milton.

Henry Lennox, a young lawyer from London, arrived at the mill in Milton that afternoon.

Chapter 2

Margaret turned to face him, her wide grey eyes steady and cold. Margaret said nothing for a long while.

Thornton and Margaret met again at the station in Milton. Thornton was the master of the cotton mill, a proud man.

Henry Lennox spoke of Margaret as his cousin, and Henry Lennox smiled.

Chapter 3

Margaret Hale left Milton in the spring. Margaret wrote to Thornton from London once.
"""


def ask(searcher: Searcher, question: str) -> str:
    answers = searcher.ask(question).answers
    return answers[0].quote if answers else ""


def profile(searcher: Searcher, name: str) -> dict[str, str]:
    """What a character's profile shows about them, over the whole story."""
    return dict(knowledge.profile(searcher, name, len(searcher.units)))


def test_who_is_someone_is_answered_by_what_the_story_says_they_are() -> None:
    s = Searcher(build_text(STORY, "north"))
    assert "a young lawyer from London" in ask(s, "who is henry lennox?")
    assert "master of the cotton mill" in ask(s, "who is thornton")


def test_what_someone_looks_like_comes_from_a_described_feature() -> None:
    s = Searcher(build_text(STORY, "north"))
    assert "wide grey eyes" in ask(s, "what does margaret look like")
    assert "wide grey eyes" in ask(s, "what does margret look like?")  # a typo in the name
    assert "wide grey eyes" in ask(s, "what does the young margaret hale look like")  # more words than her name


def test_what_one_person_is_to_another() -> None:
    s = Searcher(build_text(STORY, "north"))
    assert "his cousin" in ask(s, "what is henry to margaret")


def test_where_the_story_takes_place_is_its_most_used_place() -> None:
    s = Searcher(build_text(STORY, "north"))
    assert "Milton" in ask(s, "where does the story take place?")
    assert s.knowledge.places[0] == "Milton"


def test_the_main_character_is_the_most_named_one() -> None:
    s = Searcher(build_text(STORY, "north"))
    assert "Margaret Hale" in ask(s, "who is the main character")


def test_knowledge_stops_at_the_readers_horizon() -> None:
    ix = build_text(STORY, "north")
    whole = Searcher(ix)
    early = whole.at(horizon.view(ix, 1))
    assert "wide grey eyes" not in ask(early, "what does margaret look like")
    assert "master of the cotton mill" not in ask(early, "who is thornton")
    for q in ("who is thornton", "what does margaret look like", "what is henry to margaret"):
        for a in early.ask(q, top=5).answers:
            assert a.end <= early.ix.end, (q, a.quote)


def test_a_profile_shows_who_someone_is_and_what_they_look_like_up_to_the_horizon() -> None:
    from bot.chat.replies import Replies

    ix = build_text(STORY, "north")
    whole = Searcher(ix)
    fields = dict(Replies(ix, whole).character("thornton")[0].fields)
    assert "master of the cotton mill" in fields["Who"]
    fields = dict(Replies(ix, whole).character("margaret")[0].fields)
    assert "wide grey eyes" in fields["Looks"]
    view = horizon.view(ix, 1)
    early = dict(Replies(view, whole.at(view)).character("margaret")[0].fields)
    assert "Looks" not in early


def test_a_list_of_qualities_after_a_name_says_who_they_are() -> None:
    story = ("Chapter 1\n\nDorothea Brooke, tall, clever, and proud, had lived nineteen years in the town of "
             "Middlemarch with her uncle.\n\nThe uncle talked of Dorothea at dinner, and Dorothea poured the tea "
             "while Dorothea listened.\n\n\"Dorothea, Dorothea, always Dorothea,\" Celia sighed. Dorothea was "
             "everywhere.\n\nCelia watched Dorothea and smiled at Dorothea.\n")
    s = Searcher(build_text(story, "middlemarch"))
    assert "tall, clever, and proud" in ask(s, "who is dorothea")
    who = profile(s, "Dorothea Brooke")  # what her profile shows
    assert "tall, clever, and proud" in who.get("Who", ""), who


def test_she_was_short_and_fair_describes_the_one_named_before() -> None:
    """A build ("short, plump, and fair") is a look too, and "she" is the woman named before it,
    not one named later in the sentence."""
    story = ("Chapter 1\n\nEmma Woodhouse lived at Hartfield with her father, and Emma ruled the house.\n\n"
             "Harriet Smith came to the school at Highbury in the spring. She was short, plump, and fair, which "
             "Emma Woodhouse particularly admired.\n\nEmma Woodhouse walked to the village with her father.\n\n"
             "Harriet Smith sang at the party, and Emma Woodhouse played.\n\nHarriet Smith wrote a letter. "
             "Harriet Smith read it to Emma Woodhouse, and Harriet Smith laughed.\n")
    s = Searcher(build_text(story, "highbury"))
    harriet = profile(s, "Harriet Smith")
    emma = profile(s, "Emma Woodhouse")
    assert "short, plump, and fair" in harriet.get("Looks", ""), harriet
    assert "short, plump" not in emma.get("Looks", ""), emma


def test_she_who_opens_sentence_after_sentence_is_the_woman_they_are_about() -> None:
    """"She" opening sentence after sentence stays with the woman the first of them named, past a
    woman named only as an owner ("Mrs. Goddard's school") or after a verb ("which Emma admired")."""
    story = ("Chapter 1\n\nEmma Woodhouse lived at Hartfield with her father, and Emma ruled the house.\n\n"
             "Harriet Smith was the daughter of somebody. Somebody had placed her at Mrs. Goddard's school. "
             "She had no friends at Highbury.\n\nShe was a very pretty girl, which Emma Woodhouse admired. "
             "She was short, plump, and fair, with blue eyes and light hair.\n\n"
             "Mrs. Goddard kept the school. Harriet Smith sang at the party, and Emma Woodhouse played.\n\n"
             "Harriet Smith wrote a letter to Emma Woodhouse, and Mrs. Goddard read it.\n\n"
             "Harriet Smith walked home. Harriet Smith slept, and Harriet Smith dreamt of Emma Woodhouse.\n")
    s = Searcher(build_text(story, "highbury"))
    assert "short, plump, and fair" in profile(s, "Harriet Smith").get("Looks", "")
    assert "short, plump" not in profile(s, "Emma Woodhouse").get("Looks", "")
    assert "short, plump" in ask(s, "what does harriet look like")


def test_what_someone_wore_is_their_description_that_names_a_garment() -> None:
    """The garment line names her only as "her"; the lines that name her and say "wearing"
    are about someone else's coat."""
    rain = " The rain fell on the old roofs of the town, and the lamps burned low in the windows of the square." * 3
    story = ("Nora Vale walked into the hall. Nora Vale looked for her brother, and Nora Vale sighed." + rain + "\n\n"
             "Tom followed close behind Nora Vale. He watched as she stomped away from him, her long green cloak "
             "trailing in the mud." + rain + "\n\nTom was wearing a wide grin and his old coat when Nora Vale "
             "turned around, and Nora Vale laughed at the coat Tom was wearing." + rain + "\n\n"
             "Nora Vale said nothing more that night, and Tom went home wearing his coat." + rain + "\n")
    s = Searcher(build_text(story, "hall"))
    assert len(s.ix.passages) >= 3
    assert "green cloak" in ask(s, "what was nora wearing")


def test_his_described_feature_belongs_to_the_nearest_man_named_before_it() -> None:
    """Two men in the sentence: "his fine, tall person" is the one named right before it; and a
    face "her" only meets through "with a" is not hers."""
    story = ("Chapter 1\n\nJohn Hurst came to the ball with his wife. John Hurst danced, and John Hurst ate.\n\n"
             "His brother, John Hurst, merely looked the gentleman; but his friend William Darcy soon drew the "
             "attention of the room by his fine, tall person, handsome features and noble mien.\n\n"
             "William Darcy danced only twice. William Darcy spoke to nobody, and William Darcy left early.\n\n"
             "Anne Lucas walked in, and Jane Price ran to her with a smiling face. Anne Lucas sat down, and Jane "
             "Price talked to Anne Lucas. Jane Price left with Anne Lucas.\n")
    s = Searcher(build_text(story, "ball"))
    darcy = profile(s, "William Darcy")
    hurst = profile(s, "John Hurst")
    assert "fine, tall person" in darcy.get("Looks", ""), darcy
    assert "Looks" not in hurst, hurst
    jane = profile(s, "Jane Price")
    anne = profile(s, "Anne Lucas")
    assert "Looks" not in jane and "Looks" not in anne, (jane, anne)


def test_the_main_character_is_shown_where_the_narration_first_names_them() -> None:
    """Not a line of dialogue that happens to say their name first."""
    story = ("Chapter 1\n\n\"Anna Berg, come down to the river now!\"\n\n"
             "Anna Berg, the miller's daughter, had lived by the river all her life. Anna Berg baked, and "
             "Anna Berg sang to the geese.\n\nTom Hale watched Anna Berg from the bridge, and Anna Berg waved.\n\n"
             "Anna Berg walked home.\n")
    s = Searcher(build_text(story, "river"))
    quote = ask(s, "who is the main character?")
    assert "the miller's daughter" in quote and "come down" not in quote, quote


def test_the_main_character_is_introduced_by_name_not_by_an_epithet() -> None:
    from bot.config import CharacterSetting, StorySetting

    story = ("Chapter 1\n\nOn a cold night the old wolf walked into the bar and ordered a drink.\n\n"
             "Lena Gray, the wolf's only friend, waited for him at the back of the bar.\n\n"
             "Lena Gray laughed, and Lena Gray drank, and the wolf watched Lena Gray.\n\nLena Gray went home.\n")
    setting = StorySetting("bar", characters=(CharacterSetting("Lena Gray", ("the old wolf",), "female"),))
    s = Searcher(build_text(story, "bar", setting=setting))
    quote = ask(s, "who is the main character?")
    assert "only friend" in quote and "ordered a drink" not in quote, quote


def test_how_two_people_are_related_through_a_family_member_they_share() -> None:
    """Nothing names Jane and Miss Bates together as kin; the sentence that makes Jane the
    child of Mrs. Bates's daughter says how they are related, ahead of Jane's other ties."""
    story = ("Chapter 1\n\nJane Fairfax was the friend of Emma Woodhouse, who lived at Hartfield.\n\n"
             "Miss Bates talked to Emma Woodhouse about the weather, and Miss Bates talked about the bread.\n\n"
             "Chapter 2\n\nJane Fairfax was an orphan, the only child of Mrs. Bates's youngest daughter.\n\n"
             "Mrs. Bates sat by the fire, and Mrs. Bates knitted. Emma Woodhouse walked home.\n\n"
             "Miss Bates read a letter from Jane Fairfax aloud, and Jane Fairfax wrote again to Miss Bates.\n")
    s = Searcher(build_text(story, "highbury"))
    assert "only child of Mrs. Bates" in ask(s, "how is jane fairfax related to miss bates")


def test_her_eyes_in_a_paragraph_where_she_speaks_are_the_speakers() -> None:
    """No woman is named in the sentence or the one before: the paragraph's speaker owns "her"."""
    story = ("Chapter 1\n\nIvy Blake waited in the garden. Tom Reed came in late, and Tom Reed apologised.\n\n"
             "\"You are late again,\" said Ivy Blake. Tom Reed shrugged and sat on the old bench.\n\n"
             "\"I was with Anna,\" said Tom Reed.\n\n"
             "\"Oh my god.\" The girl took a step back, her wide green eyes on his face.\n\n"
             "Tom Reed laughed. \"Sorry,\" said Tom Reed, and Tom Reed left the garden.\n")
    s = Searcher(build_text(story, "garden"))
    assert "wide green eyes" in profile(s, "Ivy Blake").get("Looks", ""), profile(s, "Ivy Blake")
    assert "Looks" not in profile(s, "Tom Reed")


def test_what_colour_are_someones_eyes_is_their_description_of_that_feature() -> None:
    """Asked about one feature, the description of that feature comes first, also when the
    name has no apostrophe ("ivys", "tom"), and the quote starts at the description. Her hair
    is only "curls" in the text."""
    story = ("Chapter 1\n\nIvy Blake walked into the hall, her long red curls tied back with a ribbon. "
             "Ivy Blake looked for her brother in the crowd.\n\n"
             "Tom Reed stood by the door, his pale grey eyes on the guests. Tom Reed waited.\n\n"
             "Later Ivy Blake turned to Tom Reed, her bright blue eyes shining. Tom Reed smiled at Ivy Blake.\n\n"
             "Ivy Blake and Tom Reed danced all night, and Ivy Blake laughed at every tune.\n")
    s = Searcher(build_text(story, "hall"))
    assert "bright blue eyes" in ask(s, "what colour are ivys eyes")
    assert "pale grey eyes" in ask(s, "what color are tom eyes")
    assert "red curls" in ask(s, "how was ivy's hair described")


def test_someones_surname_is_where_the_story_gives_their_full_name() -> None:
    """The window that names them in full, not another one with full names in it."""
    rain = " The rain fell on the old roofs of the town, and the lamps burned low in the windows of the square." * 3
    story = ("Chapter 1\n\nTom walked to the forge every morning, and Tom whistled as he worked." + rain + "\n\n"
             "Ivy Blake and Anna Price came by the forge and asked Tom about his name, and Tom told them, "
             "and Tom laughed." + rain + "\n\nEveryone in the valley knew Tom Reed, and they trusted him." + rain +
             "\n\nTom shod the horses of Ivy Blake, and Anna Price paid Tom for the work." + rain + "\n")
    s = Searcher(build_text(story, "forge"))
    assert len(s.ix.passages) >= 3
    assert "Tom Reed" in ask(s, "whats toms last name")
    assert "Tom Reed" in ask(s, "what is the full name of tom?")


def test_who_someone_is_comes_from_a_phrase_beside_their_name_not_from_words_said_to_them() -> None:
    # The king speaks of Irene Adler, who is not there: "the well-known adventuress, Irene Adler"
    # says who she is. Lydia is there: "Lydia, my love, ..." and "take a seat, Lydia." are said
    # to her and say nothing of who she is.
    story = ("Chapter 1\n\n\"Pray take a seat, Lydia,\" said Holmes. Lydia sat down by the fire.\n\n"
             "\"Thank you,\" said Lydia. Lydia looked at the king.\n\n"
             "\"Five years ago, in Warsaw, I met the well-known adventuress, Irene Adler,\" said the king to Holmes. "
             "\"Lydia, my love, you know the story well.\"\n\n"
             "\"I do,\" said Lydia. Holmes nodded at Lydia.\n\n"
             "The king spoke of Irene Adler again. Irene Adler had gone to London, and Irene Adler had the photograph.\n")
    s = Searcher(build_text(story, "bohemia"))
    assert "well-known adventuress" in profile(s, "Irene Adler").get("Who", "")
    assert "Who" not in profile(s, "Lydia"), profile(s, "Lydia")


def test_how_much_was_paid_for_someones_hair_asks_a_sum_not_their_looks() -> None:
    story = ("Chapter 1\n\nDella had beautiful brown hair, and her brown hair fell below her knee. Then Della looked "
             "at the mirror.\n\nMadame Sofronie was large and chilly. Madame Sofronie lifted the mass of hair with "
             "a practised hand.\n\n\"Twenty dollars,\" said Madame Sofronie. Then Della took the money and ran.\n")
    s = Searcher(build_text(story, "magi"))
    asked = "how much did madame sofronie give della for her hair"
    assert "Twenty dollars" in ask(s, asked)
    assert s.knowledge.asked(asked, s.lex.who, s.ix.characters) is None  # not her looks, on any story
    assert "beautiful brown hair" in ask(s, "what was dellas hair like")


def test_a_profile_ties_someone_to_another_by_the_sentence_that_says_whose_tie_it_is() -> None:
    """Ties show the sentence that says whose tie it is ("his son, James Carter"), not the first
    that names them beside anyone's "his client"; and nothing when no sentence says it."""
    story = ("Chapter 1\n\nHolmes looked at his client while James Carter waited by the door of the study.\n\n"
             "James Carter stood by the window of the study for an hour. The rain fell on the street.\n\n"
             "Old Mr. Carter came up the road, and behind him walked his son, James Carter, with a gun.\n\n"
             "Lestrade came in from the street. Holmes nodded to his rival Lestrade and lit his pipe slowly.\n\n"
             "\"Sit down, Watson,\" said Holmes to his brother at the fire in the study, and Watson sat.\n")
    s = Searcher(build_text(story, "ties"))
    assert "his son, James Carter" in profile(s, "James Carter").get("Ties", "")
    assert "Ties" not in profile(s, "Watson")  # Holmes's brother, not his


def test_a_profile_looks_first_at_a_description_that_names_its_owner() -> None:
    """'Pierre Duval was tall and stout' describes him; the richer sentence after 'Pierre came
    into the room where the old count lay' is the count's, though its 'his' could be Pierre's."""
    story = ("Chapter 1\n\nPierre Duval came into the room where the old count lay. His thin grey hair, his hollow "
             "cheeks, his sunken eyes and his white lips were those of a dying man.\n\n"
             "\"Is he asleep?\" Pierre Duval asked Marie Lenoir. \"No,\" said Marie Lenoir. Pierre Duval sat down by "
             "the bed and waited, and Marie Lenoir watched Pierre Duval.\n\n"
             "Chapter 2\n\nPierre Duval was tall and stout, and he walked out into the garden at dawn. "
             "Pierre Duval thought of the count all day.\n")
    s = Searcher(build_text(story, "looks"))
    assert "tall and stout" in profile(s, "Pierre Duval").get("Looks", "")


MARRIAGES = """Chapter 1

Anna Petrova laughed at the ball. "I won't marry anyone, ever!" Anna Petrova said to her mother.

Ivan Sorokin danced with Anna Petrova, and Ivan Sorokin spoke of his future wife, Anna Petrova, to every guest at the ball.

Paul Dmitrov walked home alone from the ball. Paul Dmitrov married Helen Kuragina that winter, and the whole town talked of it.

Chapter 2

Ivan Sorokin rode away to the war. Anna Petrova wrote to him, and Helen Kuragina laughed at her letters.

Helen Kuragina died in the autumn. Paul Dmitrov mourned Helen Kuragina for a year.

Chapter 3

Anna Petrova's wedding to Paul Dmitrov took place in the spring, in the little church by the river.

Paul Dmitrov and Anna Petrova lived in the country. Ivan Sorokin never came back from the war.
"""


def test_whom_someone_marries_is_the_sentence_that_says_they_married() -> None:
    """Not a line that only says the word ("I won't marry anyone"), nor a marriage that was
    only planned ("his future wife")."""
    s = Searcher(build_text(MARRIAGES, "marriages"))
    for q in ("who does anna marry", "who did ana petrova end up marrying?", "who is annas husband",
              "whos anna married to"):
        assert "wedding to Paul Dmitrov" in ask(s, q), q
    assert "wedding to Paul Dmitrov" in profile(s, "Anna Petrova").get("Married", "")
    assert "Married" not in profile(s, "Ivan Sorokin")  # only a future wife


def test_a_first_marriage_and_the_last_are_told_apart() -> None:
    s = Searcher(build_text(MARRIAGES, "marriages"))
    assert "married Helen Kuragina" in ask(s, "who was pauls first wife")
    assert "wedding to Paul Dmitrov" in ask(s, "who does paul end up marrying")
    assert "married Helen Kuragina" in ask(s, "who married helen")


def test_a_marriage_past_the_readers_horizon_is_not_told() -> None:
    ix = build_text(MARRIAGES, "marriages")
    early = Searcher(ix).at(horizon.view(ix, 2))
    for a in early.ask("who does anna marry", top=5).answers:
        assert "wedding to Paul" not in a.quote


def test_mr_and_mrs_make_a_married_couple() -> None:
    story = ("Chapter 1\n\nMr. Fairbrother kept the mill by the river, and Mr. Fairbrother was a busy man.\n\n"
             "Mrs. Fairbrother baked for the village, and Mrs. Fairbrother sang as she baked.\n\n"
             "Mr. Fairbrother walked to the market alone, and Mrs. Fairbrother stayed at home.\n\n"
             "Chapter 2\n\nOn Sunday Mr. and Mrs. Fairbrother went to church together, arm in arm.\n\n"
             "Mr. Fairbrother slept through the sermon, and Mrs. Fairbrother pinched him awake.\n")
    s = Searcher(build_text(story, "mill"))
    assert "Mr. and Mrs. Fairbrother" in ask(s, "who is mr fairbrothers wife")
    assert "Mr. and Mrs. Fairbrother" in profile(s, "Mrs. Fairbrother").get("Married", "")


def test_a_spouse_the_story_gives_no_name_is_still_told() -> None:
    filler = ("The road ran on past the inn between the fields, and the carts went by all day long with hay "
              "and barrels and sacks of grain for the town.\n\n")
    story = ("Chapter 1\n\nGeorge Barton kept the inn at the crossroads, and George Barton kept it well.\n\n"
             + filler * 3 +
             "George Barton told the travellers that a wife is a blessing, and George Barton laughed.\n\n"
             "Henry Walsh rode past the inn, and Henry Walsh waved his hat to the maid.\n\n"
             "\"Will you be Henry Walsh's wife?\" the travellers asked the maid, and Henry Walsh blushed.\n\n"
             + filler * 3 +
             "Chapter 2\n\n" + filler * 3 +
             "A pale little woman, George Barton's wife, carried the soup in from the kitchen.\n\n" + filler * 2)
    s = Searcher(build_text(story, "inn"))
    assert "George Barton's wife" in ask(s, "who is george bartons wife")
    assert "George Barton's wife" in ask(s, "is george married?")
    assert "Married" not in profile(s, "Henry Walsh")  # only asked, not married


COLLINS = """Chapter 1

Mr. Collins was punctual to his time, and was received with great politeness by the whole family.

Mr. Bennet indeed said little; but the ladies were ready enough to talk, and Mr. Collins seemed neither in need of encouragement, nor inclined to be silent himself. He was a tall, heavy looking young man of five and twenty.

Mr. Bennet read his newspaper by the fire, and Mr. Bennet said nothing more that evening.

Chapter 2

Mr. Collins walked to the village with the ladies, and Mr. Collins talked the whole way.
"""


def test_whose_looks_a_he_describes_is_the_same_every_run() -> None:
    """A sentence that opens on one man and names another leaves "he" to the last one named,
    whatever order Python keeps a set in (a profile must read the same after a restart)."""
    import os
    import subprocess
    import sys

    code = ("import sys; sys.path.insert(0, 'tests'); from conftest import build_text; "
            "from test_knowledge import COLLINS, profile; from bot.core.search import Searcher; "
            "print(profile(Searcher(build_text(COLLINS, 'collins')), 'Mr. Collins').get('Looks'))")
    for seed in ("1", "2", "3", "4"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        assert "tall, heavy looking young man" in out, seed


def test_what_someone_looks_like_is_their_first_portrait_not_the_sentence_naming_most_features() -> None:
    """"his tall, spare figure" is a portrait of him; "his tired eyes and his stubbled chin"
    names more features, each in a word."""
    story = ("Chapter 1\n\nPaul Brand came home late. I saw his tall, spare figure pass twice against the blind.\n\n"
             "Paul Brand sat down. Paul Brand read the paper, and Paul Brand smoked.\n\n"
             "Chapter 2\n\nPaul Brand rubbed his tired eyes and his stubbled chin by the fire, and stretched "
             "his aching shoulders.\n\n"
             "Paul Brand slept. Paul Brand woke at noon.\n")
    s = Searcher(build_text(story, "portrait"))
    assert "tall, spare figure" in ask(s, "what does paul look like")


def test_who_someone_is_can_be_said_with_s_for_is() -> None:
    """"Dinah's our cat": "'s" before "our" or "a" says who she is (her profile's "Who")."""
    story = ("Alice sat by the fire with Tom. \"I wish Dinah were here,\" said Alice. Tom looked at Alice. "
             "Dinah sleeps all day, and Dinah purrs, and Alice strokes Dinah every night.\n\n"
             "\"Who is Dinah?\" asked Tom. Alice smiled at Tom. \"Dinah's our cat, and she catches mice for us,\" said Alice. "
             "Tom laughed, and Dinah woke.\n")
    s = Searcher(build_text(story, "cat"))
    assert "our cat" in ask(s, "who is dinah"), ask(s, "who is dinah")
    assert "our cat" in profile(s, "Dinah").get("Who", ""), profile(s, "Dinah")


def test_a_portrait_before_the_name_is_of_the_one_it_introduces() -> None:
    """A novel often describes a newcomer before naming them ("a stout young man with
    close-cropped hair ... when she saw Pierre enter"): those looks are the newcomer's, not
    those of the man the scene already knew, and not a later stranger's."""
    filler = " The rooms were full of guests, and the candles burned in the tall windows of the hall." * 2
    story = ("Chapter 1\n\nAnna Scherer received her guests in the drawing room. Prince Vasili Kuragin came first, "
             "and Prince Vasili Kuragin sat by the fire." + filler + "\n\n"
             "One of the next arrivals was a stout, heavily built young man with close-cropped hair, spectacles, "
             "and a brown dress coat. Anna Scherer nodded to him. A look of fear came over her face when she saw "
             "Pierre enter." + filler + "\n\n"
             "Pierre sat down by the window. Pierre spoke of Napoleon, and Prince Vasili Kuragin laughed.\n\n"
             "Chapter 2\n\nA tall, thin man with grey eyes, a black beard and broad shoulders came in. "
             "Prince Vasili Kuragin bowed to the stranger." + filler + "\n\n"
             "Pierre went home. Pierre slept, and Prince Vasili Kuragin wrote letters.\n")
    s = Searcher(build_text(story, "petersburg"))
    assert "close-cropped hair" in ask(s, "what does pierre look like")
    assert "close-cropped" in profile(s, "Pierre").get("Looks", "")
    assert "black beard" not in profile(s, "Prince Vasili Kuragin").get("Looks", "")  # named long before


def test_someone_named_with_a_feature_is_described() -> None:
    """ "Suddenly Mr. Fox with bushy red whiskers came down the lane" says what Mr. Fox looks
    like (as "a White Rabbit with pink eyes" says what the Rabbit does)."""
    filler = " The river ran slowly under the trees, and the bank was warm in the afternoon sun." * 2
    story = ("Chapter 1\n\nAlice was sitting by her sister on the bank." + filler + "\n\n"
             "Suddenly Mr. Fox with bushy red whiskers came down the lane. Mr. Fox took a watch out of his "
             "pocket, and Alice ran after Mr. Fox.\n\n"
             "Alice fell down the hole." + filler + " Mr. Fox hurried away, and Alice followed Mr. Fox.\n")
    s = Searcher(build_text(story, "wonderland"))
    assert "red whiskers" in profile(s, "Mr. Fox").get("Looks", "")
    assert "red whiskers" in ask(s, "what does mr fox look like")
    # The same, hard-wrapped as a Gutenberg file is ("Mr. Fox\nwith bushy red whiskers").
    wrapped = Searcher(build_text(story.replace("Mr. Fox with", "Mr. Fox\nwith"), "wrapped"))
    assert "red whiskers" in profile(wrapped, "Mr. Fox").get("Looks", "")


def test_where_the_story_starts_is_its_first_narration_that_names_a_place() -> None:
    """ "where does the book start": the opening's first sentence that names a place, before the
    place the story is most often in, and not a line of talk."""
    story = ("Chapter 1\n\n\"Well, Prince, so the war has come,\" said Anna. It was late in July, and the speaker "
             "was Anna Scherer, a lady of the court. Anna Scherer had a cough for some days. She said the word "
             "grippe was new in Petersburg, used only by the elite.\n\n"
             "Chapter 2\n\nPierre rode to Moscow. In Moscow Pierre met Natasha, and in Moscow Natasha sang. "
             "Pierre stayed in Moscow all winter, and they danced in Moscow.\n\n"
             "Chapter 3\n\nNatasha left Moscow with Pierre in the spring, and Anna wrote to them in Moscow.\n")
    s = Searcher(build_text(story, "petersburg"))
    assert "new in Petersburg" in ask(s, "where does the book start")
    assert "new in Petersburg" in ask(s, "where does it all begin?")


def test_of_whom_and_a_list_of_names_say_nothing_of_who_someone_is() -> None:
    """ "Lestrade, of Scotland Yard" says who he is; "Lestrade, of whom she was afraid" and
    "she thought of Holmes, of Lestrade, of the fog" do not."""
    rain = " The rain fell on the roofs of the town, and the lamps burned low in the windows." * 2
    story = ("Chapter 1\n\nShe thought of Holmes, of Lestrade, of the fog and of the long night." + rain + "\n\n"
             "Lestrade, of whom she was always afraid, came into the room at nine." + rain + "\n\n"
             "\"Good evening,\" said Lestrade. \"Sit down,\" said Holmes. Holmes smiled at Lestrade.\n\n"
             "\"The fog is thick,\" said Lestrade, and Holmes lit his pipe. Lestrade waited for Holmes.\n")
    s = Searcher(build_text(story, "yard"))
    assert not profile(s, "Lestrade").get("Who"), profile(s, "Lestrade")
    told = story.replace("came into the room at nine.", "came into the room at nine. I had no difficulty in "
                         "recognising Lestrade, of Scotland Yard.")
    assert "of Scotland Yard" in profile(Searcher(build_text(told, "yard2")), "Lestrade").get("Who", "")


def test_his_in_speech_is_never_the_speakers_looks() -> None:
    """"He is a very handsome man, with his fine dark eyes," said by Tom Hale of someone else,
    is no description of Tom Hale (nor "her fine eyes", said by Ann Lee, of Ann Lee)."""
    story = ("Chapter 1\n\nTom Hale and Ann Lee walked to the mill in Milton. Tom Hale looked at the river.\n\n"
             "\"I saw him again. He is a very handsome man, with his fine dark eyes,\" said Tom Hale.\n\n"
             "\"I am afraid, Tom Hale,\" said Ann Lee, \"that you admire her fine eyes too much.\"\n\n"
             "Tom Hale laughed, and Ann Lee laughed. Tom Hale went home, and Ann Lee went home.\n")
    s = Searcher(build_text(story, "milton"))
    assert "fine dark eyes" not in profile(s, "Tom Hale").get("Looks", ""), profile(s, "Tom Hale")
    assert "her fine eyes" not in profile(s, "Ann Lee").get("Looks", ""), profile(s, "Ann Lee")
    story = story.replace("I saw him again. He is", "I saw Frank Lee again. Frank Lee is")
    s = Searcher(build_text(story + "Frank Lee came to the mill, and Frank Lee left.\n", "milton"))
    assert "fine dark eyes" in profile(s, "Frank Lee").get("Looks", ""), profile(s, "Frank Lee")  # named before it
