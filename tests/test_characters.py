from __future__ import annotations

import pytest

from bot.config import CharacterSetting, StorySetting
from bot.core import characters

TEXT = """Prince Andrew Bolkonski came in. Andrew smiled at Pierre and Pierre laughed.
"Well," said Prince Andrew. Pierre Bezukhov nodded. Monday came, and Andrew rode out.
On Monday Pierre wrote to Andrew. Later Prince Bolkonski said nothing, and Pierre waited.
Natasha danced; Natasha Rostova was happy, and she sang. Pierre watched Natasha, and he smiled.
When Andrew left, Pierre sighed. The river ran past Moscow. They went to Moscow in winter.
"""


def names(text: str, setting: StorySetting | None = None) -> dict[str, list[str]]:
    found, _ = characters.detect(text, 0, len(text), setting)
    return {c.name: c.aliases for c in found}


def test_variants_merge_under_one_character() -> None:
    found = names(TEXT)
    andrew = next(aliases for name, aliases in found.items() if "Andrew" in aliases)
    assert {"Prince Andrew", "Andrew Bolkonski", "Andrew"} <= set(andrew)
    assert "Pierre" in found.get("Pierre Bezukhov", []) or "Pierre" in found
    assert not any(n in found for n in ("Monday", "Well", "When", "Later", "Moscow", "The"))


def test_gender_from_titles_names_and_pronouns() -> None:
    found, _ = characters.detect(TEXT, 0, len(TEXT))
    genders = {c.name: c.gender for c in found}
    natasha = next(n for n in genders if n.startswith("Natasha"))
    assert genders[natasha] == "female"
    assert genders[next(n for n in genders if "Andrew" in n)] == "male"


def test_an_accented_given_name_has_its_usual_gender() -> None:
    text = ("Márya Dmítrievna came in. Vasíli Kurágin bowed to Márya Dmítrievna, and the guests rose.\n\n"
            "Márya Dmítrievna looked at Vasíli Kurágin. Everyone waited for Márya Dmítrievna.\n")
    found, _ = characters.detect(text, 0, len(text))
    assert {c.name: c.gender for c in found} == {"Márya Dmítrievna": "female", "Vasíli Kurágin": "male"}


def test_config_adds_epithets_and_ignores_false_characters() -> None:
    text = 'Klaus turned. The Original smiled at Caroline. "Hi," the blonde said. Klaus left with Caroline.\nKlaus and Caroline. Gold shone. Gold, said Klaus.'
    setting = StorySetting(
        name="t",
        characters=(CharacterSetting("Klaus Mikaelson", ("Klaus", "the Original"), "male"),
                    CharacterSetting("Caroline Forbes", ("Caroline", "the blonde"), "female")),
        ignore=("Gold",),
    )
    found, mentions = characters.detect(text, 0, len(text), setting)
    by_name = {c.name: c for c in found}
    assert set(by_name) == {"Klaus Mikaelson", "Caroline Forbes"}
    assert by_name["Klaus Mikaelson"].mentions == 5  # four "Klaus" and "The Original"
    assert by_name["Caroline Forbes"].mentions == 4  # three "Caroline" and "the blonde"
    first = min(s for s, _, i in mentions if found[i].name == "Caroline Forbes")
    assert text[first:].startswith("Caroline")


def test_mentions_have_exact_offsets_and_first_appearance() -> None:
    found, mentions = characters.detect(TEXT, 0, len(TEXT))
    for s, e, i in mentions:
        assert " ".join(TEXT[s:e].split()) in {found[i].name, *found[i].aliases}
    for c in found:
        assert c.first is not None and TEXT[c.first].isupper()


def test_two_names_side_by_side_are_two_people() -> None:
    text = TEXT + ("Natasha laughed, and Natasha sang again. On seeing Natasha Pierre grew animated. "
                   "When he saw Natasha Pierre smiled.\n")
    found = names(text)
    assert not any("Natasha Pierre" in [n, *aliases] for n, aliases in found.items())
    assert any(n.startswith("Natasha") for n in found) and any(n.startswith("Pierre") for n in found)


def person_of(found: dict[str, list[str]], alias: str) -> str | None:
    return next((name for name, aliases in found.items() if alias in aliases or alias == name), None)


