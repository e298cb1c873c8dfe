"""English word lists that reading a story needs (what someone looks like, how people are
related, where a story happens). Names of people, titles and speech verbs are in
bot/core/characters.py."""
from __future__ import annotations

# What someone looks like is said of these: "her wide blue eyes", "his close-cropped hair".
FEATURE_WORDS = frozenset("""
eyes eye eyebrows brows lashes hair curls locks beard moustache mustache whiskers nose lips mouth teeth chin
cheeks complexion skin face features forehead figure shoulders hands frame build
gown dress nightgown coat cloak hat bonnet waistcoat uniform boots spectacles
""".split())

# Words that tie one person to another.
RELATION_WORDS = frozenset("""
friend sire brother sister wife husband father mother son daughter lover enemy cousin uncle aunt servant master
mistress fiance fiancee fiancé fiancée sweetheart partner ally rival grandmother grandfather parent child niece
nephew stepfather stepmother stepdaughter stepson colleague companion assistant employer client maid nurse
governess guardian ward heir widow widower bride bridegroom
""".split())

# Words after which a capitalised name is a place ("in New Orleans", "at Baker Street").
SETTING_PREPOSITIONS = ("in", "at", "to", "from", "into", "near", "through", "across", "around")
