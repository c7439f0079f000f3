"""``exercise serve``: the player console in browsers, on textual-serve, with the checks a
server on a network needs.

- The WebSocket that drives a console is accepted only from a page of this server: its
  ``Origin`` must be the public URL's (``--public-url``, else ``http(s)://HOST:PORT``),
  or one of the loopback names when the server listens on loopback. A page elsewhere
  (another site the player has open, or a DNS-rebinding one) cannot open a console.
- At most ``--max-consoles`` consoles run at once (each is a process on this machine).
- Each console learns the browser's address (``EXERCISE_CLIENT``), so that join attempts
  are slowed per address across all consoles (:mod:`exercise.throttle`).
- ``--certfile``/``--keyfile`` serve HTTPS and WSS.
- What a browser sends over the WebSocket is checked before it reaches a console: a
  terminal size is kept within :data:`WIDTHS` x :data:`HEIGHTS` (a page asking for a
  10000x10000 or 0x0 screen gets the nearest size a console draws), and a message that is
  not one of textual-serve's is ignored rather than ending the console.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import ssl
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from exercise.i18n import LANGUAGES, normalise
from exercise.throttle import CLIENT_ENV

log = logging.getLogger("exercise.serve")

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
DEFAULT_MAX_CONSOLES = 32
#: The terminal sizes (columns, rows) a served console accepts, smallest and largest.
WIDTHS = (20, 500)
HEIGHTS = (5, 300)


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url``, lower-cased, default ports dropped."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or (scheme, port) in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_origins(public_url: str, host: str, port: int, tls: bool) -> set[str]:
    """The origins whose pages may open a console."""
    allowed = {o for o in (origin_of(public_url),) if o}
    if is_loopback(host):
        scheme = "https" if tls else "http"
        allowed |= {o for name in LOOPBACK_NAMES if (o := origin_of(f"{scheme}://{name}:{port}"))}
    return allowed


class _ClientService(AppService):
    """A console process that is told the address of the browser it serves."""

    def __init__(self, *args: Any, client: str, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        self.language = language

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[CLIENT_ENV] = self.client
        if self.language is not None:  # the browser's language, as the console's locale
            environment["LANGUAGE"] = self.language
        return environment


def client_of(request: web.Request) -> str:
    """The address join attempts are counted against: the TCP peer's. Headers such as
    ``X-Forwarded-For`` or ``Forwarded`` are anyone's to set, so they are never believed;
    behind a proxy every browser shares the proxy's address (docs/security.md)."""
    return request.remote or "unknown"


def browser_language(header: str | None) -> str | None:
    """The first interface language an ``Accept-Language`` header prefers
    (``ru-RU,ru;q=0.9,en;q=0.8`` -> ``ru``), or None when it names none of them.
    The console gets it as its locale: ``--lang`` and ``EXERCISE_LANG`` still come first,
    and once a player has joined, the cell's language (docs/translating.md)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = normalise(tag.strip())
        if lang in LANGUAGES and quality > 0:
            ranked.append((-quality, index, lang))
    return min(ranked)[2] if ranked else None


class ConsoleServer(Server):
    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        public_url: str | None = None,
        max_consoles: int = DEFAULT_MAX_CONSOLES,
        ssl_context: ssl.SSLContext | None = None,
        title: str = "exercise",
    ) -> None:
        if public_url is None and ssl_context is not None:
            public_url = f"https://{host}:{port}"
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.ssl_context = ssl_context
        self.max_consoles = max_consoles
        self.consoles = 0
        self.origins = allowed_origins(self.public_url, host, port, ssl_context is not None)

    async def _make_app(self) -> web.Application:
        """textual-serve's application, its static files (the page's scripts, styles and
        fonts) served without an index of their folders: a page needs the files, and
        nobody needs a listing of what the server holds."""
        app = await super()._make_app()
        for resource in app.router.resources():
            if isinstance(resource, web.StaticResource):
                resource._show_index = False
        return app

    def refusal(self, request: web.Request) -> web.HTTPException | None:
        """Why this WebSocket request may not open a console (None: it may)."""
        origin = request.headers.get("Origin")
        if origin is None or origin_of(origin) not in self.origins:
            log.warning("refused a console to %s: origin %r", request.remote, origin)
            return web.HTTPForbidden(
                text="consoles open only from this server's own page "
                f"({', '.join(sorted(self.origins))})\n"
            )
        if self.consoles >= self.max_consoles:
            log.warning("refused a console to %s: %d running", request.remote, self.consoles)
            return web.HTTPServiceUnavailable(
                text=f"all {self.max_consoles} consoles are in use; try again later\n"
            )
        return None

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        refused = self.refusal(request)
        if refused is not None:
            raise refused
        self.consoles += 1
        try:
            return await self._console(request)
        finally:
            self.consoles -= 1

    async def _console(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80, *WIDTHS)
        height = _int(request.query.get("height"), 24, *HEIGHTS)
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = _ClientService(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
                client=client_of(request),
                language=browser_language(request.headers.get("Accept-Language")),
            )
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # a broken client must not stop the server
            log.warning("console for %s ended: %s", request.remote, error)
        finally:
            if service is not None:
                await service.stop()
        return websocket

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """textual-serve's message loop, with what the browser sends checked: sizes are
        clamped, and malformed messages are dropped (one bad message does not end the
        console, and none reaches it unchecked)."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            envelope = _envelope(message.data)
            if envelope is None:
                continue
            kind, data = envelope
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(
                    _int(data.get("width"), 80, *WIDTHS), _int(data.get("height"), 24, *HEIGHTS)
                )
            elif kind == "ping" and isinstance(data, (str, int, float)):
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def on_startup(self, app: web.Application) -> None:
        """Quieter than textual-serve's banner: say where, and how to stop."""
        self.console.print(f"serving the player console on {self.public_url}", highlight=False)
        self.console.print("press Ctrl+C to stop", highlight=False)

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, with TLS when a certificate was given."""
        import signal

        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        except NotImplementedError:  # pragma: no cover - Windows
            pass
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            ssl_context=self.ssl_context,
            print=lambda *args: None,
        )


def _int(value: object, default: int, low: int, high: int) -> int:
    """``value`` as a whole number within ``low..high``; ``default`` when it is none."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return default
    try:
        number = default if value in ("", None) else int(value)
    except (ValueError, OverflowError):  # "x", "1e9", nan, inf
        return default
    return min(max(number, low), high)


def _envelope(text: str) -> tuple[str, object] | None:
    """``(kind, data)`` of a textual-serve message (``["resize", {...}]``), else None."""
    if len(text) > 1_000_000:
        return None
    try:
        envelope = json.loads(text)
    except ValueError:
        return None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        return None
    return envelope[0], envelope[1] if len(envelope) > 1 else None


def tls_context(certfile: str, keyfile: str | None) -> ssl.SSLContext:
    """A server TLS context from a PEM certificate (chain) and key; OSError/SSLError when
    the files do not load."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context


__all__ = ["ConsoleServer", "allowed_origins", "is_loopback", "origin_of", "tls_context"]
