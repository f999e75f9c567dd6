"""The Telegram bot end to end in-process: the real Application (built by `build_application`,
as `citebot serve` does) talking HTTP to the fake Bot API, answering from the real seed index."""

from __future__ import annotations

import shutil

from bot.i18n import t
from tests.conftest import SEED_FILE, SEEDS
from tests.fake_bot_api import FakeBotAPI
from tests.fake_openai import FakeOpenAI
from tests.telegram_harness import BOT_NAME, GROUP, BotHarness

ZHIDOU_RU = "Когда обанкротилась Zhidou?"
OOPS, BUSY, NON_TEXT = (t(k, "en") for k in ("oops", "busy", "non_text"))


async def test_private_question_gets_cited_answer_and_commands_are_registered(tg: BotHarness):
    await tg.start()
    msg = await tg.ask(111, ZHIDOU_RU)
    assert "2019" in msg["text"]
    assert "[1]" in msg["text"]
    assert msg["parse_mode"] == "HTML"
    assert SEED_FILE in msg["text"] and "<blockquote expandable>" in msg["text"]
    assert "reply_parameters" not in msg  # private chats: no quoting
    assert tg.fake.calls_of("sendChatAction", 111), "typing… was shown"
    commands = tg.fake.calls_of("setMyCommands")[0].params["commands"]
    assert {"ask", "sources", "brief", "reset", "subscribe"} <= {c["command"] for c in commands}


async def test_english_question_over_russian_source(tg: BotHarness):
    await tg.start()
    msg = await tg.ask(112, "When did Zhidou go bankrupt?")
    assert "2019" in msg["text"]


async def test_sources_and_reset_in_private(tg: BotHarness):
    await tg.start()
    await tg.ask(113, ZHIDOU_RU)
    sources = await tg.ask(113, "/sources")
    assert SEED_FILE in sources["text"] and "<blockquote expandable>" in sources["text"]
    assert "2019" in sources["text"]
    done = await tg.ask(113, "/reset")
    assert "forgotten" in done["text"]
    assert tg.answerer is not None and tg.answerer.last_answer("tg:113") is None


async def test_group_silent_unless_mentioned_then_answers_mention(tg: BotHarness):
    await tg.start()
    tg.fake.send_text(GROUP, ZHIDOU_RU, user_id=7)
    tg.fake.send_text(GROUP, "/ask@some_other_bot " + ZHIDOU_RU, user_id=7)
    question = tg.fake.send_text(GROUP, f"@{BOT_NAME} {ZHIDOU_RU}", user_id=7)
    [msg] = await tg.wait_sent(GROUP)
    assert "2019" in msg["text"]
    assert msg["reply_parameters"]["message_id"] == question["message_id"]
    # positive signal: a second addressed question is answered, and nothing else was sent
    second = tg.fake.send_text(GROUP, f"@{BOT_NAME} What is Haima?", user_id=7)
    sent = await tg.wait_sent(GROUP, 2)
    assert len(sent) == 2 and sent[1]["reply_parameters"]["message_id"] == second["message_id"]


async def test_group_reply_to_bot_continues_that_thread_only(tg: BotHarness):
    await tg.start()
    alice_q = tg.fake.send_text(GROUP, f"@{BOT_NAME} {ZHIDOU_RU}", user_id=7)
    [first] = await tg.wait_sent(GROUP)
    bob_q = tg.fake.send_text(GROUP, f"/ask@{BOT_NAME} What is Haima?", user_id=8)
    await tg.wait_sent(GROUP, 2)
    tg.fake.send_text(GROUP, "What happened to Zhidou?", user_id=7, reply_to=first["message_id"])
    third = (await tg.wait_sent(GROUP, 3))[2]
    assert third["reply_parameters"] is not None
    assert tg.answerer is not None
    alice = tg.answerer.last_answer(f"tg:{GROUP}:{alice_q['message_id']}")
    bob = tg.answerer.last_answer(f"tg:{GROUP}:{bob_q['message_id']}")
    assert alice is not None and alice.question.startswith("What happened to Zhidou")
    assert bob is not None and "Haima" in bob.question


async def test_group_brief_with_botname(tg: BotHarness):
    await tg.start()
    msg = await tg.ask(GROUP, f"/brief@{BOT_NAME}", user_id=7)
    assert msg["text"] != OOPS
    assert "[1]" in msg["text"]


