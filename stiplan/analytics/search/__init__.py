"""Vietnamese title search and duplicate check, pure Python: normalisation and the index."""

from stiplan.analytics.search.index import Hit, TitleIndex, shared_phrases
from stiplan.analytics.search.normalise import ABBREVIATIONS, Analysed, analyse, fold_word, normalise

__all__ = ["ABBREVIATIONS", "Analysed", "Hit", "TitleIndex", "analyse", "fold_word", "normalise",
           "shared_phrases"]
