"""From a model's reply to the `Answer` shown: refusals, claim checks, language, notes.

The service and the tests that replay recorded real-model replies call this same code: the reply
goes through the claim checker (`bot.claims`) against the passages the model was given; a
refusal is `refused: true` with the closest passages (no fallback note); when the claim that
answers the question is unsupported, the answer is a refusal too; removed statements are named in
a note and carried in `Answer.dropped_claims`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.claims import CheckedDraft, ClaimChecker
from bot.extractive import refusal_text
from bot.markers import strip_markers
from bot.questions import asks_who, names_other_than_asked, names_role
from bot.types import Answer, AnswerMode
from index.text import detect_language
from index.types import Passage

WRONG_LANGUAGE = "The language model answered in another language; this is the offline answer."
WRONG_LANGUAGE_BRIEF = (
    "The language model wrote in another language; this is the offline briefing."
)
UNSUPPORTED = (
    "The language model's answer is not supported by the sources; this is the offline answer."
)
UNSUPPORTED_HIDDEN = "The language model's answer is not supported by the sources; it is not shown."
UNSUPPORTED_BRIEF = (
    "The model's briefing had no statement the sources support; this is the offline briefing."
)


def removed_note(count: int) -> str:
    """The note on an answer that lost statements the sources do not support."""
    what = "statement" if count == 1 else "statements"
    return f"Removed {count} {what} the sources do not support."


def llm_answer(question: str, checked: CheckedDraft) -> Answer:
    """The model's checked draft as the shown answer, noting what was removed."""
    return Answer(
        question,
        checked.text,
        checked.citations,
        mode=AnswerMode.LLM,
        note=removed_note(len(checked.dropped)) if checked.dropped else None,
        dropped_claims=checked.dropped,
    )


def in_language(reply: str, lang: str) -> bool:
    """True unless `reply` is clearly written in another language than `lang` ("ru"/"en")."""
    found = detect_language(strip_markers(reply))
    return found is None or found == lang


def briefing_language(
    topic: str | None, configured: str | None, passages: Sequence[Passage]
) -> str:
    """The topic's language, else the configured one, else the sources' ("ru" or "en")."""
    if topic and (lang := detect_language(topic)):
        return lang
    if configured in ("ru", "en"):
        return configured
    return detect_language(" ".join(p.text[:300] for p in passages[:5])) or "en"


def _answers_who(question: str, checked: CheckedDraft) -> bool:
    """False for a "who" question whose shown answer names no one but whom it asks about."""
    if not asks_who(question):
        return True
    evidence = " ".join(c.passage.text for c in checked.citations)
    text = strip_markers(checked.text)
    return names_other_than_asked(text, question, evidence) or names_role(text, question)


class Grounding:
    """Turns drafts into answers whose every shown claim is supported by its cited passage."""

    def __init__(self, checker: ClaimChecker) -> None:
        self.checker = checker

    def answer(
        self,
        question: str,
        reply: str,
        passages: Sequence[Passage],
        offline: Answer | None = None,
    ) -> Answer:
        """The shown answer for a model's `reply` to `question` over `passages`. When the claim
        that answers is unsupported: the checked `offline` answer if given (itself a refusal
        when the offline evidence is weak), else a refusal; never the unsupported claim."""
        checked = self.checker.check(reply, passages, question, answer=True)
        closest = tuple(passages[:3])
        lang = detect_language(question) or "en"
        if checked.refused:
            text = checked.text if in_language(checked.text, lang) else refusal_text(question)
            return Answer(question, text, refused=True, mode=AnswerMode.LLM, closest=closest)
        if checked.first_dropped or not checked.citations or not _answers_who(question, checked):
            if offline is not None:
                dropped = checked.dropped
                return replace(
                    offline, mode=AnswerMode.FALLBACK, note=UNSUPPORTED, dropped_claims=dropped
                )
            return Answer(
                question,
                refusal_text(question),
                refused=True,
                mode=AnswerMode.LLM,
                closest=closest,
                note=UNSUPPORTED_HIDDEN,
                dropped_claims=checked.dropped,
            )
        return llm_answer(question, checked)

    def briefing(self, question: str, reply: str, passages: Sequence[Passage]) -> Answer:
        """The shown briefing: only its supported statements, bullets kept."""
        checked = self.checker.check(reply, passages, answer=False)
        return llm_answer(question, checked)

    def self_check(self, answer: Answer, question: str) -> Answer:
        """An extractive answer through the same check (its quotes must hold)."""
        if answer.refused or not answer.citations:
            return answer
        passages = [c.passage for c in answer.citations]
        checked = self.checker.check(answer.text, passages, question, relevance=False)
        if checked.dropped and not checked.citations:
            return replace(
                answer,
                text=refusal_text(question),
                citations=(),
                refused=True,
                closest=tuple(passages[:3]),
            )
        if checked.dropped:
            return replace(
                answer,
                text=checked.text,
                citations=checked.citations,
                dropped_claims=checked.dropped,
            )
        return answer