async def test_sticker_caption_and_edit_never_crash(tg: BotHarness):
    await tg.start()
    sticker = await tg.ask(114, None, sticker=True)
    assert sticker["text"] == NON_TEXT
    captioned = await tg.ask(114, None, caption=ZHIDOU_RU)
    assert "2019" in captioned["text"]
    tg.fake.send_text(114, "edited question", edited=True)
    tg.fake.send_text(GROUP, None, sticker=True, user_id=7)  # group sticker: silence
    tg.fake.send_text(GROUP, f"@{BOT_NAME} {ZHIDOU_RU}", user_id=7)  # the positive signal
    [group_answer] = await tg.wait_sent(GROUP)
    assert "2019" in group_answer["text"]
    after = await tg.ask(114, ZHIDOU_RU)
    assert "2019" in after["text"] and len(tg.fake.sent(114)) == 3  # the edit got nothing


async def test_very_long_question_gets_a_sensible_reply(tg: BotHarness):
    await tg.start()
    msg = await tg.ask(115, ("Когда обанкротилась Zhidou? " * 200)[:5000])
    assert msg["text"] != OOPS
    assert 0 < len(msg["text"]) <= 4096


async def test_retry_after_429_is_waited_out_without_losing_the_reply(tg: BotHarness):
    await tg.start()
    tg.fake.inject("sendMessage", "429", retry_after=1, chat_id=116)
    msg = await tg.ask(116, ZHIDOU_RU)
    assert "2019" in msg["text"]
    assert len(tg.fake.calls_of("sendMessage", 116)) == 2  # the refused try + the retry


async def test_dropped_connections_are_survived(tg: BotHarness):
    await tg.start()
    tg.fake.inject("getUpdates", "drop")
    tg.fake.inject("sendMessage", "drop", chat_id=117)
    msg = await tg.ask(117, ZHIDOU_RU)
    assert "2019" in msg["text"]


async def test_blocked_bot_stops_without_looping(tg: BotHarness):
    await tg.start()
    tg.fake.inject("sendMessage", "403", chat_id=118, times=5)
    tg.fake.send_text(118, ZHIDOU_RU)
    await tg.wait_for(lambda: tg.fake.calls_of("sendMessage", 118))
    tg.fake.send_text(118, ZHIDOU_RU)  # a second question: refused once more, not looping
    await tg.wait_for(lambda: len(tg.fake.calls_of("sendMessage", 118)) >= 2)
    assert "2019" in (await tg.ask(1180, ZHIDOU_RU))["text"]
    assert len(tg.fake.calls_of("sendMessage", 118)) == 2


async def test_chat_migration_resends_to_the_supergroup(tg: BotHarness):
    await tg.start()
    tg.fake.inject("sendMessage", "migrate", chat_id=GROUP, migrate_to=-100500)
    tg.fake.send_text(GROUP, f"@{BOT_NAME} {ZHIDOU_RU}", user_id=7)
    [msg] = await tg.wait_sent(-100500)
    assert "2019" in msg["text"]


async def test_allowlist_refuses_others(tg: BotHarness):
    await tg.start(allowed_chats="119")
    refused = await tg.ask(120, ZHIDOU_RU)
    assert refused["text"] == t("not_allowed", "ru")  # no language_code: the question's
    tg.fake.send_text(GROUP, "chatting among ourselves", user_id=7)
    allowed = await tg.ask(119, ZHIDOU_RU)
    assert "2019" in allowed["text"]
    assert tg.fake.sent(GROUP) == []


async def test_per_user_rate_limit_is_polite(tg: BotHarness):
    await tg.start(user_rate_limit=1)
    await tg.ask(121, ZHIDOU_RU)
    second = await tg.ask(121, "When did Zhidou go bankrupt?")
    assert "try again in" in second["text"]


async def test_busy_group_gets_a_queued_notice(tg: BotHarness):
    await tg.start(group_busy_threshold=1)
    tg.fake.send_text(GROUP, f"@{BOT_NAME} {ZHIDOU_RU}", user_id=7)
    await tg.wait_sent(GROUP)
    tg.fake.send_text(GROUP, f"@{BOT_NAME} What is Haima?", user_id=8)
    sent = await tg.wait_sent(GROUP, 3)
    assert sum(m["text"] == BUSY for m in sent) == 1


async def test_subscribe_fires_briefing_and_survives_restart(tg: BotHarness):
    tg.fake.admins[GROUP] = {7}
    app = await tg.start()
    denied = await tg.ask(GROUP, f"/subscribe@{BOT_NAME} 08:30", user_id=8)
    assert "admins" in denied["text"]
    ok = await tg.ask(GROUP, f"/subscribe@{BOT_NAME} 08:30", user_id=7)
    assert "08:30" in ok["text"]
    [job] = app.job_queue.get_jobs_by_name(f"brief:{GROUP}")  # type: ignore[union-attr]
    before = len(tg.fake.sent(GROUP))
    await job.run(app)  # the job queue firing it
    brief = (await tg.wait_sent(GROUP, before + 1))[before]
    assert "[1]" in brief["text"] and "reply_parameters" not in brief

    await tg.stop()
    app = await tg.start()
    [job] = app.job_queue.get_jobs_by_name(f"brief:{GROUP}")  # type: ignore[union-attr]
    assert (job.next_t.hour, job.next_t.minute) == (8, 30)  # UTC, the default time zone
    off = await tg.ask(GROUP, f"/unsubscribe@{BOT_NAME}", user_id=7)
    assert "Unsubscribed" in off["text"]


