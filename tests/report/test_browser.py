"""The HTML report in headless Chromium: it renders, fetches nothing, logs no error,
runs nothing, and prints.

Runs when Debian's chromium (``/usr/bin/chromium``; CI installs it) and the playwright
package are present; skipped, saying which is missing, otherwise. playwright only drives
that browser: it never downloads one of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exercise.cli.main import main

CHROMIUM = Path("/usr/bin/chromium")
playwright = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed: browser test skipped"
)
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium is not installed at /usr/bin/chromium (apt-get install chromium): "
    "browser test of the HTML report skipped",
)
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def _dismiss(dialog: Any, seen: list[str]) -> None:
    seen.append(dialog.message)
    dialog.dismiss()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def open_report(browser: Any, path: Path) -> tuple[Any, dict[str, list[str]]]:
    """Load the page with every request outside the file itself refused and recorded."""
    seen: dict[str, list[str]] = {"console": [], "errors": [], "requests": [], "dialogs": []}
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    url = path.resolve().as_uri()

    def route(r: Any) -> None:
        seen["requests"].append(r.request.url)
        if r.request.url == url:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: _dismiss(d, seen["dialogs"]))
    page.goto(url, wait_until="load")
    return page, seen


@pytest.mark.parametrize("which", ["insurgent-incursion", "hostile"])
def test_renders_cleanly(
    which: str, browser: Any, shipped: dict[str, Path], hostile: Path, tmp_path: Path
) -> None:
    session = hostile if which == "hostile" else shipped[which]
    out = tmp_path / "report.html"
    assert main(["report", str(session), "--format", "html", "-o", str(out)]) == 0
    page, seen = open_report(browser, out)
    try:
        assert seen["requests"] == [out.resolve().as_uri()], "nothing fetched but the page"
        assert seen["console"] == [] and seen["errors"] == [] and seen["dialogs"] == []
        assert page.title().startswith("After-Action Report: ")
        assert page.evaluate("document.scripts.length") == 0
        sizes = page.evaluate(
            "[...document.querySelectorAll('svg.chart')].map(s => {"
            "const r = s.getBoundingClientRect(); return [r.width, r.height]; })"
        )
        assert len(sizes) == 4 and all(w > 300 and h > 100 for w, h in sizes)
        shown = page.inner_text("body")
        if which == "hostile":
            assert "<script>alert(1)</script>" in shown and "[@click=app.quit]x[/]" in shown
        page.emulate_media(media="print")
        breaks = page.evaluate(
            "[...document.querySelectorAll('section.major')]"
            ".map(s => getComputedStyle(s).breakBefore)"
        )
        assert breaks and set(breaks) == {"page"}
        if which == "hostile":  # a short report: printing a long one takes seconds
            assert page.pdf(format="A4")[:5] == b"%PDF-"
    finally:
        page.close()


def test_bilingual_russian_report_renders(
    browser: Any, shipped: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    args = ["report", str(shipped["insurgent-incursion"]), "--lang", "ru", "--bilingual", "en"]
    assert main([*args, "--format", "html", "-o", str(out)]) == 0
    page, seen = open_report(browser, out)
    try:
        assert seen["console"] == [] and seen["errors"] == []
        assert page.title().startswith("Отчёт по итогам учения: ")
        assert page.evaluate("document.documentElement.lang") == "ru"
        shown = page.inner_text("#ratings")
        assert "выполнено с отдельными затруднениями" in shown
        assert "performed with some challenges" in shown
        # the bilingual tables fit the page: no column pushed off to the right
        overflow = page.evaluate(
            "[...document.querySelectorAll('table.bilingual')]"
            ".map(t => t.getBoundingClientRect().right <= document.body.scrollWidth)"
        )
        assert overflow and all(overflow)
    finally:
        page.close()
