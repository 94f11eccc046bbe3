"""text: language detection, tokens and stemming, jieba's dictionary. The bottom layer:
store, ingest and assistant import it; it imports nothing of docqa."""

from text.language import LANGUAGES, cjk_share, detect_language
from text.tokens import STOPWORDS, fold_accents, tokenize

__all__ = ["LANGUAGES", "STOPWORDS", "cjk_share", "detect_language", "fold_accents", "tokenize"]