FAMILY = """Emma Woodhouse lived at Hartfield with her father, and Emma loved him. Mr. Woodhouse worried about
the cold. "You must not go out," said Mr. Woodhouse, and Emma laughed. In the village Miss Woodhouse was a queen,
and Miss Woodhouse knew it. The next day Emma walked out; Emma met Mrs. Goddard, and Emma smiled at her.
"Thank you, Miss Woodhouse," said the shopkeeper, when Miss Woodhouse bought ribbons. At night Emma slept.
By the fire sat Mrs. Maylie, and Miss Maylie read to her; then Mrs. Maylie listened while Miss Maylie sang.
"Sing again," said Mrs. Maylie, and Miss Maylie sang again, and Mrs. Maylie smiled at Miss Maylie.
"""


def test_a_titled_surname_is_the_one_woman_it_can_be_and_miss_is_not_mrs() -> None:
    found = names(FAMILY)
    assert person_of(found, "Miss Woodhouse") == person_of(found, "Emma") == "Emma Woodhouse"
    assert person_of(found, "Mr. Woodhouse") != "Emma Woodhouse"
    assert person_of(found, "Miss Maylie") != person_of(found, "Mrs. Maylie")  # two women


PET_NAMES = """Elizabeth Bennet walked to Netherfield, and Elizabeth Bennet was muddy. "Lizzy!" cried her mother,
and Lizzy laughed, and then Lizzy ran. "Eliza Bennet is here," said Miss Bingley; at that Elizabeth smiled,
and Lizzy sat down. After dinner Mary Bennet played, and Mary played badly; Maria Lucas listened, and Maria
yawned, and Mary stopped. Later Eliza Bennet danced, and Lizzy danced again, and Mary played. So Maria went
home, and Mary Bennet sighed. "Come, Eliza Bennet," said Miss Bingley. "Yes, Lizzy," said Jane.
"""


def test_pet_names_are_the_person_they_shorten_and_two_full_names_stay_two() -> None:
    found = names(PET_NAMES)
    lizzy = person_of(found, "Lizzy")
    assert lizzy == person_of(found, "Eliza Bennet") == "Elizabeth Bennet"
    assert person_of(found, "Maria") != person_of(found, "Mary")  # "Maria" and "Mary" are two girls


def _long_story(pairs: list[tuple[str, str]], filler: str, stretches: int) -> str:
    """A story in many stretches, each with the given lines, far enough apart to count."""
    parts = []
    for n in range(stretches):
        for line in pairs:
            parts.append(line[n % len(line)] if isinstance(line, list) else line)
        parts.append(filler * 12)
    return "\n\n".join(parts)


def test_an_epithet_the_narration_gives_one_named_man_is_him() -> None:
    filler = "The rain fell on the roofs of the old town, and the lamps were lit one by one along the river. "
    lines = [['"Hush," said the Jew. Fagin rubbed his hands by the fire.',
              'Fagin counted the spoons. "Good boys," said the Jew, and Fagin smiled.'],
             ['Oliver Twist sat by the door and said nothing.', 'Oliver Twist slept on the sacks.']]
    alone = [['Oliver Twist walked by the river alone.', 'Oliver Twist looked at the ships.']]
    text = "Oliver Twist came to London.\n\n" + _long_story(lines, filler, 30) + "\n\n" + _long_story(alone, filler, 60)
    found = names(text)
    assert "the Jew" in found.get("Fagin", []), found
    assert person_of(found, "Oliver Twist") != "Fagin"


def test_two_who_always_come_together_are_still_two() -> None:
    filler = "The tea was cold and the table was long, and the clock said six as it always did there. "
    lines = [['"Have some wine," the Hatter said. The March Hare poured the tea.',
              'The March Hare laughed. "No room!" said the Hatter to the Hare and the Hatter and the March Hare sang.']]
    found = names(_long_story(lines, filler, 30))
    hatter = person_of(found, "the Hatter")
    assert hatter is not None and hatter != person_of(found, "Hare")


