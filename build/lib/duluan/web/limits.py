"""ASGI middleware that refuses request bodies above the configured size before reading them."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from duluan.errors import PayloadTooLarge
from duluan.i18n import LOCALES, translate


class BodySizeLimit:
    """Answers 413 for a too-large Content-Length; stops a streamed body once it grows too large."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge("errors.payload_too_large", mb=self.max_bytes // 2**20)
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, send: Send) -> None:
        mb = max(1, self.max_bytes // 2**20)
        body = " / ".join(
            translate("errors.payload_too_large", loc, mb=mb) for loc in LOCALES
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
