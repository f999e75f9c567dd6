"""The one text layer: sentences, words, stop words, stems, transliteration, language.

Used by chunking, the lexical index, the extractive answerer and the claim checker alike, so that
they agree on what a sentence, a word and a name are."""

from index.text.script import (
    CYRILLIC,
    LANGUAGE_NAMES,
    detect_language,
    has_cyrillic,
    is_russian,
    language_name,
)
from index.text.sentences import paragraphs, sentence_spans, split_sentences
from index.text.tokens import (
    QUESTION_STOP_WORDS,
    STOP_WORDS,
    content_stems,
    index_words,
    sound_keys,
    stem,
    stem_pairs,
    words,
)
from index.text.translit import (
    NAME_PREFIX,
    cross_tokens,
    normalize_numbers,
    phonetic_key,
    sound_key,
    to_latin,
)

__all__ = [
    "CYRILLIC",
    "LANGUAGE_NAMES",
    "NAME_PREFIX",
    "QUESTION_STOP_WORDS",
    "STOP_WORDS",
    "content_stems",
    "cross_tokens",
    "detect_language",
    "has_cyrillic",
    "index_words",
    "is_russian",
    "language_name",
    "normalize_numbers",
    "paragraphs",
    "phonetic_key",
    "sentence_spans",
    "sound_key",
    "sound_keys",
    "split_sentences",
    "stem",
    "stem_pairs",
    "to_latin",
    "words",
]
