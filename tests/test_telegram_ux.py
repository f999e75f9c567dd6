"""The bot as a Russian or English user meets it, and as an admin who sends it documents: the
real Application against the fake Bot API (with its file endpoint), on a copy of the seeds."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import t
from tests.conftest import SEED_FILE, SEEDS
from tests.fake_bot_api import FakeBotAPI
from tests.telegram_harness import BotHarness

ADMIN = 501
USER = 502
LIGHTHOUSE = (
    "Aldergrove lighthouse\n\nThe Aldergrove lighthouse was painted green in 1911 by Mara Quill. "
    "Its lamp was first lit on a stormy night in October.\n"
)


@pytest.fixture
async def bot(tmp_path: Path, library_factory) -> AsyncIterator[BotHarness]:  # type: ignore[no-untyped-def]
    sources = tmp_path / "sources"
    shutil.copytree(SEEDS, sources)
    library = library_factory(sources)
    library.ingest()
    with FakeBotAPI() as fake:
        harness = BotHarness(fake, tmp_path / "bot", library)
        await harness.start(admin_ids=str(ADMIN))
        try:
            yield harness
        finally:
            await harness.stop()


async def test_russian_and_english_users_get_their_language(bot: BotHarness):
    ru_start = await bot.ask(601, "/start", language="ru")
    assert ru_start["text"].startswith("Привет!")
    ru_help = await bot.ask(601, "/help", language="ru")
    assert "/sources — Полные цитаты" in ru_help["text"]
    ru_answer = await bot.ask(601, "Когда обанкротилась Zhidou?", language="ru")
    assert "Источники" in ru_answer["text"] and SEED_FILE in ru_answer["text"]
    ru_sticker = await bot.ask(601, None, sticker=True, language="ru")
    assert ru_sticker["text"] == t("non_text", "ru")
    en_start = await bot.ask(602, "/start", language="en")
    assert en_start["text"].startswith("Hi!")
    en_answer = await bot.ask(602, "Когда обанкротилась Zhidou?", language="en")
    assert "Sources" in en_answer["text"]
    menus = {c.params.get("language_code"): c.params["commands"]
             for c in bot.fake.calls_of("setMyCommands")}
    assert {None, "ru"} <= set(menus)
    assert any(c["description"].startswith("Задать вопрос") for c in menus["ru"])


async def test_group_language_is_set_by_admins(bot: BotHarness):
    bot.fake.admins[-700] = {7}
    denied = await bot.ask(-700, "/language ru", user_id=8, language="en")
    assert denied["text"] == t("group_admins_only", "en")
    ok = await bot.ask(-700, "/language ru", user_id=7, language="en")
    assert ok["text"] == t("language_set", "ru")
    helped = await bot.ask(-700, "/help", user_id=8, language="en")
    assert helped["text"].startswith("Я отвечаю")


async def test_sources_button_returns_the_quotes_even_after_a_restart(bot: BotHarness):
    answer = await bot.ask(603, "When did Zhidou go bankrupt?", language="en")
    [[button]] = answer["reply_markup"]["inline_keyboard"]
    assert button["text"] == "Sources" and len(button["callback_data"]) <= 64
    await bot.stop()
    await bot.start(admin_ids=str(ADMIN))
    before = len(bot.fake.sent(603))
    bot.fake.press(603, answer["message_id"], button["callback_data"], language="en")
    quotes = (await bot.wait_sent(603, before + 1))[before]
    assert "Sources for:" in quotes["text"] and SEED_FILE in quotes["text"]
    assert quotes["reply_parameters"]["message_id"] == answer["message_id"]
    assert bot.fake.calls_of("answerCallbackQuery")


async def test_admin_upload_is_indexed_answerable_and_briefed_as_new(bot: BotHarness):
    first = await bot.ask(ADMIN, "/brief new", language="en")
    assert SEED_FILE in first["text"]  # a chat's first what's-new briefing: everything
    again = await bot.ask(ADMIN, "/brief new", language="en")
    assert again["text"].startswith("Nothing new")
    done = await bot.ask(ADMIN, None, document=("lighthouse.txt", LIGHTHOUSE.encode()),
                         language="en")
    assert "Indexed lighthouse.txt" in done["text"], done["text"]
    assert bot.fake.calls_of("getFile") and bot.fake.calls_of("download")
    answer = await bot.ask(ADMIN, "Who painted the Aldergrove lighthouse?", language="en")
    assert "Mara Quill" in answer["text"] and "uploads/lighthouse.txt" in answer["text"]
    news = await bot.ask(ADMIN, "/brief new", language="en")
    assert "uploads/lighthouse.txt" in news["text"] and SEED_FILE not in news["text"]
    assert "[1]" in news["text"]
    quiet = await bot.ask(ADMIN, "/brief new", language="en")
    assert quiet["text"].startswith("Nothing new")
    replaced = await bot.ask(ADMIN, None, language="en", document=(
        "lighthouse.txt", (LIGHTHOUSE + "\nIt was repainted red in 1950.\n").encode()))
    assert "Replaced lighthouse.txt" in replaced["text"]
    gone = await bot.ask(ADMIN, "/forget lighthouse.txt", language="en")
    assert "Removed lighthouse.txt" in gone["text"]
    assert "uploads/lighthouse.txt" not in bot.library.stats().sources


async def test_non_admin_and_broken_uploads_change_nothing(bot: BotHarness):
    sources_before = bot.library.stats().sources
    refused = await bot.ask(USER, None, document=("notes.txt", b"Secret plans."),
                            language="ru")
    assert refused["text"] == t("upload_admins_only", "ru")
    assert not bot.fake.calls_of("getFile")
    broken = await bot.ask(ADMIN, None, document=("report.pdf", b"%PDF-1.4 this is not a pdf"),
                           language="en")
    assert "couldn't read report.pdf" in broken["text"], broken["text"]
    unsupported = await bot.ask(ADMIN, None, document=("song.mp3", b"ID3"), language="en")
    assert "can't index song.mp3" in unsupported["text"]
    big = await bot.ask(ADMIN, None, document=("big.pdf", b"%PDF"), file_size=25 * 2**20,
                        language="en")
    assert "too large" in big["text"] and "20 MB" in big["text"]
    assert len(bot.fake.calls_of("getFile")) == 1  # only the broken PDF was downloaded
    assert bot.library.stats().sources == sources_before
    uploads = Path(bot.library.sources_dir) / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())


async def test_group_uploads_need_add_and_an_admin(bot: BotHarness):
    group = -800
    bot.fake.send_text(group, None, user_id=ADMIN, document=("plain.txt", b"Just a file."))
    refused = await bot.ask(group, "/add", user_id=USER, reply_to=None)
    assert refused["text"] == t("add_reply", "en")  # /add not replying to a document
    doc = bot.fake.send_text(group, None, user_id=USER, language="en",
                             document=("notes.txt", b"Harbor notes."), caption="/add")
    denied = (await bot.wait_sent(group, 2))[1]
    assert denied["text"] == t("upload_admins_only", "en")
    added = await bot.ask(group, "/add", user_id=ADMIN, reply_to=doc["message_id"],
                          language="en")
    assert "Indexed notes.txt" in added["text"]
    assert len(bot.fake.calls_of("download")) == 1  # the refused upload was never fetched


async def test_start_lists_the_indexed_sources_shortened(tmp_path: Path, library_factory):  # type: ignore[no-untyped-def]
    """/start shows what `citebot sources` lists (name, format, passages), the first ten and
    how many more, in the user's language."""
    sources = tmp_path / "many"
    sources.mkdir()
    for n in range(12):
        (sources / f"note_{n:02d}.md").write_text(
            f"# Note {n}\n\nThe harbour crane number {n} was repaired in spring {2000 + n}.\n",
            encoding="utf-8",
        )
    library = library_factory(sources)
    library.ingest()
    entries, _ = library.documents()
    assert len(entries) == 12
    with FakeBotAPI() as fake:
        harness = BotHarness(fake, tmp_path / "bot", library)
        await harness.start()
        try:
            en = (await harness.ask(701, "/start", language="en"))["text"]
            ru = (await harness.ask(702, "/start", language="ru"))["text"]
        finally:
            await harness.stop()
    assert "Indexed sources:" in en and "• note_00.md (markdown, passages: 1)" in en
    assert "note_09.md" in en and "note_10.md" not in en and "note_11.md" not in en
    assert "… and 2 more" in en
    assert "Проиндексированы:" in ru and "• note_00.md (markdown, фрагментов: 1)" in ru
    assert "… и ещё 2" in ru
