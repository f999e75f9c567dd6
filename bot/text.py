"""Small text helpers shared by the answerer: sentence splitting, tokens, stems, question types."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_SENT_END = re.compile(r"(?<=[.!?…])[\"»”')\]]*\s+(?=[\"«“(\[]?[A-ZА-ЯЁ0-9])")

_STOP_WORDS = """
    a an the of in on at to for from by with about as is are was were be been being do does did
    what which who whom whose when where why how that this these those it its and or not no than
    there their they he she his her him them we you i me my our your has have had can could will
    would shall should may might must into over under after before during between out up down
    much many some any all each more most other such only own same so too very s t just also
    name called named kind type year years
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
    него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней
    для мы тебя их чем была сам чтобы без будто чего раз тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем
    всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
    них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
    такой им более всегда конечно всю между каких какие каким какого какую каком каков какова
    каково сколько почему зачем чей чья чьи которые который которая которое является являются
    называется называют году год года лет
    """
STOP = frozenset(_STOP_WORDS.split())

_MONTH = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|январ|феврал|март|апрел|ма[йяе]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"весн|лет[оам]|осен|зим|spring|summer|autumn|winter|century|век)",
    re.IGNORECASE,
)


@lru_cache(maxsize=2)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(lang)


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """Stem a lower-cased word with the Russian or English Snowball stemmer."""
    lang = "russian" if _CYRILLIC.search(word) else "english"
    return _stemmer(lang).stemWord(word)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (stop words dropped), in order."""
    return [stem(w) for w in words(text) if w not in STOP and (len(w) > 1 or w.isdigit())]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, splitting at end punctuation and blank lines."""
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        start = block.start()
        cuts = [m.end() for m in _SENT_END.finditer(block.group())]
        for a, b in zip([0, *cuts], [*cuts, len(block.group())], strict=True):
            chunk = block.group()[a:b]
            lead = len(chunk) - len(chunk.lstrip())
            s, e = start + a + lead, start + a + len(chunk.rstrip())
            if e > s:
                spans.append((s, e))
    return spans


_NUMBER_Q = re.compile(
    r"\b(сколько|how (many|much|long|old|far)|what (percentage|percent|number|amount)|"
    r"како[йем] (процент|количеств|числ)|скольк)",
    re.IGNORECASE,
)
_DATE_Q = re.compile(
    r"\b(когда|в каком (году|веке|месяце)|what (year|century|month|date)|when|"
    r"in which (year|century))\b",
    re.IGNORECASE,
)
_PRICE_Q = re.compile(r"\b(стоит|стоимост|цен[аыу]|price|cost)", re.IGNORECASE)
_HAS_NUMBER = re.compile(
    r"\d|\b(один|одн[аиоуы]|дв[аеу]х?|двум|тр[еёи]х?|сто|ста|сот|сем[иь]|пят[иь]|"
    r"one|two|six|ten|half)\b|"
    r"\b(четыр|шест|восьм|восем|девят|десят|двадцат|тридцат|сорок|сотн|тысяч|миллион|"
    r"миллиард|полтор|three|four|five|seven|eight|nine|eleven|twelve|twenty|thirty|"
    r"hundred|thousand|million|billion|dozen)",
    re.IGNORECASE,
)
_HAS_MONEY = re.compile(
    r"[$€£¥₽]|\d\s*(руб|юан|долл|евро|usd|eur|rmb|yuan|dollar)|(руб|юан|долл|dollar|yuan)\w*\s*\d",
    re.IGNORECASE,
)


def answer_type(question: str) -> str | None:
    """The kind of fact a question asks for: "money", "number", "date" or None."""
    if _PRICE_Q.search(question):
        return "money"
    if _DATE_Q.search(question):
        return "date"
    if _NUMBER_Q.search(question):
        return "number"
    return None


_WHO_Q = re.compile(r"\b(кто|кого|кому|кем|who|whom)\b", re.IGNORECASE)


def asks_who(question: str) -> bool:
    """True for a question about a person or organisation ("кто", "who")."""
    return bool(_WHO_Q.search(question))


def has_new_name(sentence: str, question: str) -> bool:
    """True when `sentence` names something (a capitalised word past its first) the question
    does not."""
    seen = {w.lower() for w in _WORD.findall(question)}
    tokens = _WORD.findall(sentence)
    return any(w[0].isupper() and w.lower() not in seen for w in tokens[1:])


def has_type(sentence: str, kind: str | None) -> bool:
    """True when `sentence` can hold a fact of `kind` (always true for no kind)."""
    if kind is None:
        return True
    if kind == "money":
        return bool(_HAS_MONEY.search(sentence))
    if kind == "date":
        return bool(re.search(r"\d", sentence) or _MONTH.search(sentence))
    return bool(_HAS_NUMBER.search(sentence))


_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
        "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u",
        "я": "a",
    }
)  # fmt: skip
_LATIN_FOLD = (("ph", "f"), ("x", "ks"), ("w", "v"), ("y", "i"), ("q", "k"), ("kh", "h"),
               ("ck", "k"), ("c", "k"), ("j", "zh"))  # fmt: skip


def sound_key(word: str) -> str | None:
    """A rough script-independent key (first 4 letters of a Latin transliteration), so that
    "Бронкос" and "Broncos" or "модели" and "model" meet; None for short words."""
    low = word.lower().translate(_TRANSLIT)
    for a, b in _LATIN_FOLD:
        low = low.replace(a, b)
    low = re.sub(r"(.)\1", r"\1", low)
    return low[:4] if len(low) >= 4 and low.isalpha() else None


def sound_keys(text: str) -> set[str]:
    """Sound keys of the content words of `text`."""
    return {k for w in words(text) if w not in STOP and (k := sound_key(w))}


def relation_terms(question: str, known: set[str]) -> list[str]:
    """The question's "asked-for" words: content words (not numbers or stop words) other than
    the names the evidence shares with it. A capitalised word past the first whose sound key is
    in `known` (the evidence's keys) is that shared entity and left out; e.g. "bankrupt" in
    "When did Zhidou go bankrupt?" over a text about Zhidou."""
    tokens = _WORD.findall(question)
    out = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        if low in STOP or len(low) < 3 or any(ch.isdigit() for ch in low):
            continue
        if i and tok[0].isupper() and sound_key(low) in known:
            continue
        out.append(low)
    return list(dict.fromkeys(out))
