"""``exercise serve`` on a network: the WebSocket Origin check, the cap on consoles, TLS,
and join attempts slowed per client address across console processes."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from textual.widgets import Label

from exercise.engine import CONTROL
from exercise.engine import commands as c
from exercise.serve import allowed_origins, origin_of
from exercise.session import Session
from exercise.throttle import JoinThrottle, TooManyAttempts
from exercise.tui.app import make_app
from exercise.tui.player import LobbyScreen, PlayerApp

from .conftest import SCENARIO_PATH


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_origins() -> None:
    assert origin_of("HTTP://Example.org:80/x?y") == "http://example.org"
    assert origin_of("https://[::1]:8443") == "https://[::1]:8443"
    assert origin_of("javascript:alert(1)") is None and origin_of("null") is None
    local = allowed_origins("http://127.0.0.1:8000", "127.0.0.1", 8000, tls=False)
    assert local == {"http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"}
    public = allowed_origins("https://exercise.example.org", "0.0.0.0", 8000, tls=False)
    assert public == {"https://exercise.example.org"}


@pytest.fixture
def session_file(tmp_path: Path) -> str:
    path = str(tmp_path / "s.db")
    with Session.create(SCENARIO_PATH, path, join_codes=True) as s:
        s.execute(c.Start(CONTROL))
    return path


def _serve(path: str, port: int, *extra: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "exercise.cli.main", "serve", path, "--port", str(port), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        cwd=Path(path).parent,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise AssertionError(f"serve exited: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("serve did not start")


@pytest.fixture
def served(session_file: str) -> Iterator[int]:
    port = free_port()
    proc = _serve(session_file, port, "--max-consoles", "2")
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def _open(port: int, origin: str | None) -> tuple[aiohttp.ClientSession, Any]:
    """A console WebSocket; (session, websocket) or (session, HTTP status)."""
    http = aiohttp.ClientSession()
    headers = {"Origin": origin} if origin else {}
    try:
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24",
                                   headers=headers)  # fmt: skip
    except aiohttp.WSServerHandshakeError as exc:
        return http, exc.status
    return http, ws


@pytest.mark.parametrize(
    "origin", [None, "http://evil.example", "http://127.0.0.1:1", "null", "https://127.0.0.1"]
)
async def test_a_page_from_elsewhere_cannot_open_a_console(served: int, origin: str | None) -> None:
    http, result = await _open(served, origin)
    await http.close()
    assert result == 403


async def test_the_static_files_are_served_without_an_index_of_their_folders(
    served: int,
) -> None:
    async with aiohttp.ClientSession() as http:
        for folder in ("/static/", "/static/js/", "/static/css/"):
            async with http.get(f"http://127.0.0.1:{served}{folder}") as listing:
                assert listing.status in (403, 404), folder
        async with http.get(f"http://127.0.0.1:{served}/") as page:
            html = await page.text()
        scripts = re.findall(r'src="[^"]*?(/static/[^"]+)"', html)
        assert scripts
        async with http.get(f"http://127.0.0.1:{served}{scripts[0]}") as script:
            assert script.status == 200  # what the page needs is still served


async def test_consoles_are_capped_and_a_closed_one_frees_its_place(served: int) -> None:
    own = f"http://localhost:{served}"
    opened = [await _open(served, own) for _ in range(2)]
    try:
        for _, ws in opened:
            assert not isinstance(ws, int)
            await ws.send_str(json.dumps(["ping", "1"]))
            reply = await asyncio.wait_for(ws.receive(), 30)
            assert reply.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
        http, third = await _open(served, own)
        await http.close()
        assert third == 503
        http0, ws0 = opened.pop(0)
        await ws0.close()
        await http0.close()
        for _ in range(50):  # the server notices the closed socket, then stops its console
            http, again = await _open(served, own)
            if again != 503:
                opened.append((http, again))
                break
            await http.close()
            await asyncio.sleep(0.2)
        assert not isinstance(opened[-1][1], int)
    finally:
        for http, ws in opened:
            if not isinstance(ws, int):
                await ws.close()
            await http.close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
async def test_tls(session_file: str, tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    proc = _serve(session_file, port, "--certfile", str(cert), "--keyfile", str(key))
    try:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        async with aiohttp.ClientSession() as http:
            async with http.get(f"https://127.0.0.1:{port}/", ssl=context) as page:
                assert page.status == 200
                assert f"wss://127.0.0.1:{port}/ws" in await page.text()
            with pytest.raises(aiohttp.ClientError):  # plain HTTP is not spoken
                async with http.get(f"http://127.0.0.1:{port}/") as page:
                    await page.text()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serving_on_a_network_without_tls_warns(session_file: str) -> None:
    port = free_port()
    proc = _serve(session_file, port, "--host", "0.0.0.0", "--public-url",
                  f"http://127.0.0.1:{port}")  # fmt: skip
    proc.terminate()
    _, err = proc.communicate(timeout=20)
    assert "WARNING: serving on 0.0.0.0 without TLS" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--max-consoles", "0"], "--max-consoles must be at least 1"),
     (["--public-url", "ftp://x"], "is not an http:// or https:// URL"),
     (["--certfile", "/nonexistent.pem"], "cannot load the TLS certificate")],
)  # fmt: skip
def test_bad_serve_options(session_file: str, args: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "exercise.cli.main", "serve", session_file, *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------- join attempts


_RESERVE = """
import sys, time
from pathlib import Path
from exercise.throttle import JoinThrottle, TooManyAttempts
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
t = JoinThrottle(Path(sys.argv[1]), interval=1.0, max_wait=3.5)
try:
    print(t.reserve("203.0.113.7"))
