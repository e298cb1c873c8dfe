"""English word lists that reading a story needs (what someone looks like, how people are
related, where a story happens). Names of people, titles and speech verbs are in
bot/core/characters.py."""
from __future__ import annotations

import re

# Contractions as people type them in a chat, without the apostrophe ("why hes going", "cant
# stand his wife"): function words, so no word of what is asked. (Not "ill", "hell", "shell",
# "were" or "id": words of their own.)
CHAT_CONTRACTIONS = frozenset("""
hes shes im ive youre youve youll theyre theyve weve dont doesnt didnt cant couldnt wont wouldnt
shouldnt isnt wasnt arent werent havent hasnt hadnt thats whats wheres whos hows whys theres heres aint
""".split())

# What may open a sentence before its first real word: quote marks, a bracket, a joining word
# ("And she said", "“Then he").
SENTENCE_OPENING = re.compile(r"[\s(“\"‘']*(?:(?:and|but|then|so|now|yet)\s+)?", re.IGNORECASE)

# Nouns for a person that tell their gender ("said his wife", "a stout young man").
NOUN_GENDER = {
    "wife": "female", "woman": "female", "girl": "female", "lady": "female", "mother": "female",
    "sister": "female", "aunt": "female", "daughter": "female", "mistress": "female", "blonde": "female",
    "widow": "female", "maid": "female", "mamma": "female", "mama": "female",
    "husband": "male", "man": "male", "boy": "male", "gentleman": "male", "father": "male",
    "brother": "male", "uncle": "male", "son": "male", "papa": "male",
    "fellow": "male", "lad": "male", "youth": "male",
}
# Of those, the ones that say nothing but who someone is: "a stout young man", "this girl".
PERSON_NOUNS = frozenset("man woman girl lady boy gentleman fellow lad youth".split())
# Nouns that end like an adverb: "the coachman impatiently" ends before its adverb, "the family" does not.
NOUNS_IN_LY = frozenset("family ally bully lily belly jelly folly fly holly dolly molly polly sally".split())

# What someone wears: "her elegant nightgown slightly askew".
GARMENT_WORDS = frozenset("""
gown dress nightgown coat cloak hat bonnet waistcoat uniform boots spectacles shawl petticoat apron cap gloves
veil robe frock jacket trousers breeches
""".split())

# What someone looks like is said of these: "her wide blue eyes", "his close-cropped hair".
FEATURE_WORDS = frozenset("""
eyes eye eyebrows brows lashes hair curls locks ringlets beard moustache mustache whiskers nose lips mouth teeth chin
cheeks complexion skin face features forehead figure shoulders hands frame build
""".split()) | GARMENT_WORDS

# Features that are one thing to a reader asking about it: "her blond curls" is her hair.
SAME_FEATURE = {"curl": "hair", "lock": "hair", "ringlet": "hair", "eyebrow": "brow", "mustache": "moustache"}

# Words that say what someone's build or looks are, after "she was": "She was short, plump, and fair".
BUILD_WORDS = frozenset("""
tall short stout thin plump fair dark handsome pretty beautiful plain slender lean fat stoutish portly
heavily-built broad-shouldered sickly pale ugly comely
""".split())

# Words that tie one person to another.
RELATION_WORDS = frozenset("""
friend sire brother sister wife husband father mother son daughter lover enemy cousin uncle aunt servant master
mistress fiance fiancee fiancé fiancée sweetheart partner ally rival grandmother grandfather parent child niece
nephew stepfather stepmother stepdaughter stepson colleague companion assistant employer client maid nurse
governess guardian ward heir widow widower bride bridegroom
""".split())

# Who someone is married to ("Pierre's wife, Hélène"), and the words before it that say the
# marriage is not yet ("his future wife", "his approaching marriage").
SPOUSE_WORDS = frozenset("wife husband widow widower bride bridegroom".split())
NOT_YET_WED = frozenset("future intended affianced betrothed prospective would-be approaching coming proposed".split())

# Words after which a capitalised name is a place ("in New Orleans", "at Baker Street").
SETTING_PREPOSITIONS = ("in", "at", "to", "from", "into", "near", "through", "across", "around")

# Rooms a scene's "the room" may be, where the scene names one ("the drawing room", "the bar").
ROOM_NOUNS = frozenset("room bar ballroom bedroom chamber kitchen library office parlor parlour salon study studio".split())

# Small words that begin a surname: "de Bourgh", "van Helsing".
SURNAME_PARTICLES = frozenset("de du van von der la le da di del della ter ten".split())

# Words that end a place's name: "Bald Hills", "Hatherley Farmhouse", "Baker Street" name no one
# (and a name typed before one in a question is the place's: "who came to baker street").
PLACE_NOUNS = frozenset("""
Street Road Square House Park Court Place Avenue Hotel College Bridge River Lake Mount Station
Hills Heights Redoubt Farmhouse Farm Manor Abbey Castle Palace Cathedral Church Chapel Gardens
Lane Terrace Crescent Valley Mountains Forest Heath Inn Tavern Hospital Prison Gate Gates
Cottage Market Bay Island Isle Cape Harbour Harbor Port Canal Quay Wharf Barracks Fort Redoubts
""".split())

# Heads of a description in a speech tag that do not say who speaks: "said the other", "replied
# the latter", "after a time exclaimed".
NOT_SOMEONE = frozenset("""
other others latter former first second third last rest one two three same whole next answer reply words
question time moment while minute little tone whisper pause laugh smile sigh look glance bow word length once few
""".split())

# Words that end a description before what follows it: "a looker-on from the window".
LINK_WORDS = frozenset("""
from to at on by as and but or for into over under after before then who which that upon across through
""".split())

# Amounts: "how much" is answered by a sum ("£ 120 a year", "Twenty dollars", "forty-three
# thousand"), "how old" by an age, "how far" by a distance... (bot/core/search/signals.py, quantity).
NUMBER_WORDS = """
two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen
nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million dozen score
""".split()
ORDINAL_WORDS = """
first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth
fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth fortieth fiftieth sixtieth
""".split()
QUANTITY_UNITS = {
    "much": """dollar cent pound shilling penny pence guinea sovereign franc ruble rouble kopek copeck crown florin
               thaler ducat louis""".split(),
    "far": "mile verst yard league pace kilometre kilometer furlong".split(),
    "tall": "foot feet inch yard metre meter high tall".split(),
    "long": "minute hour day week month year night fortnight".split(),
}
QUANTITY_UNITS["high"] = QUANTITY_UNITS["big"] = QUANTITY_UNITS["tall"]

# Regular past forms simplemma reads as another word's ("longed" -> "longe", "thanked" ->
# "thanke"): the verb each is. Found by comparing simplemma with a part-of-speech-aware
# lemmatiser (lemminflect) over every "-ed" word of the corpora, the PDNC novels and the seed;
# lemminflect itself is not a dependency (its tables add 0.4 s and 45 MB to a cold index).
VERB_LEMMA_FIXES = {
    "annexe": "annex", "assaile": "assail", "blowe": "blow", "deposite": "deposit", "develope": "develop",
    "drenche": "drench", "envelope": "envelop", "fixe": "fix", "guarde": "guard", "longe": "long", "mixe": "mix",
    "prefixe": "prefix", "smoothe": "smooth", "thanke": "thank", "unfolde": "unfold", "winge": "wing",
}
