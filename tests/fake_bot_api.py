"""A small fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

It speaks enough of the Bot API for python-telegram-bot: getMe, deleteWebhook, getUpdates
(long polling), sendMessage (returning a full Message), editMessageText, sendChatAction,
setMyCommands, answerCallbackQuery, getChatMember, getFile and the file download endpoint
(`/file/bot<token>/<path>`) for documents users send. Requests arrive form-encoded (every value a
string, objects JSON-encoded). Every call is recorded; 429 `retry_after`, 403, chat migration and
dropped connections can be injected.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

from tests.fake_bot_updates import UpdateBuilder

TEST_TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijk"
_RAW_FIELDS = {"text", "parse_mode", "action", "caption", "secret_token", "url", "description"}
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Call:
    """One recorded Bot API request."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """An injected failure for the next `times` calls of `method` (optionally for one chat)."""

    method: str
    kind: str  # "429" | "403" | "migrate" | "drop"
    times: int = 1
    chat_id: int | None = None
    retry_after: int = 1
    migrate_to: int = 0


class FakeBotAPI(UpdateBuilder):
    """The fake server. Use as a context manager or call start()/stop()."""

    def __init__(
        self, token: str = TEST_TOKEN, username: str = "citebot_test_bot", bot_id: int = 4242
    ) -> None:
        self.token = token
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "Citebot", "username": username}
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.admins: dict[int, set[int]] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (name, content)
        self._updates: list[dict[str, Any]] = []
        self._chats: dict[int, dict[str, Any]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -----
    def start(self) -> FakeBotAPI:
        """Start serving on a free port of 127.0.0.1."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                return

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the server and wake any long poll."""
        with self._cond:
            self._cond.notify_all()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """python-telegram-bot's `base_url` form: the token is appended to it."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # ----- updates (building them: see UpdateBuilder) -----
    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates; returns its update_id."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
        return update["update_id"]

    def inject(self, method: str, kind: str, **kw: Any) -> None:
        """Make the next call(s) of `method` fail: "429", "403", "migrate" or "drop"."""
        with self._cond:
            self.faults.append(Fault(method, kind, **kw))

    # ----- inspecting -----
    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        """Recorded calls of `method` (optionally to one chat), oldest first."""
        with self._cond:
            return [
                c for c in self.calls
                if c.method == method and (chat_id is None or c.params.get("chat_id") == chat_id)
            ]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Successful sendMessage params (with the assigned `message_id`), oldest first."""
        return [c.params for c in self.calls_of("sendMessage", chat_id) if "message_id" in c.params]

    def wait_for(self, predicate: Any, timeout: float = 20.0) -> Any:
        """Wait until `predicate()` is truthy; return its value or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.02)
        raise TimeoutError("fake Bot API: condition not met in time")

    def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 20.0) -> list[dict]:
        """Wait until `count` messages were delivered to `chat_id`."""
        return self.wait_for(lambda: (s := self.sent(chat_id)) and len(s) >= count and s, timeout)

    # ----- serving -----
    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        download = re.match(r"^/file/bot([^/]+)/(\w+)/", req.path)
        if download:
            return self._download(req, unquote(download.group(1)), download.group(2))
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length).decode() if length else ""
        m = re.match(r"^/bot([^/]+)/(\w+)", req.path)
        if not m or m.group(1) != self.token:
            return self._reply(req, 401, {"ok": False, "error_code": 401,
                                          "description": "Unauthorized"})
        method = m.group(2)
        params = {k: (v if k in _RAW_FIELDS else _maybe_json(v)) for k, v in parse_qsl(body)}
        call = Call(method, params)
        with self._cond:
            self.calls.append(call)
        fault = self._take_fault(method, params.get("chat_id"))
        if fault is not None:
            return self._fail(req, fault)
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return self._reply(req, 404, {"ok": False, "error_code": 404,
                                          "description": "Not Found: method not found"})
        result = handler(params)
        if method in ("sendMessage", "editMessageText") and isinstance(result, dict):
            params["message_id"] = result["message_id"]
        self._reply(req, 200, {"ok": True, "result": result})

    def _download(self, req: BaseHTTPRequestHandler, token: str, file_id: str) -> None:
        with self._cond:
            self.calls.append(Call("download", {"file_id": file_id}))
        if token != self.token or file_id not in self.files:
            return self._reply(req, 404, {"ok": False, "error_code": 404,
                                          "description": "Not Found"})
        data = self.files[file_id][1]
        req.send_response(200)
        req.send_header("Content-Type", "application/octet-stream")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    def _take_fault(self, method: str, chat_id: Any) -> Fault | None:
        with self._cond:
            for f in self.faults:
                if f.method == method and (f.chat_id is None or f.chat_id == chat_id):
                    f.times -= 1
                    if f.times <= 0:
                        self.faults.remove(f)
                    return f
        return None

    def _fail(self, req: BaseHTTPRequestHandler, f: Fault) -> None:
        if f.kind == "drop":
            req.close_connection = True
            return
        if f.kind == "429":
            desc = f"Too Many Requests: retry after {f.retry_after}"
            return self._reply(req, 429, {"ok": False, "error_code": 429, "description": desc,
                                          "parameters": {"retry_after": f.retry_after}})
        if f.kind == "migrate":
            return self._reply(req, 400, {
                "ok": False, "error_code": 400,
                "description": "Bad Request: group chat was upgraded to a supergroup chat",
                "parameters": {"migrate_to_chat_id": f.migrate_to}})
        self._reply(req, 403, {"ok": False, "error_code": 403,
                               "description": "Forbidden: bot was blocked by the user"})

    @staticmethod
    def _reply(req: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    # ----- methods -----
    def _api_getMe(self, p: dict) -> dict:
        return {**self.bot, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    def _api_getUpdates(self, p: dict) -> list[dict]:
        offset = int(p.get("offset") or 0)
        limit = int(p.get("limit") or 100)
        deadline = time.monotonic() + min(float(p.get("timeout") or 0), 30.0)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(min(0.5, max(0.0, deadline - time.monotonic())))
            return list(self._updates[:limit])

    def _api_sendMessage(self, p: dict) -> dict:
        chat_id = int(p["chat_id"])
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot,
            "text": html.unescape(_TAG.sub("", p.get("text", ""))),
        }
        reply = p.get("reply_parameters")
        if isinstance(reply, dict) and (chat_id, reply.get("message_id")) in self._messages:
            msg["reply_to_message"] = self._messages[(chat_id, reply["message_id"])]
        self._messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _api_editMessageText(self, p: dict) -> dict:
        key = (int(p["chat_id"]), int(p["message_id"]))
        msg = dict(self._messages[key])
        msg["text"] = html.unescape(_TAG.sub("", p.get("text", "")))
        msg["edit_date"] = int(time.time())
        self._messages[key] = msg
        return msg

    def _api_getChatMember(self, p: dict) -> dict:
        chat_id, user_id = int(p["chat_id"]), int(p["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if user_id in self.admins.get(chat_id, set()):
            return {"status": "creator", "user": user, "is_anonymous": False}
        return {"status": "member", "user": user}

    def _api_getFile(self, p: dict) -> dict:
        file_id = str(p["file_id"])
        name, data = self.files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": f"{file_id}/{name}"}

    def _api_sendChatAction(self, p: dict) -> bool:
        return True

    _api_deleteWebhook = _api_setMyCommands = _api_answerCallbackQuery = _api_sendChatAction
    _api_close = _api_logOut = _api_deleteMessage = _api_sendChatAction


class _QuietServer(ThreadingHTTPServer):
    """Clients hanging up mid long-poll (on shutdown) is normal, not an error."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value