except TooManyAttempts as exc:
    print("refused", exc.retry_after)
"""


def test_parallel_consoles_do_not_multiply_the_guess_rate(tmp_path: Path) -> None:
    """Six console processes guessing at once from one address: their checks are spread
    one per interval, and those queued too far ahead are refused."""
    file = tmp_path / "s.db.joins"
    start = time.time() + 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RESERVE, str(file), str(start)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outs = [p.communicate(timeout=60)[0].split() for p in procs]
    waits = sorted(float(o[0]) for o in outs if o[0] != "refused")
    refused = [o for o in outs if o[0] == "refused"]
    assert len(waits) == 4 and len(refused) == 2, outs
    for n, wait in enumerate(waits):  # 0, 1, 2, 3 seconds (less the start-up skew)
        assert n - 0.6 <= wait <= n + 0.01, waits
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    # another address is not slowed by them
    assert JoinThrottle(file, interval=1.0).reserve("198.51.100.1") == 0.0


async def test_the_lobby_says_when_an_address_tries_too_often(
    session_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXERCISE_CLIENT", "203.0.113.9")
    with Session.open(session_file) as session:
        app = make_app(session, role="player", cell="kgz-mod", follow=False, tick=None,
                       wrong_code_delay=5.0)  # fmt: skip
        assert isinstance(app, PlayerApp) and app.throttle is not None
        app.throttle.max_wait = 1.0
        app.throttle.reserve("203.0.113.9")  # another console of this address just tried
        before = session.journal.head()[0]
        async with app.run_test(size=(100, 30)) as pilot:
            assert isinstance(app.screen, LobbyScreen)
            await pilot.press(*"WRNG-CODE", "enter")
            await pilot.pause(0.2)
            error = str(app.screen.query_one("#error", Label).content)
            assert error.startswith("too many join attempts from your address; try again in")
            assert session.journal.head()[0] == before  # the code was not even checked
    with pytest.raises(TooManyAttempts):
        JoinThrottle(Path(session_file + ".joins"), interval=5.0, max_wait=1.0).reserve(
            "203.0.113.9"
        )


def test_a_right_code_gives_its_slot_back_and_a_wrong_one_keeps_it(tmp_path: Path) -> None:
    """Players of one room behind one address join one after another without waiting;
    every wrong guess still holds its interval, so guessing is no faster."""
    now = [1000.0]
    throttle = JoinThrottle(tmp_path / "s.db.joins", interval=2.0, clock=lambda: now[0])
    for _ in range(10):  # ten players of the room, each with the right code
        assert throttle.reserve("203.0.113.5") == 0.0
        throttle.succeeded("203.0.113.5")
    assert throttle.reserve("203.0.113.5") == 0.0  # a wrong guess: it keeps its slot
    assert throttle.reserve("203.0.113.5") == 2.0
    now[0] += 0.5
    throttle.succeeded("203.0.113.5")  # the second had the right code
    assert throttle.reserve("203.0.113.5") == 1.5  # still behind the wrong guess
    now[0] += 60
    throttle.succeeded("203.0.113.5")  # never frees a slot before now
    assert throttle.reserve("203.0.113.5") == 0.0
    assert throttle.reserve("203.0.113.5") == 2.0


def test_guesses_with_a_known_code_in_between_are_still_spaced(tmp_path: Path) -> None:
    """A player who knows one cell's code gains nothing by mixing right and wrong codes."""
    now = [0.0]
    throttle = JoinThrottle(
        tmp_path / "s.db.joins", interval=2.0, max_wait=1e9, clock=lambda: now[0]
    )
    waits = []
    for _ in range(5):
        waits.append(throttle.reserve("198.51.100.4"))  # a guess at another cell's code
        throttle.reserve("198.51.100.4")  # the known code
        throttle.succeeded("198.51.100.4")
    assert waits == [0.0, 2.0, 4.0, 6.0, 8.0]