async def test_follow_up_in_private_uses_the_conversation(tg: BotHarness):
    await tg.start()
    await tg.ask(122, ZHIDOU_RU)
    follow = await tg.ask(122, "А кто ей помог?")
    assert "Geely" in follow["text"] or "Aima" in follow["text"]


async def test_llm_answer_streams_by_editing_its_message(tg: BotHarness, fake_openai: FakeOpenAI):
    from tests.test_llm_answers import cite_where

    fake_openai.reply(cite_where("2019", "Zhidou went bankrupt in 2019 & restructured"))
    await tg.start(OPENAI_API_KEY="sk-test-key-123456", OPENAI_BASE_URL=fake_openai.url,
                   llm_model="fake-model", llm_retries=0)
    tg.fake.send_text(123, "When did Zhidou go bankrupt?")
    edit = await tg.wait_for(lambda: tg.fake.calls_of("editMessageText", 123))
    [draft] = tg.fake.sent(123)
    assert draft["text"].startswith("Zhidou went bankrupt") and "<b>" not in draft["text"]
    final = edit[-1].params["text"]
    assert "2019 &amp; restructured" in final and "<b>Sources</b>" in final
    assert edit[-1].params["message_id"] == draft["message_id"]


async def test_group_upgrade_moves_the_briefing_to_the_supergroup(tg: BotHarness):
    tg.fake.admins[GROUP] = {7}
    app = await tg.start()
    await tg.ask(GROUP, f"/subscribe@{BOT_NAME} 09:15", user_id=7)
    tg.fake.migrate(GROUP, -100777)
    jobs = await tg.wait_for(lambda: app.job_queue.get_jobs_by_name("brief:-100777"))  # type: ignore[union-attr]
    assert (jobs[0].next_t.hour, jobs[0].next_t.minute) == (9, 15)
    assert not app.job_queue.get_jobs_by_name(f"brief:{GROUP}")  # type: ignore[union-attr]


async def test_start_help_unknown_and_buttons(tg: BotHarness):
    await tg.start()
    start = await tg.ask(124, "/start")
    assert "1 source document" in start["text"] and ZHIDOU_RU in start["text"]
    assert "/sources" in (await tg.ask(124, "/help"))["text"]
    assert "/help" in (await tg.ask(124, "/nonsense"))["text"]
    assert "admins" in (await tg.ask(124, "/reindex"))["text"]
    assert "/ask" in (await tg.ask(124, "/ask"))["text"]  # no question: a hint
    tg.fake.push({"callback_query": {
        "id": "cb1", "chat_instance": "ci", "data": "old-button",
        "from": {"id": 124, "is_bot": False, "first_name": "U"},
    }})
    await tg.wait_for(lambda: tg.fake.calls_of("answerCallbackQuery"))


async def test_memory_and_threads_survive_a_restart(tg: BotHarness):
    await tg.start()
    await tg.ask(125, ZHIDOU_RU)
    question = tg.fake.send_text(GROUP, f"@{BOT_NAME} {ZHIDOU_RU}", user_id=7)
    [answer] = await tg.wait_sent(GROUP)
    await tg.stop()
    await tg.start()
    follow = await tg.ask(125, "А кто ей помог?")
    assert "Geely" in follow["text"] or "Aima" in follow["text"]
    tg.fake.send_text(GROUP, "А кто ей помог?", user_id=7, reply_to=answer["message_id"])
    await tg.wait_sent(GROUP, 2)
    assert tg.answerer is not None
    thread = tg.answerer.last_answer(f"tg:{GROUP}:{question['message_id']}")
    assert thread is not None and thread.question == "А кто ей помог?"


async def test_watched_sources_folder_is_reindexed_by_the_bot(tmp_path, library_factory):  # type: ignore[no-untyped-def]
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    library = library_factory(sources)
    library.ingest()
    with FakeBotAPI() as fake:
        bot = BotHarness(fake, tmp_path / "bot", library)
        try:
            await bot.start(watch_sources_s=0.2)
            (sources / "lighthouse.txt").write_text(
                "The Aldergrove lighthouse was painted green in 1911 by Mara Quill.\n",
                encoding="utf-8",
            )
            await bot.wait_for(lambda: "lighthouse.txt" in library.stats().sources)
            msg = await bot.ask(126, "Who painted the Aldergrove lighthouse?")
            assert "Mara Quill" in msg["text"] and "lighthouse.txt" in msg["text"]
        finally:
            await bot.stop()
