"""A small OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

Answers `POST /v1/chat/completions` (streaming and not) with scripted replies, can fail with an
HTTP error or hang past the client's timeout, and records every request it receives.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Reply = str | Callable[[dict[str, Any]], str]


@dataclass
class Step:
    """One scripted response: `kind` is "ok", "error", "hang" or "garbage" (HTTP 200, not JSON)."""

    kind: str = "ok"
    text: Reply = "OK"
    status: int = 500
    hang_s: float = 5.0


@dataclass
class FakeOpenAI:
    """The server's state: scripted steps (consumed in order), a default, recorded requests."""

    default: Step = field(default_factory=Step)
    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reply(self, text: Reply) -> None:
        """Answer every later request with `text` (a string or a function of the request)."""
        self.default = Step("ok", text)

    def then(self, *steps: Step) -> None:
        """Queue steps used, in order, before the default."""
        self.script.extend(steps)

    def next_step(self, body: dict[str, Any], headers: dict[str, str]) -> Step:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.script.pop(0) if self.script else self.default

    def start(self) -> FakeOpenAI:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        state = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                step = state.next_step(body, {k.lower(): v for k, v in self.headers.items()})
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    return self._json(404, {"error": {"message": "not found"}})
                if step.kind == "hang":
                    time.sleep(step.hang_s)
                    return self._json(200, _completion(body, "too late"))
                if step.kind == "garbage":
                    data = b"<html>proxy says hello</html>"
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                if step.kind == "error":
                    return self._json(step.status, {"error": {"message": "scripted failure"}})
                text = step.text(body) if callable(step.text) else step.text
                if body.get("stream"):
                    return self._stream(body, text)
                return self._json(200, _completion(body, text))

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body: dict[str, Any], text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                pieces = [text[i : i + 7] for i in range(0, len(text), 7)] or [""]
                for piece in pieces:
                    self.wfile.write(f"data: {json.dumps(_chunk(body, piece))}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(f"data: {json.dumps(_chunk(body, None, 'stop'))}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/v1"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def user_prompts(self) -> list[str]:
        """The content of the last user message of every request."""
        out = []
        for req in self.requests:
            users = [m["content"] for m in req.get("messages", []) if m.get("role") == "user"]
            out.append(users[-1] if users else "")
        return out


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(body: dict[str, Any], piece: str | None, finish: str | None = None) -> dict[str, Any]:
    delta: dict[str, Any] = {} if piece is None else {"content": piece}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
