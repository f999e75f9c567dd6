"""Words, stop words and stems (Snowball via PyStemmer, Russian or English by script).

Two tokenisations, on purpose: `index_words` splits digits from letters and joins number groups
(what the lexical index and BM25 need: "12,5" and "1 000" are one token), `words` keeps
hyphenated and apostrophised words whole (what the answerer compares: "штаб-квартира")."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from index.text.script import has_cyrillic
from index.text.translit import normalize_numbers, sound_key

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
INDEX_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)

# Function words of both languages: left out of the lexical index and the name keys.
_STOP_TEXT = """a an the of in on at to for from by with and or but is are was were be been being
    do does many much did what which who whom whose when where why how that this these those it its
    as into than then there their they them he she his her i you we our your not no yes can could
    would should will shall may might must has have had about after before over under between during
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
    него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней
    для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем
    всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
    них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
    такой им более всегда конечно всю между каком какие каких какое какую каким сколько почему
    зачем"""
# More words a question or claim is made of without naming its content ("what is X called",
# "в каком году"): left out when the answerer and the claim checker compare content words.
_QUESTION_TEXT = """all also any called down each him just kind me more most my name named only
    other out own s same so some such t too type up very year years
    год года году лет каков какова каково какого которая которое которые который называется
    называют чей чьи чья является являются"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
QUESTION_STOP_WORDS = STOP_WORDS | frozenset(_QUESTION_TEXT.split())


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(lang)


def stem(word: str) -> str:
    """Snowball stem of a lower-cased word: Russian for Cyrillic, English otherwise."""
    return _stemmer("russian" if has_cyrillic(word) else "english").stemWord(word)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (hyphenated words whole)."""
    return [w.lower() for w in WORD.findall(text)]


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (question stop words dropped), in order."""
    return [
        stem(w) for w in words(text) if w not in QUESTION_STOP_WORDS and (len(w) > 1 or w.isdigit())
    ]


def index_words(text: str) -> list[str]:
    """Index tokens: lower-case, ё as е, number groups joined, stop words dropped."""
    text = normalize_numbers(text).lower().replace("ё", "е")
    return [w for w in INDEX_WORD.findall(text) if w not in STOP_WORDS]


def stem_pairs(text: str) -> list[tuple[str, str]]:
    """(word, stem) of every index token; numbers are their own stem."""
    return [(w, w if w[0].isdigit() else stem(w)) for w in index_words(text)]


def sound_keys(text: str) -> set[str]:
    """Sound keys of the content words of `text`."""
    return {k for w in words(text) if w not in QUESTION_STOP_WORDS and (k := sound_key(w))}