NOT_PEOPLE = """James McCarthy stood by the pool. "Father!" cried James McCarthy, and McCarthy ran. The
Cossack rode past; a Cossack shouted, and the Cossack laughed. The Uhlans charged, and an Uhlan fell, and the
Uhlans fled. They reached Bald Hills at night. At Bald Hills the old prince waited, and Bald Hills was dark.
The wedding was at the Church of St. Monica; they drove to St. Monica, and St. Monica was full. McCarthy
said nothing, and James McCarthy wept. A photograph of Irene Adler lay there; Holmes spoke of Irene Adler,
and a letter to Irene Adler came. "She is Irene Adler," said Holmes, and Holmes smiled. Holmes slept, and
Irene Adler sang at the opera, where Irene Adler was the star, and Irene Adler smiled at the King.
"Pa will be angry," said Irene Adler. Pa said nothing; Pa frowned. "The Saviour is with us," said Holmes,
and the Saviour was praised. "That Antichrist!" cried Holmes; Antichrist, said the King.
"""


def test_places_peoples_and_churches_are_not_people_and_mc_names_are() -> None:
    found = names(NOT_PEOPLE)
    assert person_of(found, "McCarthy") == "James McCarthy"
    assert "Irene Adler" in found  # "of Irene Adler" is of a person
    for word in ("Cossack", "Uhlans", "Uhlan", "Hills", "Bald Hills", "St. Monica", "Pa", "Saviour", "Antichrist"):
        assert person_of(found, word) is None, word


def test_a_titled_surname_is_the_one_full_name_whose_given_name_is_never_said_alone() -> None:
    text = """Lord Robert St. Simon wrote to Holmes. Lord St. Simon was late; at noon Lord St. Simon came, and
Lord St. Simon sat down. "My wife has gone," said Lord St. Simon. Holmes looked at Lord St. Simon, and Lord
St. Simon sighed.""" + " Lord St. Simon paced, and Lord St. Simon waited." * 4 + """
John Knightley came; John was cross, and John laughed, and John Knightley left.
""" + "At Donwell Mr. Knightley read, and Mr. Knightley walked, and Mr. Knightley smiled at Emma.\n" * 9
    found = names(text)
    assert person_of(found, "St. Simon") == person_of(found, "Robert St. Simon")
    assert person_of(found, "Mr. Knightley") != person_of(found, "John Knightley")  # "John" is said alone


def test_the_author_is_no_character_and_a_pet_name_is_not_another_bare_name(tmp_path) -> None:
    from bot.core import index, loader

    text = """THE LIZARD

by William Makepeace

Alice saw Bill the lizard on the roof. "Hullo, Bill!" said Alice, and Bill fell down the chimney. Then
Alice sang of Father William, and Father William stood on his head. "You are old, Father William," sang
Alice, and Bill laughed. William the Conqueror was long dead, said the Mouse. Bill sat by Alice.

Copyright William Makepeace; printed for William Makepeace.
"""
    import dataclasses

    story = dataclasses.replace(loader.from_text(text, "lizard"), author="William Makepeace")
    ix = index.build(story)
    found = {c.name: c.aliases for c in ix.characters}
    assert person_of(found, "William Makepeace") is None
    assert person_of(found, "Bill") != person_of(found, "William")


def test_a_given_name_that_is_also_a_word_and_a_pet_name_spelt_another_way() -> None:
    text = ("The sun rose over the town; the old man rose slowly, and the smoke rose again, and the price rose. "
            "By the window sat Rose Maylie. \"Come,\" said Rose. Harry watched Rose, and Rose smiled. "
            "Then Miss Maylie rang. Oliver saw Rose Maylie laugh, and Harry Maylie sighed, and Harry left.\n"
            "In came Charles Bates. \"Wipes,\" said Charley Bates. Master Bates laughed; Charley Bates ran. "
            "Master Bates hid, and Master Bates grinned, and so did Charles Bates.\n")
    found = names(text)
    rose = person_of(found, "Rose Maylie")
    assert rose is not None and person_of(found, "Rose") == rose == person_of(found, "Miss Maylie")
    assert person_of(found, "Harry Maylie") != rose
    bates = person_of(found, "Charley Bates")
    assert bates is not None and person_of(found, "Charles Bates") == bates == person_of(found, "Master Bates")


def test_a_tie_between_two_forms_names_the_person_the_same_way_every_run() -> None:
    text = "Holmes sat down. " + "\"Yes,\" said Mr. Hatherley. \"No,\" said Hatherley, and Holmes nodded. " * 4
    found = names(text)
    assert "Mr. Hatherley" in found and "Hatherley" in found["Mr. Hatherley"]


