"""Conversation memory: follow-ups, persistence across restarts, reset, the LLM condense step."""

from __future__ import annotations

import re
from pathlib import Path

from bot.memory import entities, is_follow_up, rewrite_follow_up
from bot.service import Answerer
from index.search_index import SearchIndex
from tests.conftest import make_settings
from tests.fake_openai import FakeOpenAI
from tests.test_llm_answers import llm_answerer


def offline_answerer(tmp_path: Path, library: SearchIndex) -> Answerer:
    return Answerer.from_settings(make_settings(tmp_path / "data"), library=library)


def test_entities_and_follow_up_detection() -> None:
    assert entities("Когда обанкротилась Zhidou?") == ["Zhidou"]
    assert entities("Что такое «новая производительная сила»?") == ["новая производительная сила"]
    assert "Ren" in entities("Which province is Ren Zhenhe the governor of?")
    assert is_follow_up("А кто ей помог?") and is_follow_up("What did it build?")
    assert not is_follow_up("Кто посетил завод Zhidou?")
    assert rewrite_follow_up("А кто ей помог?", ["Zhidou"]) == "А кто ей помог? Zhidou"
    assert rewrite_follow_up("Кто посетил Haima?", ["Zhidou"]) == "Кто посетил Haima?"


async def test_offline_follow_up_carries_the_entity(
    tmp_path: Path, seed_library: SearchIndex
) -> None:
    answerer = offline_answerer(tmp_path, seed_library)
    first = await answerer.ask("u1", "Когда обанкротилась Zhidou?")
    assert "2019" in first.text
    follow = await answerer.ask("u1", "А кто ей помог?")
    assert not follow.refused and ("Aima" in follow.text or "Geely" in follow.text)
    assert answerer.memory.turns("u1")[-1].query == "А кто ей помог? Zhidou"
    # the same question in a fresh conversation has nothing to lean on
    assert answerer.memory.turns("u2") == []


async def test_memory_survives_a_restart_and_reset_forgets(
    tmp_path: Path, seed_library: SearchIndex
) -> None:
    answerer = offline_answerer(tmp_path, seed_library)
    answer = await answerer.ask("tg:1", "Кому Haima передала управление и активы?")
    restarted = offline_answerer(tmp_path, seed_library)
    again = restarted.last_answer("tg:1")
    assert again is not None and again.text == answer.text
    assert again.citations[0].passage == answer.citations[0].passage
    assert [t.question for t in restarted.memory.turns("tg:1")] == [answer.question]
    restarted.reset("tg:1")
    assert offline_answerer(tmp_path, seed_library).last_answer("tg:1") is None


async def test_ask_without_remember_leaves_the_conversation_alone(
    tmp_path: Path, seed_library: SearchIndex
) -> None:
    answerer = offline_answerer(tmp_path, seed_library)
    await answerer.ask("cli", "Когда обанкротилась Zhidou?", remember=False)
    assert answerer.memory.turns("cli") == [] and answerer.last_answer("cli") is None


async def test_llm_condenses_the_follow_up_with_history(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    def reply(body: dict) -> str:
        prompt = body["messages"][-1]["content"]
        if "standalone question" in prompt:
            return "Кто помог Zhidou завершить реструктуризацию?"
        docs = re.findall(r'<document n="(\d+)"[^>]*>\n(.*?)\n</document>', prompt, re.S)
        n = next(k for k, text in docs if "Aima" in text)
        return f"Zhidou помогли Aima Technology Group и Zhejiang Geely [{n}]."

    fake_openai.reply(reply)
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    await answerer.ask("c", "Когда обанкротилась Zhidou?")
    answer = await answerer.ask("c", "А кто ей помог?")
    condense = fake_openai.user_prompts()[1]
    assert "User: Когда обанкротилась Zhidou?" in condense and "А кто ей помог?" in condense
    assert "Russian" in condense
    final = fake_openai.user_prompts()[2]
    assert "Когда обанкротилась Zhidou?" in final  # the history reaches the answer prompt
    assert "Кто помог Zhidou завершить реструктуризацию?" in final
    assert answerer.memory.turns("c")[-1].query == "Кто помог Zhidou завершить реструктуризацию?"
    assert answer.mode == "llm"


async def test_condense_failure_falls_back_to_the_offline_rewrite(
    tmp_path: Path, seed_library: SearchIndex, fake_openai: FakeOpenAI
) -> None:
    from tests.fake_openai import Step

    fake_openai.reply(lambda b: f"Ответ [{b['messages'][-1]['content'].count('<document ')}].")
    answerer = llm_answerer(tmp_path, seed_library, fake_openai)
    await answerer.ask("c", "Когда обанкротилась Zhidou?")
    fake_openai.then(Step("error", status=500))
    await answerer.ask("c", "А кто ей помог?")
    assert answerer.memory.turns("c")[-1].query == "А кто ей помог? Zhidou"
