#!/usr/bin/env python3
# ruff: noqa  (the bench engineer's independent counter, from /work/notes; session 4 added two
# documented rules: abbreviation full stops and a citation's section heading, see "Method")
"""Count unsupported claims in shown answers — an independent check (does NOT import citebot).

Usage
-----
    python3 /work/notes/unsupported_claims.py OUT.jsonl [OUT2.jsonl ...] [-v] [--json]
        [--questions Q.jsonl ...]     # gold answers by id, for answer recall (optional)

Input: JSON lines, each one `citebot ask --json` output (question, answer, refused, mode,
citations[{n, source, quote}]), optionally with "id" and "expected" (the gold `answers` list) as
written by /work/notes/logs/run_llm.sh. Lines without "expected" get their gold answers from
--questions files by id (format of /work/shared/eval/README.md), if given.

Method
------
1. The SHOWN answer ("answer") is split into sentences (after . ! ? … when the next word starts
   with a capital, a digit or a quote, and at line breaks; "Co. и ..." is not split; a citation
   marker like "[2]" right after the full stop stays with the sentence before it; a full stop
   after an initial or a common abbreviation — "Уильяма Э. Бонда", "г. Новоборск", "Ltd.",
   "Co." — ends no sentence unless a citation marker follows it).
2. Claims in a sentence (citation markers removed first):
   * numbers: every digit run with its group/decimal separators, normalised to its digits only
     ("1 200", "1,200" and "1200" are equal; "2019" matches "2019 году"); matched as a whole
     number token in the quote (so "19" is not found inside "2019");
   * names: capitalised words, Latin or Cyrillic (incl. CamelCase/ALL-CAPS like "TidewaterDB",
     "SEV2"); the first word of a sentence only when it is not in the stop list below and looks
     like a name (inner capital/digit, other script than the sentence, or capitalised mid-sentence
     somewhere in the answer or its quotes) — so "Планируется ..." is not a name, "Zhidou ..." is. A name is matched by its first 5 characters (whole word if shorter), case-insensitive,
     at the start of a word of the quote, directly or after a simple Cyrillic->Latin
     transliteration of both sides (so "Polyarnogorsk" ~ "Полярногорск").
3. A sentence is UNSUPPORTED when it has at least one claim that none of that sentence's cited
   quotes contains. A name or number also counts as found in a cited quote's section heading
   (the "§ ..." part of its locator up to its first comma, shown with the quote: "§ SEV2 —
   Degraded service", "§ Итоги турнира «Белая ладья — 2024»"); the rest of a locator (page,
   paragraph, table row numbers) is not a fact. Its cited quotes are the citations whose [n] markers appear in the sentence.
   strict  : a sentence without markers has no cited quotes (any claim in it is unsupported).
   lenient : a sentence without markers is checked against all of the answer's quotes.
4. Rates: unsupported sentences / shown sentences (all shown sentences, refusals included),
   and the same over answered (non-refused) replies only.
Also reported: answer recall (answerable questions whose non-refused answer contains every gold
fact, the eval's rule: lowercase, whitespace collapsed, substring), refusal rate on unanswerable
questions, false-refusal rate, and the counts of reply modes (llm / extractive-fallback / ...).
Limitations: a heuristic. A cross-language answer can paraphrase a quote's words (e.g. English
"Chinese" for a Russian quote's "китайских") and be counted unsupported; numbers spelled as words
are not claims. Compare rates between runs of the same questions, not across data sets.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

MARKER = re.compile(r"\[\d+(?:\s*[,;–-]\s*\d+)*\]")
NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d+)*")
WORD = re.compile(r"[A-Za-zÀ-ÿА-Яа-яЁё][\w'’-]*")
BOUNDARY = re.compile(
    r"(?<=[.!?…])((?:\s*\[\d+(?:\s*[,;–-]\s*\d+)*\])*)\s+(?=[A-ZА-ЯЁ0-9«\"“„(—–*-])|\n+"
)

STOP = set("""
a an the this that these those it its it's there here they them their he she his her we our you your
i in on at of for from by with to as and or but if when where while which who whom whose what why how
yes no not all some any each every both either neither one also however therefore thus so then than
according based per during after before since until about above below between into over under again
further more most other such only own same too very can could may might must shall should will would
is are was were be been being has have had do does did note please sorry unfortunately overall
first second finally instead additionally besides moreover meanwhile today currently
в во на с со к ко у о об от до по за из из-за под над при про для без через между и а но или да нет
не ни же ли бы это этот эта эти тот та те то он она оно они его её ее их мы вы я ты мой наш ваш
что кто где когда как почему какой какая какие каков сколько также тоже однако поэтому так затем
согласно после перед до во-первых во-вторых кроме того итак таким образом всего все всё каждый
здесь там есть был была было были будет будут может могут нужно необходимо источник источники
в-третьих например кроме, если хотя пока чтобы ответ данные документ документы
""".split())

TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
     "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
))


def latin(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower())


# a full stop that ends an abbreviation or an initial, not a sentence ("г. Новоборск", "Ltd. Funder",
# "Уильяма Э. Бонда"), when no citation marker follows it
ABBREVIATION = re.compile(
    r"(?:(?<![\w.])[A-ZА-ЯЁ]|\b(?:г|гг|ул|д|пр|им|т|см|Ltd|Co|Inc|Corp|Dr|Mr|Mrs|Ms|St|Jr|Sr|vs))\.$"
)


def sentences(text: str) -> list[str]:
    """Split a shown answer into sentences; trailing citation markers stay with their sentence."""
    out, start = [], 0
    for m in BOUNDARY.finditer(text):
        end = m.end(1) if m.group(1) is not None else m.start()
        piece = text[start:end]
        if "\n" not in m.group(0) and not m.group(1) and ABBREVIATION.search(piece.rstrip()):
            continue  # not a sentence end: the piece goes on into the next one
        out.append(piece)
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip() and (WORD.search(s) or NUMBER.search(s))]


def markers(sentence: str) -> set[int]:
    found: set[int] = set()
    for m in MARKER.finditer(sentence):
        nums = [int(x) for x in re.findall(r"\d+", m.group())]
        if re.search(r"[–-]", m.group()) and len(nums) == 2:
            found.update(range(nums[0], nums[1] + 1))
        else:
            found.update(nums)
    return found


def numbers(text: str) -> set[str]:
    return {re.sub(r"\D", "", n) for n in NUMBER.findall(text)}


def cyrillic(word: str) -> bool:
    return bool(re.search(r"[А-Яа-яЁё]", word))


def names(sentence: str, context: str = "") -> list[str]:
    """Capitalised words of `sentence`. The first word counts only when it is not a stop word and
    looks like a name: an inner capital or digit, a script other than most of the sentence's words,
    or written capitalised somewhere not sentence-initial in `context` (answer + quotes)."""
    words = WORD.findall(sentence)
    out = []
    for i, w in enumerate(words):
        if not w[0].isupper() and not (any(c.isupper() for c in w[1:]) and any(c.isdigit() for c in w)):
            continue
        if i == 0:
            if w.lower() in STOP:
                continue
            inner = any(c.isupper() or c.isdigit() for c in w[1:])
            cyr = sum(cyrillic(x) for x in words[1:])
            other_script = bool(words[1:]) and cyrillic(w) != (cyr * 2 >= len(words[1:]))
            mid = re.search(r"[\w,;:] +" + re.escape(w) + r"(?!\w)", context) is not None
            if not (inner or other_script or mid):
                continue
        if w.lower() in STOP and len(w) <= 3 and w.isupper() is False:
            continue  # "I", "A", "В" etc. inside a sentence
        out.append(w)
    return out


def name_in(name: str, quote: str) -> bool:
    prefix = name.lower()[:5]
    if re.search(r"(?<!\w)" + re.escape(prefix), quote.lower()):
        return True
    lp, lq = latin(prefix), latin(quote)
    return bool(lp) and re.search(r"(?<!\w)" + re.escape(lp[:5]), lq) is not None


def sentence_claims(sentence: str, context: str = "") -> tuple[set[str], list[str]]:
    bare = MARKER.sub(" ", sentence)
    return numbers(bare), names(bare, context)


def heading(locator: str) -> str:
    """The section heading of a locator ("§ SEV2 — Degraded service, ¶1" -> "SEV2 — Degraded
    service"); "" when it names none ("p. 1, ¶3")."""
    found = re.search(r"§\s*([^,]+)", locator)
    return found.group(1) if found else ""


def unsupported(
    sentence: str, quotes: list[str], context: str = "", headings: list[str] | None = None
) -> list[str]:
    """The claims of `sentence` that no quote (nor a section heading shown with one) contains."""
    nums, nms = sentence_claims(sentence, context)
    missing = []
    quote_nums = [numbers(q) for q in [*quotes, *(headings or [])]]
    for n in sorted(nums):
        if not any(n in qn for qn in quote_nums):
            missing.append(n)
    for w in nms:
        if not any(name_in(w, q) for q in [*quotes, *(headings or [])]):
            missing.append(w)
    return missing


def norm(text: str) -> str:
    return " ".join(str(text).lower().split())


def analyse(row: dict[str, Any]) -> dict[str, Any]:
    text = str(row.get("answer") or "")
    cits = {int(c.get("n", i + 1)): str(c.get("quote") or "") for i, c in
            enumerate(row.get("citations") or [])}
    # the section heading shown with a citation's quote (its locator "§ SEV2 — Degraded service,
    # ¶1") states facts too; its page, paragraph and row numbers are not facts
    heads = {int(c.get("n", i + 1)): heading(str(c.get("locator") or "")) for i, c in
             enumerate(row.get("citations") or [])}
    all_quotes = list(cits.values())
    sents = sentences(text)
    res = {"sentences": len(sents), "claim_sentences": 0, "strict": 0, "lenient": 0, "bad": []}
    context = MARKER.sub(" ", " ".join([text, *all_quotes]))
    for s in sents:
        nums, nms = sentence_claims(s, context)
        if not nums and not nms:
            continue
        res["claim_sentences"] += 1
        ns = markers(s)
        own = [cits[n] for n in ns if n in cits]
        own_heads = [heads[n] for n in ns if n in heads]
        miss_strict = unsupported(s, own, context, own_heads)
        miss_lenient = unsupported(s, own if ns else all_quotes, context,
                                   own_heads if ns else list(heads.values()))
        res["strict"] += bool(miss_strict)
        res["lenient"] += bool(miss_lenient)
        if miss_strict:
            res["bad"].append({"sentence": s, "missing": miss_strict, "cited": sorted(ns)})
    return res


def rate(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "–"


def report(path: Path, gold: dict[str, Any], verbose: bool) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tot = {"replies": len(rows), "sentences": 0, "claim_sentences": 0, "strict": 0, "lenient": 0,
           "answered_sentences": 0, "answered_strict": 0, "answered_lenient": 0}
    modes: dict[str, int] = {}
    ans_n = ans_hit = ans_ref = una_n = una_ref = 0
    for row in rows:
        r = analyse(row)
        refused = bool(row.get("refused"))
        modes[str(row.get("mode"))] = modes.get(str(row.get("mode")), 0) + 1
        for k in ("sentences", "claim_sentences", "strict", "lenient"):
            tot[k] += r[k]
        if not refused:
            tot["answered_sentences"] += r["sentences"]
            tot["answered_strict"] += r["strict"]
            tot["answered_lenient"] += r["lenient"]
        expected = row.get("expected")
        if expected is None:
            expected = gold.get(str(row.get("id")), {}).get("answers")
        if expected is not None:
            if expected:
                ans_n += 1
                ans_ref += refused
                ans_hit += (not refused) and all(
                    any(norm(v) in norm(row.get("answer", "")) for v in fact) for fact in expected)
            else:
                una_n += 1
                una_ref += refused
        if verbose and r["bad"]:
            print(f"--- {row.get('id', '?')} [{row.get('mode')}] {row.get('question', '')}")
            for b in r["bad"]:
                print(f"    UNSUPPORTED {b['missing']} cited={b['cited']}: {b['sentence']}")
    return {
        "file": str(path), **tot, "modes": modes,
        "unsupported_rate_strict": rate(tot["strict"], tot["sentences"]),
        "unsupported_rate_lenient": rate(tot["lenient"], tot["sentences"]),
        "unsupported_rate_strict_answered": rate(tot["answered_strict"], tot["answered_sentences"]),
        "unsupported_rate_lenient_answered": rate(tot["answered_lenient"], tot["answered_sentences"]),
        "answer_recall": rate(ans_hit, ans_n),
        "false_refusal_rate": rate(ans_ref, ans_n),
        "refusal_rate_unanswerable": rate(una_ref, una_n),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description="Unsupported-claim rate of shown answers.")
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--questions", nargs="*", type=Path, default=[])
    ap.add_argument("-v", "--verbose", action="store_true", help="list unsupported sentences")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    gold: dict[str, Any] = {}
    for qf in args.questions:
        for line in qf.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                gold[str(q["id"])] = q
    results = [report(f, gold, args.verbose) for f in args.files]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return
    keys = ["replies", "modes", "sentences", "claim_sentences", "unsupported_rate_strict",
            "unsupported_rate_lenient", "unsupported_rate_strict_answered",
            "unsupported_rate_lenient_answered", "answer_recall", "false_refusal_rate",
            "refusal_rate_unanswerable"]
    print("| metric | " + " | ".join(Path(r["file"]).name for r in results) + " |")
    print("| --- | " + " | ".join("---" for _ in results) + " |")
    for k in keys:
        print(f"| {k} | " + " | ".join(str(r[k]) for r in results) + " |")


if __name__ == "__main__":
    sys.exit(main())