def test_a_name_two_people_share_is_the_one_whose_family_is_on_stage() -> None:
    filler = "The snow lay deep on the road, and the sledges went slowly past the frozen fields and the mill. "
    rostovs = [['Nicholas rode home with Natásha Rostóva, and Nicholas laughed when Count Ilyá Rostóv met them.',
                'Rostóv drew his sabre. Nicholas Rostóv had never been so happy, and Natásha Rostóva sang.',
                'Nicholas kissed Sónya Rostóva. "Welcome home," said the old count, and Rostóv bowed.']]
    bolkonskis = [['Prince Andrew Bolkónski walked in the garden with old Prince Nicholas Bolkónski.',
                   'Prince Nicholas Bolkónski scolded Princess Mary Bolkónskaya, and Prince Andrew Bolkónski frowned.']]
    text = ("Nicholas Rostóv came home from the war.\n\n" + _long_story(rostovs, filler, 30) + "\n\n"
            + _long_story(bolkonskis, filler, 12))
    found = names(text)
    young = person_of(found, "Nicholas Rostóv")
    assert young and person_of(found, "Nicholas") == young and person_of(found, "Rostóv") == young, found
    assert person_of(found, "Prince Nicholas Bolkónski") != young


def test_a_saints_name_in_a_surname_and_a_church_named_for_a_saint() -> None:
    text = ("Mr. Neville St. Clair went to the City every day. Mrs. St. Clair waited at the station, and "
            "Mrs. St. Clair saw her husband at a window. \"Neville!\" cried Mrs. St. Clair. Neville St. Clair "
            "had vanished. Mr. St. Clair had said nothing of it to Mrs. St. Clair. Sir George Burnwell came "
            "to the bank; George Burnwell smiled, and George Burnwell left. They were married at St. George's, "
            "Hanover Square, and St. George's was full.\n")
    found = names(text)
    assert "Mrs. St" not in found and "Mr. St" not in found, found
    assert person_of(found, "Mrs. St. Clair") not in (None, person_of(found, "Neville St. Clair")), found
    assert person_of(found, "St. George") != person_of(found, "George Burnwell"), found


def test_a_role_many_people_fill_is_no_character_and_a_nickname_is_one() -> None:
    filler = "The regiment marched along the muddy road past the burnt villages and the empty fields. " * 250
    episodes = []
    for n in range(12):
        episodes.append('"Halt!" said the porter. "Who goes there?" said the porter again. Anna Petrova waited.')
        if n < 2:
            episodes.append('"Tea?" said the Hatter. "No room!" said the Hatter, and Anna Petrova laughed. '
                            '"Why?" said the Hatter.')
        episodes.append(filler)
    found = names("\n\n".join(episodes))
    assert "the porter" not in found, found  # a different porter at each halt
    assert "the Hatter" in found and "Anna Petrova" in found, found


def test_an_old_spelling_of_a_name_is_the_same_person() -> None:
    text = ("Napoleon Bonaparte crossed the river. Bonaparte smiled, and Napoleon rode on; Bonaparte waved. "
            "\"That Buonaparte!\" said Anna Pavlovna. \"Buonaparte is a monster,\" said Anna Pavlovna, and "
            "Buonaparte was cursed. Napoleon laughed. Katerina sang, and Katarina Ivanovna danced.\n")
    found = names(text)
    assert person_of(found, "Buonaparte") == "Napoleon Bonaparte", found


def test_another_form_of_a_given_name_said_with_her_surname_is_her() -> None:
    text = ("Anastasia Orlova came in. Anastasia laughed, and Anastasia sang by the window. "
            "\"Anastasie!\" said Prince Boris. \"Dear Anastasie,\" said Prince Boris, \"Anastasie Orlova "
            "is the best of us.\" Anastasie smiled. Anastasia Orlova danced and Anastasia waved. "
            "Prince Boris spoke of Anastasie Orlova again. Anastasia went home.\n"
            "Maria Belova sat alone. Marianne wrote to Maria, and Marianne wept; Marianne was tired.\n")
    found = names(text)
    # The French form, said with her surname, is her; a name begun alike but never said with
    # that surname is someone else.
    assert person_of(found, "Anastasie") == person_of(found, "Anastasia Orlova"), found
    assert person_of(found, "Marianne") != person_of(found, "Maria Belova"), found


