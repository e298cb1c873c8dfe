from __future__ import annotations

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