class _Message:
    def __init__(self, data: str, kind: Any = None) -> None:
        self.type = kind or aiohttp.WSMsgType.TEXT
        self.data = data


class _Browser:
    """What a hostile page sends over the console's WebSocket."""

    def __init__(self, *texts: str) -> None:
        self.messages = [_Message(t) for t in texts]
        self.sent: list[Any] = []

    def __aiter__(self) -> Any:
        async def each() -> Any:
            for message in self.messages:
                yield message

        return each()

    async def send_json(self, data: Any) -> None:
        self.sent.append(data)


class _Console:
    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self.typed: list[bytes] = []

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.sizes.append((width, height))

    async def send_bytes(self, data: bytes) -> bool:
        self.typed.append(data)
        return True


async def test_a_page_cannot_resize_a_console_beyond_reason_or_break_it() -> None:
    from exercise.serve import ConsoleServer

    server = ConsoleServer("true", host="127.0.0.1", port=free_port())
    browser = _Browser(
        json.dumps(["resize", {"width": 100000, "height": 100000}]),
        json.dumps(["resize", {"width": 0, "height": -3}]),
        json.dumps(["resize", {"width": "1e9", "height": None}]),
        json.dumps(["resize", {"width": True, "height": [1]}]),
        json.dumps(["resize", {"width": 1e300, "height": 30}]),
        "not json",
        json.dumps({"stdin": "x"}),
        json.dumps(["resize"]),
        json.dumps(["stdin", {"not": "text"}]),
        json.dumps(["ping", {"big": "object"}]),
        json.dumps(["stdin", "q"]),
    )
    console = _Console()
    await server._process_messages(browser, console)  # type: ignore[arg-type]
    assert console.sizes == [(500, 300), (20, 5), (80, 24), (80, 24), (500, 30)]
    assert console.typed == [b"q"]  # the console survived every bad message
    assert browser.sent == []


def test_a_forwarded_for_header_does_not_change_whose_attempts_count() -> None:
    from unittest import mock

    from aiohttp.test_utils import make_mocked_request

    from exercise.serve import client_of

    transport = mock.Mock()
    transport.get_extra_info.return_value = ("192.0.2.7", 40000)
    request = make_mocked_request(
        "GET", "/ws",
        headers={"X-Forwarded-For": "203.0.113.9", "Forwarded": "for=198.51.100.1",
                 "X-Real-IP": "198.51.100.2"},
        transport=transport,
    )  # fmt: skip
    assert client_of(request) == "192.0.2.7"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
        ("x" * 100_000, None),
        ("," * 50_000 + "ru", None),  # only the first 32 entries are read
        ("ru;q=nan,en;q=0.5", "en"),
        ("ru;q=inf", "ru"),
        ("\x1b[31mru", None),
        ("ru\x00;q=1", None),
        (";;;=;q=;", None),
        ("*", None),
    ],
)
def test_hostile_accept_language(header: str, expected: str | None) -> None:
    from exercise.serve import browser_language

    assert browser_language(header) == expected