def test_a_title_said_alone_is_one_person_unless_the_book_puts_it_before_names() -> None:
    court = ('"Off with her head!" said the Queen. Alice looked at the Duchess. "Not yet," said the King, '
             'and the Queen frowned. "Nonsense," said the Duchess. "Silence!" said the King. The King smiled. '
             '"Who is this?" said the Queen. "A child," said the Duchess. "Then sing," said the King. ')
    found = names(court * 2)
    assert {"the Queen", "the King", "the Duchess"} <= set(found), found
    # Where the title comes before names ("Countess Rostova", "Countess Bezukhova"), "the Countess"
    # is one of them, not a person of her own.
    salon = ('"Come in," said the Countess. Countess Rostova smiled at Natasha. "Sit," said the Countess. '
             'Countess Bezukhova laughed. "Tea?" said the Countess, and Natasha sat down. ')
    assert "the Countess" not in names(salon * 2)
    # Nor where two people hold it ("the Duchess of Harley", then "the Duchess of Monmouth").
    dinners = ('The Duchess of Harley came to dinner. "Dear me," said the duchess. "Quite," said the duchess. '
               '"Oh!" said the duchess. Much later the Duchess of Monmouth came. "Well," said the duchess. ')
    assert "the duchess" not in names(dinners * 2)


def test_a_one_word_name_mostly_said_with_the_same_word_before_it_is_shown_so() -> None:
    tea = ('"Have some wine," the March Hare said. Alice looked round. "There isn\'t any," said Alice. '
           'The March Hare laughed, and Hare was pleased. "Then it wasn\'t civil," said the March Hare. ')
    found = names(tea * 3)
    assert "the March Hare" in found and "Hare" not in found, found
    assert person_of(found, "Hare") == "the March Hare"


def test_a_pet_name_of_the_other_sex_does_not_decide_the_gender() -> None:
    """"Dell" is a man's name; "Della", called "Dell" by her husband, is a woman."""
    text = ("Della counted the money. \"Dell,\" said Jim, \"where is the chain?\" Della smiled at Jim. "
            "Jim looked at Della, and Della laughed. \"Dell, my girl,\" said Jim. Della cried. ")
    setting = StorySetting(name="t", characters=(CharacterSetting("Della", ("Dell",)),))
    found, _ = characters.detect(text, 0, len(text), setting)
    della = next(c for c in found if c.name == "Della")
    assert "Dell" in della.aliases and della.gender == "female", (della.aliases, della.gender)


def test_a_saints_name_said_with_s_is_a_church_not_a_person() -> None:
    text = ("Isa Whitney studied at the College of St. George’s for years. The wedding was at St. George’s, "
            "Hanover Square, and St. George’s was full. Isa Whitney smiled. Whitney said nothing, and Isa Whitney "
            "left. The bells of St. George’s rang, and Whitney wept.\n")
    found = names(text)
    assert "Isa Whitney" in found and person_of(found, "St. George") is None, found


def test_the_text_outweighs_a_given_name_of_the_other_sex() -> None:
    """A man whose given name the name tables call a woman's ("Evelyn"), and whom the story
    calls by a title that says no sex ("Major Baxter"): sixteen times the text says "he" where
    only he is named, six times "she" (a woman beside him, unnamed). The text decides: a man."""
    he = ("Evelyn Baxter rode out at dawn, and he watched the road. He said nothing to the guard.\n\n"
          "Major Baxter came back at noon, and he sat by the fire, then he slept.\n\n")
    she = "Evelyn Baxter stood by the door; she came in from the rain, and she smiled at him.\n\n"
    text = he * 2 + she * 3 + he * 2
    found, _ = characters.detect(text, 0, len(text))
    baxter = next(c for c in found if "Evelyn Baxter" in [c.name, *c.aliases])
    assert baxter.gender == "male", (baxter.name, baxter.aliases, baxter.gender)


def test_a_word_before_a_shared_title_singles_one_person_out() -> None:
    """The book puts "Princess" before names ("Princess Mary", "Princess Anna"), so "said the
    princess" is one of them; "said the little princess", again and again, is one person."""
    salon = ('Princess Mary came in with Princess Anna. "I have brought my work," said the little princess, '
             'and Princess Mary smiled. "Sit here," said Princess Anna. "How kind," said the little princess. '
             '"Tea?" said the princess. Princess Mary poured it. "Thank you," said the little princess. ')
    found = names(salon * 2)
    assert "the little princess" in found, found
    assert "the princess" not in found, found


