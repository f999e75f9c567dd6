"""The message catalogue's wording: every user-facing string of the bot and the CLI, by key, in
English and Russian (`bot/i18n.py` picks the language and formats)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # ----- answers (both front ends) -----
    "sources": {"en": "Sources", "ru": "Источники"},
    "closest": {"en": "Closest I found (not an answer)",
                "ru": "Ближайшее, что я нашёл (это не ответ)"},
    "no_answer": {"en": "(no answer)", "ru": "(нет ответа)"},
    "sources_for": {"en": "Sources for: {question}", "ru": "Источники к вопросу: {question}"},
    "no_sources": {"en": "No sources yet: ask me a question first.",
                   "ru": "Источников пока нет: сначала задайте вопрос."},
    "sources_expired": {"en": "Those sources are no longer stored; ask the question again.",
                        "ru": "Эти источники больше не хранятся; задайте вопрос ещё раз."},
    "question_in_words": {"en": "Please ask a question in words.",
                          "ru": "Пожалуйста, задайте вопрос словами."},
    "question_too_long": {
        "en": "That question is too long; please keep it under {limit} characters.",
        "ru": "Вопрос слишком длинный; пожалуйста, уложитесь в {limit} символов."},
    "error": {"en": "Error: {message}", "ru": "Ошибка: {message}"},
    # ----- Telegram -----
    "start": {
        "en": "Hi! I answer questions from {documents} source document(s) ({chunks} passages), "
              "citing the exact passage for every claim.",
        "ru": "Привет! Я отвечаю на вопросы по {documents} документам ({chunks} фрагментов) "
              "и для каждого утверждения цитирую точный фрагмент."},
    "start_documents": {"en": "Indexed sources:\n{lines}", "ru": "Проиндексированы:\n{lines}"},
    "start_document": {"en": "• {name} ({format}, passages: {passages})",
                       "ru": "• {name} ({format}, фрагментов: {passages})"},
    "start_more": {"en": "… and {count} more (citebot sources lists them all)",
                   "ru": "… и ещё {count} (полный список: citebot sources)"},
    "start_try": {"en": "Try asking:\n{examples}", "ru": "Попробуйте спросить:\n{examples}"},
    "start_help": {"en": "/help lists the commands.", "ru": "/help — список команд."},
    "help_intro": {
        "en": "I answer questions from my source documents and cite the exact passages [n].\n\n"
              "In a private chat just write your question. In a group, mention me "
              "(@{username} …), reply to one of my answers, or use /ask.",
        "ru": "Я отвечаю на вопросы по своим документам и цитирую точные фрагменты [n].\n\n"
              "В личном чате просто напишите вопрос. В группе упомяните меня (@{username} …), "
              "ответьте на мой ответ или используйте /ask."},
    "help_upload": {
        "en": "Admins: send me a .pdf, .docx, .txt, .md or .html file to add it "
              "(in a group: with /add as the caption or in reply to the file).",
        "ru": "Администраторы: пришлите мне файл .pdf, .docx, .txt, .md или .html, чтобы "
              "добавить его (в группе — с подписью /add или ответом /add на файл)."},
    "ask_empty": {"en": "Ask me a question, e.g. /ask … or @{username} …",
                  "ru": "Задайте мне вопрос, например /ask … или @{username} …"},
    "non_text": {
        "en": "I can only read text. Send me your question in words (a photo caption works too).",
        "ru": "Я понимаю только текст. Напишите вопрос словами (подпись к фото тоже подойдёт)."},
    "slow_down": {
        "en": "You're asking faster than I can answer well. Please try again in {s} s.",
        "ru": "Вы спрашиваете быстрее, чем я успеваю хорошо ответить. Попробуйте через {s} с."},
    "busy": {"en": "It's busy here: I'm answering in turn, so my reply may take a minute.",
             "ru": "Здесь много вопросов: я отвечаю по очереди, ответ может занять минуту."},
    "reset_reply": {"en": "Reply /reset to my answer to forget that thread.",
                    "ru": "Ответьте /reset на мой ответ, чтобы я забыл эту ветку."},
    "reset_done": {"en": "Done: I've forgotten our conversation.",
                   "ru": "Готово: я забыл наш разговор."},
    "admins_only": {"en": "Only the bot's admins can do that.",
                    "ru": "Это могут делать только администраторы бота."},
    "group_admins_only": {"en": "Only this group's admins can change that.",
                          "ru": "Это могут менять только администраторы группы."},
    "reindex_running": {"en": "Re-indexing is already running.",
                        "ru": "Переиндексация уже идёт."},
    "reindex_start": {"en": "Re-indexing the sources…", "ru": "Переиндексирую источники…"},
    "reindex_failed": {"en": "Re-indexing failed: {error}",
                       "ru": "Переиндексация не удалась: {error}"},
    "reindex_done": {
        "en": "Re-indexed in {seconds:.1f} s: {added} added, {updated} updated, {removed} "
              "removed, {unchanged} unchanged; {chunks} passages.",
        "ru": "Переиндексировано за {seconds:.1f} с: добавлено {added}, обновлено {updated}, "
              "удалено {removed}, без изменений {unchanged}; фрагментов: {chunks}."},
    "skipped": {"en": "Skipped: {items}", "ru": "Пропущено: {items}"},
    "unknown_command": {"en": "I don't know that command. /help lists mine.",
                        "ru": "Я не знаю такой команды. /help — список моих команд."},
    "not_allowed": {"en": "Sorry, this bot is private: this chat is not on its allowlist.",
                    "ru": "Извините, это закрытый бот: этого чата нет в списке разрешённых."},
    "oops": {"en": "Sorry, something went wrong while answering. Please try again in a moment.",
             "ru": "Извините, при ответе что-то пошло не так. Попробуйте ещё раз чуть позже."},
    "subscribe_usage": {"en": "Usage: /subscribe HH:MM, e.g. /subscribe 08:30",
                        "ru": "Использование: /subscribe ЧЧ:ММ, например /subscribe 08:30"},
    "subscribed": {
        "en": "Subscribed: a daily briefing of what's new here at {hhmm} ({tz}).",
        "ru": "Подписка оформлена: каждый день в {hhmm} ({tz}) — сводка того, что нового."},
    "unsubscribed": {"en": "Unsubscribed: no more daily briefings here.",
                     "ru": "Подписка отменена: ежедневных сводок здесь больше не будет."},
    "no_subscription": {"en": "This chat has no daily briefing.",
                        "ru": "В этом чате нет ежедневной сводки."},
    "brief_unavailable": {"en": "Today's briefing is unavailable: {error}",
                          "ru": "Сегодняшняя сводка недоступна: {error}"},
    "nothing_new": {"en": "Nothing new in the sources since the last briefing ({since}).",
                    "ru": "С прошлой сводки ({since}) в источниках ничего нового."},
    "nothing_new_ever": {"en": "The sources are empty: nothing to brief.",
                         "ru": "Источники пусты: сводить нечего."},
    "whats_new": {"en": "New or changed since {since}: {names}",
                  "ru": "Новое или изменённое с {since}: {names}"},
    "the_start": {"en": "the start", "ru": "начала"},
    "language_usage": {"en": "Usage: /language ru|en", "ru": "Использование: /language ru|en"},
    "language_set": {"en": "I'll speak English in this chat.",
                     "ru": "В этом чате я буду говорить по-русски."},
    "button_sources": {"en": "Sources", "ru": "Источники"},
    # ----- command descriptions (bot/telegram/commands.py) -----
    "cmd_ask": {"en": "Ask a question about the sources",
                "ru": "Задать вопрос по источникам"},
    "cmd_sources": {"en": "Full quotes behind the last answer",
                "ru": "Полные цитаты к последнему ответу"},
    "cmd_brief": {"en": "What's new, or a digest [topic]",
                "ru": "Что нового, или сводка [тема]"},
    "cmd_reset": {"en": "Forget the conversation",
                "ru": "Забыть разговор"},
    "cmd_language": {"en": "Language of this chat (ru/en)",
                "ru": "Язык этого чата (ru/en)"},
    "cmd_subscribe": {"en": "Daily what's-new briefing at HH:MM",
                "ru": "Ежедневная сводка нового в ЧЧ:ММ"},
    "cmd_unsubscribe": {"en": "Stop the daily briefing",
                "ru": "Отменить ежедневную сводку"},
    "cmd_start": {"en": "What I know",
                "ru": "Что я знаю"},
    "cmd_help": {"en": "How to use me",
                "ru": "Как мной пользоваться"},
    "cmd_add": {"en": "Add the document replied to (admins)",
                "ru": "Добавить документ, на который вы ответили (админы)"},
    "cmd_forget": {"en": "Remove an uploaded document (admins)",
                "ru": "Удалить загруженный документ (админы)"},
    "cmd_reindex": {"en": "Re-read the sources (admins)",
                "ru": "Перечитать источники (админы)"},
    # ----- uploads -----
    "upload_admins_only": {
        "en": "Only the bot's admins can add documents.",
        "ru": "Добавлять документы могут только администраторы бота."},
    "upload_too_big": {
        "en": "{name} is too large ({mb:.1f} MB): bots can download files up to 20 MB.",
        "ru": "{name} слишком большой ({mb:.1f} МБ): боты могут скачивать файлы до 20 МБ."},
    "upload_unsupported": {
        "en": "I can't index {name}: send a .pdf, .docx, .txt, .md or .html file.",
        "ru": "Не могу проиндексировать {name}: пришлите файл .pdf, .docx, .txt, .md или .html."},
    "upload_unreadable": {"en": "I couldn't read {name}: {why}. Nothing was changed.",
                          "ru": "Не удалось прочитать {name}: {why}. Ничего не изменено."},
    "upload_failed": {"en": "Adding {name} failed: {error}. Nothing was changed.",
                      "ru": "Не удалось добавить {name}: {error}. Ничего не изменено."},
    "upload_indexed": {"en": "Indexed {name}: {passages} passages. Ask me about it.",
                       "ru": "Проиндексирован {name}: {passages} фрагментов. Спрашивайте."},
    "upload_replaced": {
        "en": "Replaced {name} with the new version: {passages} passages.",
        "ru": "{name} заменён новой версией: {passages} фрагментов."},
    "upload_unchanged": {"en": "{name} is already indexed and unchanged.",
                         "ru": "{name} уже проиндексирован и не изменился."},
    "add_reply": {"en": "Reply /add to a document (or send it with /add as the caption).",
                  "ru": "Ответьте /add на документ (или пришлите его с подписью /add)."},
    "upload_busy": {"en": "The index is being updated; send the file again in a minute.",
                    "ru": "Индекс сейчас обновляется; пришлите файл ещё раз через минуту."},
    "forget_usage": {"en": "Usage: /forget NAME (an uploaded document: {names})",
                     "ru": "Использование: /forget ИМЯ (загруженный документ: {names})"},
    "forget_missing": {"en": "No uploaded document is called {name}.",
                       "ru": "Загруженного документа {name} нет."},
    "forgot": {"en": "Removed {name} from the sources.", "ru": "{name} удалён из источников."},
    "none": {"en": "none", "ru": "нет"},
    # ----- CLI help (bot/cli.py) -----
    "help_cli": {
        "en": "citebot: answers from your documents, with citations.\n\nTry: citebot "
              "ask \"When did Zhidou go bankrupt?\"   or   citebot chat",
        "ru": "citebot: ответы по вашим документам, со ссылками.\n\nПопробуйте: "
              "citebot ask \"Когда обанкротилась Zhidou?\"   или   citebot chat"},
    "help_ask": {
        "en": "Answer one QUESTION from the sources, with citations.",
        "ru": "Ответить на вопрос QUESTION по источникам, со ссылками."},
    "help_chat": {
        "en": "Chat with follow-up questions (line editing and history; /help inside).",
        "ru": "Разговор с уточняющими вопросами (редактирование строки и история; "
              "внутри — /help)."},
    "help_brief": {
        "en": "A cited digest of the sources, or of what matches TOPIC; `brief new`: what was "
              "added or changed since the last `brief new`.",
        "ru": "Сводка источников со ссылками, или того, что относится к теме TOPIC; "
              "`brief new`: что добавилось или изменилось с прошлого `brief new`."},
    "help_ingest": {
        "en": "Index the sources (default: the sources folder and everything indexed before).",
        "ru": "Проиндексировать источники (по умолчанию: папку источников и всё, что "
              "индексировалось раньше)."},
    "help_eval": {
        "en": "Measure retrieval and answers on a QUESTIONS file (format: shared/eval/README.md).",
        "ru": "Оценить поиск и ответы на файле вопросов QUESTIONS (формат: "
              "shared/eval/README.md)."},
    "help_stats": {
        "en": "Documents, chunks, index location and embedding model.",
        "ru": "Документы, фрагменты, расположение индекса и модель эмбеддингов."},
    "help_serve": {
        "en": "Run the Telegram bot (long polling; a webhook if CITEBOT_WEBHOOK_URL is set).",
        "ru": "Запустить Telegram-бота (long polling; вебхук, если задан CITEBOT_WEBHOOK_URL)."},
    "help_sources": {
        "en": "List the indexed documents (path, format, passages, when) and what was skipped.",
        "ru": "Список проиндексированных документов (путь, формат, фрагменты, когда) и "
              "пропущенного."},
    "help_forget": {
        "en": "Stop tracking a file or folder and remove its passages from the index.",
        "ru": "Перестать отслеживать файл или папку и удалить их фрагменты из индекса."},
    "help_opt_verbose": {
        "en": "Show retrieval details and log more.",
        "ru": "Показывать подробности поиска и писать больше в журнал."},
    "help_opt_json": {
        "en": "Print one JSON object.",
        "ru": "Вывести один JSON-объект."},
    "help_opt_corpus": {
        "en": "Evaluate on a temporary index of this folder (your index is untouched).",
        "ru": "Оценить на временном индексе этой папки (ваш индекс не меняется)."},
    "help_opt_k": {
        "en": "Passages retrieved per question.",
        "ru": "Сколько фрагментов искать на вопрос."},
    "help_opt_eval_json": {
        "en": "Print one JSON object as the last line.",
        "ru": "Вывести один JSON-объект последней строкой."},
    "help_opt_by_lang": {
        "en": "Report each question language apart.",
        "ru": "Отчёт отдельно по языкам вопросов."},
    "help_opt_out": {
        "en": "Write per-question results (JSON lines) here.",
        "ru": "Записать результаты по вопросам (JSON lines) сюда."},
    "help_opt_help": {
        "en": "Show this message and exit.",
        "ru": "Показать эту справку и выйти."},
    # ----- CLI -----
    "cli_chat_intro": {"en": "Ask a question (/help lists the commands; Ctrl-D quits).",
                       "ru": "Задайте вопрос (/help — команды; Ctrl-D — выход)."},
    "cli_chat_help": {
        "en": "/sources  the quotes behind the last answer\n/reset    forget the conversation\n"
              "/help     this list\n/quit     leave (also Ctrl-D or Ctrl-C twice)\n"
              "Ctrl-C while answering cancels the answer.",
        "ru": "/sources  цитаты к последнему ответу\n/reset    забыть разговор\n"
              "/help     этот список\n/quit     выйти (также Ctrl-D или дважды Ctrl-C)\n"
              "Ctrl-C во время ответа отменяет ответ."},
    "cli_unknown": {"en": "Unknown command {command}: /help lists the commands.",
                    "ru": "Неизвестная команда {command}: /help — список команд."},
    "cli_forgotten": {"en": "Conversation forgotten.", "ru": "Разговор забыт."},
    "cli_no_answer": {"en": "No answer yet.", "ru": "Ответа ещё не было."},
    "model_reading": {"en": "The model is reading the sources…",
                      "ru": "Модель читает источники…"},
    "cli_cancelled": {"en": "(cancelled; Ctrl-C again or Ctrl-D quits)",
                      "ru": "(отменено; ещё раз Ctrl-C или Ctrl-D — выход)"},
    "cli_index_empty": {"en": "The index is empty; indexing the sources first.",
                        "ru": "Индекс пуст; сначала индексирую источники."},
    "cli_index_rebuilt": {
        "en": "The index was unreadable; it was moved to {path} and is rebuilt from the sources.",
        "ru": "Индекс не читался; он перенесён в {path} и строится заново из источников."},
    "legacy_imported": {
        "en": "Moved {count} record(s) from {path} into the SQLite state "
              "(kept as {path}.imported).",
        "ru": "Перенесено записей: {count} из {path} в базу SQLite (файл сохранён как "
              "{path}.imported)."},
    "cli_retrieval": {"en": "Retrieved for {query!r}:", "ru": "Найдено по запросу {query!r}:"},
}

# Notes the answering service attaches to an answer (English), sentence by sentence in Russian.
NOTES_RU: dict[str, str] = {
    "The language model server could not be reached.":
        "Сервер языковой модели недоступен.",
    "The language model timed out.": "Языковая модель не ответила вовремя.",
    "The language model took too long to answer.": "Языковая модель отвечала слишком долго.",
    "The language model is paused after repeated failures.":
        "Языковая модель временно отключена после повторных сбоев.",
    "The language model returned an empty answer.": "Языковая модель вернула пустой ответ.",
    "This is the offline answer.": "Это офлайн-ответ.",
    "This is the offline briefing.": "Это офлайн-сводка.",
    "The model's briefing had no valid citation.": "В сводке модели не было верных ссылок.",
    "The language model's answer had no valid citation; this is the offline answer.":
        "В ответе языковой модели не было верных ссылок; это офлайн-ответ.",
    "Unsupported statements or citations were removed from the model's answer.":
        "Из ответа модели удалены неподтверждённые утверждения или ссылки.",
    "The language model answered in another language; this is the offline answer.":
        "Языковая модель ответила на другом языке; это офлайн-ответ.",
    "The language model wrote in another language; this is the offline briefing.":
        "Языковая модель написала на другом языке; это офлайн-сводка.",
    "The language model's answer is not supported by the sources; this is the offline answer.":
        "Ответ языковой модели не подтверждается источниками; это офлайн-ответ.",
    "The language model's answer is not supported by the sources; it is not shown.":
        "Ответ языковой модели не подтверждается источниками; он не показан.",
    "The model's briefing had no statement the sources support; this is the offline briefing.":
        "В сводке модели нет утверждений, подтверждённых источниками; это офлайн-сводка.",
}
