"""Building the updates a user's Telegram client would cause: text messages with their
command/mention entities, stickers, captioned photos, documents, replies, edits, button presses
and group migration."""

from __future__ import annotations

import itertools
import re
import time
from typing import Any


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class UpdateBuilder:
    """Mixin for the fake Bot API: turns user actions into queued updates."""

    _chats: dict[int, dict[str, Any]]
    _messages: dict[tuple[int, int], dict[str, Any]]
    _message_ids: itertools.count
    files: dict[str, tuple[str, bytes]]

    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (implemented by the server)."""
        raise NotImplementedError

    def chat(self, chat_id: int, kind: str | None = None, title: str = "Test group") -> dict:
        """The chat object for `chat_id` (private if positive, else a group)."""
        if chat_id not in self._chats:
            kind = kind or ("private" if chat_id > 0 else "group")
            chat: dict[str, Any] = {"id": chat_id, "type": kind}
            if kind == "private":
                chat["first_name"] = f"User{chat_id}"
            else:
                chat["title"] = title
            self._chats[chat_id] = chat
        return self._chats[chat_id]

    def send_text(
        self,
        chat_id: int,
        text: str | None,
        *,
        user_id: int | None = None,
        reply_to: int | None = None,
        edited: bool = False,
        sticker: bool = False,
        caption: str | None = None,
        kind: str | None = None,
        language: str | None = None,
        document: tuple[str, bytes] | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """Push a user's message (text, sticker, captioned photo or a document (file name,
        content) served by the file endpoint) as an update; `language` = the user's client
        language_code."""
        user_id = user_id if user_id is not None else abs(chat_id)
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language:
            user["language_code"] = language
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, kind),
            "from": user,
        }
        if document is not None:
            file_id = f"doc{len(self.files) + 1}"
            self.files[file_id] = document
            msg["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                               "file_name": document[0],
                               "file_size": file_size or len(document[1])}
        if text is not None:
            msg["text"] = text
            ents = self._entities(text)
            if ents:
                msg["entities"] = ents
        if sticker:
            msg["sticker"] = {
                "file_id": "stk1", "file_unique_id": "u1", "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "type": "regular",
            }
        if caption is not None:
            if document is None:
                msg["photo"] = [
                    {"file_id": "ph1", "file_unique_id": "p1", "width": 90, "height": 90}
                ]
            msg["caption"] = caption
            ents = self._entities(caption)
            if ents:
                msg["caption_entities"] = ents
        if reply_to is not None:
            msg["reply_to_message"] = self._messages[(chat_id, reply_to)]
        if edited:
            msg["edit_date"] = int(time.time())
        self._messages[(chat_id, msg["message_id"])] = msg
        self.push({"edited_message" if edited else "message": msg})
        return msg

    def press(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None,
              language: str | None = None) -> None:
        """Push a press of an inline button (callback data `data`) under a bot message."""
        user_id = user_id if user_id is not None else abs(chat_id)
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language:
            user["language_code"] = language
        self.push({"callback_query": {
            "id": str(next(self._message_ids)), "from": user, "chat_instance": "ci",
            "data": data, "message": self._messages[(chat_id, message_id)],
        }})

    def migrate(self, old_chat_id: int, new_chat_id: int) -> None:
        """Push the service message announcing a group's upgrade to a supergroup."""
        msg = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(old_chat_id),
            "from": {"id": 1, "is_bot": False, "first_name": "Admin"},
            "migrate_to_chat_id": new_chat_id,
        }
        self.chat(new_chat_id, "supergroup")
        self.push({"message": msg})

    def _entities(self, text: str) -> list[dict[str, Any]]:
        ents: list[dict[str, Any]] = []
        m = re.match(r"/\w+(@\w+)?", text)
        if m:
            ents.append({"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))})
        for m in re.finditer(r"@\w+", text):
            if ents and ents[0]["type"] == "bot_command" and m.start() < ents[0]["length"]:
                continue  # the @botname of a /cmd@botname command
            ents.append({
                "type": "mention",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group(0)),
            })
        return ents