def test_a_rank_said_with_a_word_before_it_is_one_person_all_through_the_book() -> None:
    """ "the old prince" comes back in every part of a long book and is still one man (where
    "the commander" would be many), and his title says he is a man; "the Queen" is a woman."""
    filler = "The snow lay deep on the avenue, and the lime trees stood black against the sky. " * 260
    episode = ('Princess Mary came down to dinner. "Sit down," said the old prince. Princess Mary sat. '
               '"Eat," said the old prince. "And the war?" said the old prince, and Princess Mary wept.\n\n')
    text = "".join(episode + filler + "\n\n" for _ in range(11))
    found, _ = characters.detect(text, 0, len(text))
    prince = next((c for c in found if c.name == "the old prince"), None)
    assert prince is not None and prince.gender == "male", [(c.name, c.gender) for c in found]
    court = ('"Off with her head!" said the Queen. Alice looked at the King. "Not yet," said the King, '
             'and the Queen frowned. "Silence!" said the King. "Who is this?" said the Queen. ')
    found, _ = characters.detect(court * 2, 0, len(court * 2))
    assert {c.name: c.gender for c in found}.get("the Queen") == "female", [(c.name, c.gender) for c in found]


def test_a_bare_surname_is_the_one_man_of_the_family_however_often_its_women_are_named() -> None:
    text = ("John Turner owned the farm by the pool, and John Turner was rich. Miss Turner walked to the town, "
            "and Miss Turner came back at noon. \"Father is ill,\" said Miss Turner. Miss Turner wept, and Miss "
            "Turner wrote to Holmes. Mr. Turner had been in Australia; Turner said nothing of it. \"I will not,\" "
            "said Turner. Mr. John Turner rode out, and Mr. Turner came back. Miss Turner waited. Turner came "
            "back at dusk, and Turner was tired. John Turner slept, and Mr. Turner woke at noon.\n")
    found = names(text)
    assert person_of(found, "Turner") == "John Turner"
    assert person_of(found, "Miss Turner") != "John Turner"


def test_a_titled_full_name_said_once_in_a_long_book_gives_her_given_name() -> None:
    filler = "The rain fell on the hills, and the river ran on past the mill and the old church. " * 4000
    scenes = ("Miss Hunter came to the house, and Miss Hunter sat down. \"I am here,\" said Miss Hunter. "
              "Mrs. Martin smiled, and Mrs. Martin poured the tea. \"Come in,\" said Mrs. Martin. "
              "Miss Bennet sighed; Miss Bennet read on. ")
    text = filler + scenes * 8 + ("As to Miss Violet Hunter, she is now the head of a school. Mrs. Robert Martin "
                                  "came to call. ") + filler
    found = names(text)
    assert {"Violet Hunter", "Miss Violet Hunter"} <= set(found[person_of(found, "Miss Hunter")])
    # Not where the given name is a man's: his wife, not his mother.
    assert "Mrs. Robert Martin" not in found[person_of(found, "Mrs. Martin")]


def test_a_feast_day_is_no_one() -> None:
    text = ("On Whit Monday the village went to the fair, and Whit Monday was fine. Tom Hale sold his cart at "
            "Michaelmas, and Michaelmas came round again. \"It will rain at Midsummer,\" said Tom Hale. "
            "At Midsummer Tom rode out, and Whit Monday came again with a band.\n")
    found = names(text)
    assert not any(w in " ".join([n, *a]) for n, a in found.items() for w in ("Whit", "Michaelmas", "Midsummer")), found
    assert person_of(found, "Tom Hale")


def test_an_old_exclamation_is_no_one() -> None:
    text = ('"Lor bless her dear heart, no!" interposed the nurse, and Mrs. Thingummy shook her head. '
            '"Lor bless her dear heart, when she has lived as long as I have," said Mrs. Thingummy. '
            '"Lor, only think," said the nurse to Mrs. Thingummy. "Oh, Lor!" cried the girl. '
            '"Lor!" said the boy, reflectively. "Lor, how nice it is," said Mrs. Thingummy.\n')
    found = names(text * 2)
    assert "Mrs. Thingummy" in found and "Lor" not in found, found


