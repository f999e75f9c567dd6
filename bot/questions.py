"""What a question asks for: the kind of fact (an amount, a date, a count, a person, a place) and
its "asked-for" words; and whether a sentence can state such a fact."""

from __future__ import annotations

import re

from index.text import QUESTION_STOP_WORDS as STOP
from index.text import sound_key, stem
from index.text.names import months, name_tokens, names_match
from index.text.tokens import WORD as _WORD

_MONTH = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|январ|феврал|март|апрел|ма[йяе]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"весн|лет[оам]|осен|зим|spring|summer|autumn|winter|century|век)",
    re.IGNORECASE,
)


_NUMBER_Q = re.compile(
    r"\b(сколько|how (many|much|long|old|far)|what (percentage|percent|number|amount)|"
    r"како[йем] (процент|количеств|числ)|скольк)",
    re.IGNORECASE,
)
_DATE_Q = re.compile(
    r"^\W*(когда|when)\b(?!-)|"  # first: a "когда" inside is a conjunction, "когда-то" no date
    r"\b(в каком (году|веке|месяце)|what (year|century|month|date)|in (what|which) (year|century)"
    r"|since when|until when|до какого|с какого (года|времени))\b",
    re.IGNORECASE,
)
_PRICE_Q = re.compile(
    r"\b(стоит|стоят|стоил\w*|стоимост\w*|цен[аыу]|prices?|priced|costs?|costing)\b",
    re.IGNORECASE,
)  # whole words: "costume" and "Costa" are no price
_RATIO_Q = re.compile(r"\b(во сколько раз|how many times)\b", re.IGNORECASE)
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
    if _RATIO_Q.search(question):
        return "number"  # "во сколько раз выросли цены": a ratio, not a price
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


_ENUMERATION = re.compile(r"^\s*(\d{1,2}[.)]?|[•\-–—*])\s+(?=\w)")  # "1 Капельное…": a list item
# "80 % НВ", "5 MW", "420 kWp": a unit in capitals after a number is no one's name
_UNIT_AFTER_NUMBER = re.compile(r"\d\s*%?\s*\b[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]{0,3}\b")


# Endings of Russian adjectives, participles and verbs: a sentence's first word ending so
# ("Капельное орошение…", "Исследованные…") is a common word, not a name.
_COMMON = re.compile(r"[а-яё](ое|ее|ые|ие|ых|их|ого|его|ому|ему|ыми|ими|ется|ются|ться|ть)$")


# Nouns of people by their trade or role: "стратиграфы", "исследователи", "geologists".
_AGENT = re.compile(
    r"\w{3,}(ист|олог|граф|тел[ьи]|ник|чик|щик)(ы|ов|а|ам|ами|ах|ей|и|у|ом|ям|ями|ях|я|ю|ем)?$|"
    r"\w{3,}(ist|ologist|grapher|ician)s?$"
)


def names_someone(sentence: str, question: str) -> bool:
    """True when `sentence` names someone or something the question does not (strictly, in any
    script: "Жэнь Чжэньхэ" is no one new for "Ren Zhenhe"; months are not names). Its first
    word counts when capitalised and not a stop word ("Маркони сделал…"): a "who" answer is
    refused for naming no one only when that is certain."""
    asked = _WORD.findall(question)
    sentence = _UNIT_AFTER_NUMBER.sub(" ", _ENUMERATION.sub("", sentence))
    first = _WORD.findall(sentence)[:1]
    lead = [
        w for w in first
        if w[0].isupper() and len(w) > 2 and w.lower() not in STOP and not _COMMON.search(w)
    ]
    return any(
        not months(name) and not any(names_match(name, w) for w in asked)
        for name in [*lead, *name_tokens(sentence)]
    )


def names_role(sentence: str, question: str) -> bool:
    """True when `sentence` names people by a trade or role the question does not
    ("стратиграфы", "geologists"): a "who" answer when no one is named."""
    asked = {stem(w.lower()) for w in _WORD.findall(question)}
    return any(_AGENT.search(w) and stem(w) not in asked for w in _WORD.findall(sentence.lower()))


def has_type(sentence: str, kind: str | None) -> bool:
    """True when `sentence` can hold a fact of `kind` (always true for no kind)."""
    if kind is None:
        return True
    if kind == "money":
        return bool(_HAS_MONEY.search(sentence))
    if kind == "date":
        return bool(re.search(r"\d", sentence) or _MONTH.search(sentence))
    return bool(_HAS_NUMBER.search(sentence))


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


_PLACE_Q = re.compile(
    r"\b(где|куда|откуда|в как(ом|ой) (город|стран|регион|провинц|област|мест)\w*|where|"
    r"in which (city|country|region|province|place)|what (city|country|region|province))\b",
    re.IGNORECASE,
)


def fact_kind(question: str) -> str | None:
    """The kind of fact asked for: "money", "date", "number", "person", "place" or None."""
    kind = answer_type(question)
    if kind is not None:
        return kind
    if asks_who(question):
        return "person"
    if _PLACE_Q.search(question):
        return "place"
    return None


def states_kind(sentence: str, kind: str | None, question: str) -> bool:
    """True when `sentence` can state a fact of `kind` (a person or place: a name the question
    does not already give)."""
    if kind in ("person", "place"):
        return has_new_name(sentence, question)
    return has_type(sentence, kind)


_NAME_RUN = re.compile(r"[A-ZА-ЯЁ][\w'’-]*\.?(?:\s+[A-ZА-ЯЁ][\w'’-]*\.?)*")


def names_other_than_asked(claim: str, question: str, evidence: str) -> bool:
    """True when `claim` names someone besides the one the question asks about: a name phrase
    that holds a name of the question is that one ("Haima Automobile Co." for "Кто директор
    Haima?"), and the claim's first word counts only when `evidence` names it too (a model's
    "Указан …" opens the sentence, it names no one)."""
    asked = _WORD.findall(question)
    first = _WORD.findall(claim)[:1]
    for run in _NAME_RUN.findall(claim):
        words = _WORD.findall(run)
        if any(names_match(w, a) for w in words for a in asked):
            continue
        if first and words[0] == first[0] and claim.lstrip().startswith(run):
            words = words[1:] if words[0] not in evidence else words
        if any(w.lower() not in STOP and not months(w) and len(w) > 1 for w in words):
            return True
    return False
