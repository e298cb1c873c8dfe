"""Questions, keywords and names -> ranked passages, scenes and quotes.

Answering is staged, a module a stage:

- ``terms``: text -> index terms (words, lemmas, stems, phrases), for stories and questions alike;
- ``lexicon``: the story's own words and names up to a reader's horizon;
- ``question``: what a question asks (kind, characters, speaker, the kind of word an answer holds);
- ``retrieval``: BM25 over passages and sentence windows, who is named and speaks in each;
- ``signals``: what a question points to beyond its words, each signal one unit;
- ``rerank``: the answer model over the best candidates (bot/core/ranker.py);
- ``quotes``: the sentences a person reads out of the winning passage;
- ``confidence``: whether to say the answer is sure;
- ``scenes`` and ``lines``: scene search and random quotes;
- ``searcher``: the Searcher, which builds the indexes once and runs the stages;
- ``weights``: every weight and size, in one frozen object.
"""
from bot.core.search.quotes import QUOTE_MAX, SAY_MAX, UNIT_MAX, aloud, utterances
from bot.core.search.question import Question
from bot.core.search.results import Answer, AskResult, Quote, SceneHit
from bot.core.search.scenes import numbered
from bot.core.search.searcher import FORMAT, Searcher
from bot.core.search.terms import analyse, fold, pairs, term, warm, words
from bot.core.search.weights import WEIGHTS, Weights

__all__ = ["FORMAT", "QUOTE_MAX", "SAY_MAX", "UNIT_MAX", "WEIGHTS", "Answer", "AskResult", "Question", "Quote",
           "SceneHit", "Searcher", "Weights", "aloud", "analyse", "fold", "numbered", "pairs", "term", "utterances", "warm",
           "words"]