def test_a_name_that_only_leans_to_one_sex_takes_it_where_the_text_agrees() -> None:
    text = ("Mary came down to breakfast. Mary looked at the letter, and she smiled.\n\n"
            "Tonie rowed the boat across the bay. Everyone waited for Tonie at the wharf.\n\n"
            "Mary read aloud to the others. Tonie said nothing.\n")
    found, _ = characters.detect(text, 0, len(text))
    # "Mary" is mostly a woman's name, and "she" agrees; nothing here says what Tonie is.
    assert {c.name: c.gender for c in found} == {"Mary": "female", "Tonie": None}


def test_a_lady_is_not_the_miss_of_her_family_and_a_mans_name_is_not_his_wifes() -> None:
    text = ("Lady Catherine de Bourgh sat in state, and Lady Catherine spoke. \"You are too young,\" said Lady "
            "Catherine de Bourgh. Beside her sat Miss de Bourgh, pale and sickly; Miss de Bourgh said nothing. "
            "Lady Catherine frowned, and Miss de Bourgh coughed. \"Anne is tired,\" said Lady Catherine, and Miss "
            "de Bourgh went out. Lady Catherine de Bourgh rang the bell.\n"
            "James brought the carriage round, and James waited. \"The horses are ready,\" said James. Mrs. James "
            "Cooper called in the morning. James drove them home, and James fed the horses.\n")
    found = names(text)
    assert person_of(found, "Lady Catherine") == "Catherine de Bourgh"
    assert person_of(found, "Miss de Bourgh") not in (None, "Catherine de Bourgh")  # her daughter
    assert person_of(found, "Mrs. James Cooper") != person_of(found, "James")  # his namesake's wife, not James


@pytest.mark.parametrize("text, word, people", [
    # A capitalised word asked about after "what" is a thing.
    ("Anna fell a long way. ‘I wonder what Latitude or Longitude I’ve got to?’ said Anna. "
     "(Anna had no idea what Latitude was, but thought it a nice grand word to say.) "
     "Tom laughed at Anna, and Tom looked down the well.\n", "Latitude", {"Anna", "Tom"}),
    # "The Tugendbund is ..." at a sentence's start is said with "the": a society.
    ("Pierre spoke of the Tugendbund. “The Tugendbund is an alliance of virtue,” said Pierre. "
     "“The Tugendbund is all very well for the Germans,” said Denisov. Pierre laughed, and Denisov frowned. "
     "The Tugendbund was German. Denisov looked at Pierre.\n", "Tugendbund", {"Pierre", "Denisov"}),
])
def test_words_that_are_no_person(text: str, word: str, people: set[str]) -> None:
    found = names(text)
    assert word not in found and people <= set(found), found


def test_someone_spoken_to_is_a_person_not_a_place() -> None:
    """"said Tom to Mary" and "Hello Mary,": Mary is someone, though the story only ever names
    her after "to" or in a greeting; the scene is Tom and Mary's, not "Tom in Mary"."""
    from conftest import build_text

    ix = build_text("The kitchen was warm and the kettle sang on the stove.\n\n"
                    + "".join(f'"The bread is ready," said Tom to Mary. "Hello Mary," said Tom {n} times.\n\n'
                              for n in ("two", "three", "four")), "kitchen")
    assert {"Tom", "Mary"} <= {c.name for c in ix.characters}, ix.characters
    assert "Mary" in ix.scenes[0].characters and "in Mary" not in ix.scenes[0].title, ix.scenes[0]


def test_a_title_one_person_bears_in_their_story_is_a_person_though_another_story_names_another() -> None:
    """A collection: "the King of Bohemia" speaks in his story ("cried the King"); a king of
    elsewhere named in passing stories later does not make "the King" a title many bear."""
    from conftest import build_text

    filler = "The fog lay thick on the river, and the lamps of the city burned all night. " * 800
    ix = build_text("I. THE KING\n\nThe King of Bohemia came into the room and Holmes rose to meet him.\n\n"
                    + "".join(f"“I must have the {w} letter back,” cried the King. Holmes nodded to Watson.\n\n"
                              for w in ("old", "torn", "stolen", "secret"))
                    + "II. THE CLERK\n\n" + filler + "\n\nThe clerk had once served the King of Scandinavia.\n\n"
                    + "“It was a long time ago,” said Watson to Holmes.\n", "kings")
    assert "the King" in {c.name for c in ix.characters}, [c.name for c in ix.characters]


