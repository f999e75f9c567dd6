"""HTML rendering of answers: escaping, the source list, splitting at 4096 characters."""

from __future__ import annotations

import html
import re

from bot.telegram.render import MAX_MESSAGE, render_answer, render_draft, render_sources
from bot.types import Answer, Citation
from index.types import Passage

TAG = re.compile(r"</?(b|i|blockquote)( expandable)?>")


def passage(n: int, text: str, source: str = "a<b>.txt") -> Passage:
    return Passage(id=f"p{n}", text=text, source=source, locator=f"¶{n}", start=0, end=len(text))


def answer(text: str, quotes: list[str], **kw: object) -> Answer:
    cites = [Citation(i + 1, passage(i + 1, q), q) for i, q in enumerate(quotes)]
    return Answer(question="q?", text=text, citations=cites, **kw)  # type: ignore[arg-type]


def balanced(message: str) -> bool:
    """Every tag closed in the same message, and no raw '<' or '&' outside tags/entities."""
    stack: list[str] = []
    for m in TAG.finditer(message):
        name = m.group(1)
        if m.group(0).startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    rest = TAG.sub("", message)
    no_raw_lt = "<" not in rest and ">" not in rest
    amps = [m.start() for m in re.finditer("&", rest)]
    entities_ok = all(re.match(r"&(amp|lt|gt|quot|#\d+);", rest[i:]) for i in amps)
    return not stack and no_raw_lt and entities_ok


def test_source_text_is_escaped_and_quotes_are_expandable():
    a = answer("R&D <script> grew [1].", ["Tom & Jerry <i>x</i>"], note="LLM down")
    msgs = render_answer(a)
    assert len(msgs) == 1
    m = msgs[0]
    assert "R&amp;D &lt;script&gt; grew [1]." in m
    assert "<blockquote expandable>Tom &amp; Jerry &lt;i&gt;x&lt;/i&gt;</blockquote>" in m
    assert "[1] a&lt;b&gt;.txt, ¶1" in m
    assert "<i>LLM down</i>" in m
    assert balanced(m)


def test_long_answer_splits_on_paragraphs_never_inside_tags_entities_or_citations():
    paras = [f"Paragraph {i} says R&D <grew> a lot [{i % 3 + 1}]. " * 12 for i in range(30)]
    quotes = ["Q & A " * 100 for _ in range(3)]
    msgs = render_answer(answer("\n\n".join(p.strip() for p in paras), quotes))
    assert len(msgs) > 1
    for m in msgs:
        assert len(m) <= MAX_MESSAGE
        assert balanced(m)
    text = html.unescape(TAG.sub("", "\n\n".join(msgs)))
    for p in paras:
        assert p.strip() in text  # whole paragraphs survive
    assert not any(re.search(r"\[\d*$", m) or re.match(r"^\d*\]", m) for m in msgs)


def test_single_huge_paragraph_is_cut_between_sentences_or_words():
    body = " ".join(f"Sentence {i} about A&B [{i % 5 + 1}]." for i in range(600))
    one_word = "x&" * 3000
    msgs = render_answer(answer(body + "\n\n" + one_word, ["q"]))
    assert all(len(m) <= MAX_MESSAGE and balanced(m) for m in msgs)
    joined = html.unescape(TAG.sub("", " ".join(msgs)))
    assert joined.count("[") >= 600
    for i in (0, 299, 599):
        assert f"Sentence {i} about A&B [{i % 5 + 1}]." in joined


def test_refusal_shows_closest_passages():
    a = Answer(question="q", text="The sources don't answer this.", refused=True,
               closest=[passage(1, "Something near <but> not it")])
    [m] = render_answer(a)
    assert "Closest I found" in m and "&lt;but&gt;" in m and balanced(m)


def test_sources_and_drafts():
    [m] = render_sources(answer("x [1]", ["short"]))
    assert "<blockquote expandable>" in m and balanced(m)
    assert "ask me a question first" in render_sources(None)[0]
    draft = render_draft("a<b " * 3000)
    assert len(draft) <= MAX_MESSAGE and "<" not in draft


def test_russian_headings_and_notes():
    a = answer("Ответ [1].", ["цитата"],
               note="The language model server could not be reached. This is the offline answer.")
    [m] = render_answer(a, "ru")
    assert "<b>Источники</b>" in m and "Сервер языковой модели недоступен. Это офлайн-ответ." in m
    assert "Источники к вопросу" in render_sources(a, "ru")[0]
