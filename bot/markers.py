"""Citation markers in the forms models write, rewritten as `[n]`; and refusal detection.

Models cite as `[1]`, `[1, 2]`, `[1][2]`, `【1】`, `(1)`, `документ 1`, `document n=1`, `source 1`
or `В документе n=1 …` at the start of a sentence. `normalize_markers` turns every form that points
at a given document number into `[n]` at the end of its sentence, so the claim checker sees one
form. A refusal ("the documents do not contain…", "в данных нет информации…") is recognised in
Russian, English and a few other languages, cited or not.
"""

from __future__ import annotations

import re
from functools import partial

from index.text import split_sentences

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMS = r"(\d+(?:\s*(?:,|;|and|и|&)\s*\d+)*)"
_DOC_WORD = (
    r"(?:документ\w*|источник\w*|фрагмент\w*|отрыв\w*|document|doc|source|passage|excerpt)"
)
# "В документе n=1", "according to document 1", "(source 2)", "[document 3]"
# "…, which is mentioned in document 1, …": the clause about the source goes with the reference
_SAID = (
    r"(?:,?\s*\b(?:which|that|as|who|как|что|котор\w+)\s+(?:(?:is|are|was|were)\s+)?"
    r"(?:mentioned|stated|described|cited|listed|noted|reported|упомина\w*|упомянут\w*"
    r"|указан\w*|сказано|описан\w*|говорится)\s+)?"
)
_DOC_REF = re.compile(
    _SAID + r"(?:[\[(]\s*)?(?:\b(?:в|во|из|согласно|according to|in|from|see|см\.?)\s+(?:the\s+)?)?"
    r"[\[(]?\s*\b" + _DOC_WORD + r"\s*(?:n\s*=\s*|№\s*|#\s*|no\.?\s*)?\[?\s*" + _NUMS
    + r"\s*\]?\s*[\])]?"
    r"(?:\s*,)?",
    re.IGNORECASE,
)
_LENTICULAR = re.compile(r"【\s*" + _NUMS + r"\s*(?:†[^】]*)?】")
_PAREN = re.compile(r"\(\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\)")
_SENTENCE_END = re.compile(r"([.!?…]+[\"»”’)]*)\s*$")


def _numbers(group: str) -> list[int]:
    return [int(x) for x in re.findall(r"\d+", group)]


def _marker(nums: list[int]) -> str:
    return "".join(f"[{n}]" for n in nums)


def normalize_markers(text: str, n_documents: int) -> str:
    """`text` with every recognised citation form pointing at 1..n_documents written as `[n]`.
    Phrases like "В документе n=1" are taken out of the sentence and cited at its end."""

    def valid(nums: list[int]) -> bool:
        return bool(nums) and all(1 <= n <= n_documents for n in nums)

    lines = []
    for line in text.splitlines():
        line = _LENTICULAR.sub(lambda m: _marker(_numbers(m.group(1))), line)
        line = MARKER.sub(lambda m: _marker(_numbers(m.group(1))), line)  # [1, 2] -> [1][2]
        line = _PAREN.sub(
            lambda m: _marker(_numbers(m.group(1))) if valid(_numbers(m.group(1))) else m.group(0),
            line,
        )
        sentences = [line[a:b] for a, b in split_sentences(line)] or [line]
        if len(sentences) > 1 and not any(_DOC_REF.search(x) for x in sentences):
            lines.append(line)
            continue
        lines.append(" ".join(_cite_reference(x, n_documents) for x in sentences))
    return "\n".join(lines)


def _cite_reference(sentence: str, n_documents: int) -> str:
    """A sentence with its "В документе 1" / "in document 1" taken out and cited at its end."""
    moved: list[int] = []
    sentence = _DOC_REF.sub(partial(_take, moved=moved, n_documents=n_documents), sentence)
    if not moved:
        return sentence
    sentence = _append_marker(re.sub(r"[ \t]{2,}", " ", sentence).strip(), moved)
    return sentence[:1].upper() + sentence[1:] if sentence[:1].islower() else sentence


def _take(m: re.Match[str], moved: list[int], n_documents: int) -> str:
    """A document reference taken out of its sentence (its numbers kept in `moved`)."""
    nums = _numbers(m.group(1))
    if not nums or not all(1 <= n <= n_documents for n in nums):
        return m.group(0)
    moved.extend(nums)
    return " "


def _append_marker(line: str, nums: list[int]) -> str:
    """Cite `nums` at the end of `line` (before its final full stop)."""
    marker = _marker(list(dict.fromkeys(nums)))
    m = _SENTENCE_END.search(line)
    if m:
        return f"{line[: m.start()].rstrip()} {marker}{m.group(1)}"
    return f"{line.rstrip()} {marker}"


def strip_markers(text: str) -> str:
    """`text` without `[n]` markers."""
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", MARKER.sub("", text))
    return re.sub(r"(?<!\.)\.\.(?!\.)", ".", text).strip()


# Said of the sources or alone, these refuse: "нет информации", "no information", "cannot answer".
_REFUSAL_STRONG = re.compile(
    r"(нет (?:никакой |конкретной |точной )?(?:информации|сведений|данных|ответа|упоминани)"
    r"|не (?:могу|удалось) (?:ответить|найти|определить)|невозможно (?:ответить|определить)"
    r"|информаци\w* (?:о|об|по) .{0,60}\bотсутству"
    r"|(?:no|not enough) (?:information|data|details|mention)|(?:cannot|can[’']?t|unable to) "
    r"(?:answer|determine|find)"
    r"|keine (?:informationen|angaben)|pas d[’']information|no hay información"
    r"|没有(?:提供|提到|相关|信息)|未(?:提及|提供)|无法(?:回答|确定))",
    re.IGNORECASE,
)
# These refuse only when said of the sources: "документы не содержат", "the text does not say".
_REFUSAL_WEAK = re.compile(
    r"(не (?:содерж|указ|упомина|говорит|сказано|приводит|сообща|да[её]т|описыва|уточня)"
    r"|(?:do(?:es)?n[’']?t|do(?:es)? not|did not|didn[’']?t) (?:contain|say|state|mention|"
    r"specify|provide|include|answer|give|tell)"
    r"|not (?:mentioned|stated|specified|provided|found|available) in"
    r"|ne (?:contiennent|mentionnent)|no (?:contienen|mencionan))",
    re.IGNORECASE,
)
_SOURCES = re.compile(
    r"(документ|источник|данн|текст|материал|контекст|document|source|text|context|passage"
    r"|provided|information|информаци|dokument|quelle|fuente|文档|资料)",
    re.IGNORECASE,
)


def is_refusal(sentence: str) -> bool:
    """True when `sentence` says the sources do not answer (any citation is ignored)."""
    body = strip_markers(sentence)
    if _REFUSAL_STRONG.search(body):
        return True
    return bool(_REFUSAL_WEAK.search(body)) and bool(_SOURCES.search(body))