def test_a_description_that_answers_to_a_name_goes_by_the_name() -> None:
    """"Gladys, ..." said to her, answered each time by "said the duchess": one person, shown
    as Gladys (her name), not as "the duchess"."""
    from conftest import build_text

    text = "".join(f"“Gladys, the {w} roses are out in the garden,” said Henry Wotton to her.\n\n"
                   "“Then we shall walk there after tea,” said the duchess, and the duchess smiled at Henry Wotton.\n\n"
                   for w in ("red", "white", "yellow", "wild", "tall", "old"))
    ix = build_text(text + "Henry Wotton sat down, and Gladys laughed. Then Gladys sighed, and Henry Wotton rose, "
                    "and Gladys went out.\n", "duchess")
    names = {c.name: c.aliases for c in ix.characters}
    assert "Gladys" in names and "the duchess" in names["Gladys"], names


def test_a_title_two_people_bear_where_each_speaks_is_no_one_person() -> None:
    """The Duchess of Harley speaks at one dinner, the Duchess of Monmouth at another far
    later: "said the duchess" is each of them in turn, not one person."""
    from conftest import build_text

    filler = "The fog lay thick on the river, and the lamps of the city burned all night. " * 800
    def dinner(who: str) -> str:
        return (f"Opposite sat the Duchess of {who}, and Henry Wotton bowed to her.\n\n"
                + "".join(f"“The {w} soup is cold,” said the duchess. Henry Wotton laughed.\n\n"
                          for w in ("pea", "fish", "green", "brown")))
    ix = build_text("I. THE FIRST DINNER\n\n" + dinner("Harley") + filler + "\n\nII. THE SECOND DINNER\n\n"
                    + dinner("Monmouth"), "dinners")
    assert "the duchess" not in {c.name for c in ix.characters}, [c.name for c in ix.characters]


def test_a_description_is_found_by_its_fuller_forms() -> None:
    """"The Cheshire Cat" and "the Queen of Hearts", each said twice, are names of the Cat and
    the Queen: `/character cheshire cat` finds the Cat."""
    from conftest import build_text
    from bot.core.search import Searcher

    tale = "".join(f"“The {w} tarts are gone,” said the Queen. “Not I,” said the Cat. Alice Lee laughed.\n\n"
                   for w in ("red", "jam", "plum", "hot"))
    ix = build_text("The Cheshire Cat sat in the tree, and the Queen of Hearts walked below.\n\n" + tale
                    + "Alice Lee looked up at the Cheshire Cat, and then at the Queen of Hearts.\n", "tarts")
    names = {c.name: c.aliases for c in ix.characters}
    assert "the Cheshire Cat" in names["the Cat"] and "the Queen of Hearts" in names["the Queen"], names
    assert Searcher(ix).resolve_character("cheshire cat")[0] == "the Cat"
    two = build_text(tale + "The Red Queen sat, the Red Queen rose, the Red Queen walked, the Red Queen ran, and the Red Queen spoke. The White Queen "
                     "wept, and the White Queen laughed.\n", "queens")
    assert not [a for c in two.characters for a in c.aliases if "Red" in a or "White" in a], \
        [(c.name, c.aliases) for c in two.characters]  # two queens, each said of more than once


def test_a_surname_that_is_also_a_word_is_a_name_when_said_in_full_again_and_again() -> None:
    """"Jonathan Small", said in full five times, is a person, and "said Small" is him, though
    "small" is an everyday word (a small boat, the small hours)."""
    from conftest import build_text

    told = "".join(f"The {w} boat was small, the small hours were cold, and Jonathan Small watched the river.\n\n"
                   for w in ("first", "second", "third", "fourth", "fifth"))
    ix = build_text("Holmes Carter lit his pipe.\n\n" + told
                    + "“The treasure is mine,” said Small. “It is not,” said Holmes Carter.\n\n"
                      "“I have waited years,” said Small to Holmes Carter.\n", "small")
    small = next((c for c in ix.characters if c.name == "Jonathan Small"), None)
    assert small is not None and "Small" in small.aliases, [(c.name, c.aliases) for c in ix.characters]
    assert [ix.characters[d.speaker].name if isinstance(d.speaker, int) else d.speaker
            for d in ix.dialogue][0] == "Jonathan Small"
