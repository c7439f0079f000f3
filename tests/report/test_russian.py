"""The report in Russian (``--lang ru``) and the bilingual HTML report (``--bilingual``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exercise.cli.main import main

ENGLISH_HEADINGS = (
    "Exercise overview",
    "Summary of ratings",
    "Analysis of objectives",
    "Inject response times",
    "Appendix A",
    "Participating cells",
    "Areas for improvement",
    "performed without challenges",
    "Game time reached",
)


def test_markdown_report_in_russian(shipped: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    session = str(shipped["insurgent-incursion"])
    assert main(["report", session, "--lang", "ru", "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("**EXERCISE EXERCISE EXERCISE**\n\n")  # the marking heads it
    assert text.removeprefix("**EXERCISE EXERCISE EXERCISE**\n\n").startswith(
        "# Отчёт по итогам учения / план совершенствования: "
        "Вторжение вооружённой группы: Баткен и Сурхандарья"
    )
    assert "## 1. Общие сведения об учении" in text
    assert "[Общие сведения об учении](#1-общие-сведения-об-учении)" in text
    assert "## Приложение А. План совершенствования" in text
    assert "| Наименование учения |" in text
    assert "Оперативная координация" in text  # the scenario's own text, translated
    assert "Министерство обороны Кыргызской Республики (kgz-mod, зелёные)" in text
    assert re.search(r"\d+,\d+ из \d+ баллов \(\d+ %\)", text), "numbers in Russian style"
    for heading in ENGLISH_HEADINGS:
        assert heading not in text, heading


def test_html_report_in_russian(shipped: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    session = str(shipped["insurgent-incursion"])
    assert main(["--lang", "ru", "report", session, "--format", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ru">' in html
    assert "<title>Отчёт по итогам учения: Вторжение вооружённой группы" in html
    assert "выполнено без затруднений" in html
    for heading in ENGLISH_HEADINGS:
        assert heading not in html, heading


def test_bilingual_html_shows_both_languages(shipped: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    session = str(shipped["insurgent-incursion"])
    args = ["report", session, "--lang", "ru", "--bilingual", "en", "--format", "html"]
    assert main([*args, "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<table class="bilingual">' in html
    # objectives side by side: Russian first (the report's language), then English
    assert '<td lang="en">Operational Coordination</td>' in html
    assert "<td>Оперативная координация</td>" in html
    assert '<td lang="en">performed with some challenges</td>' in html
    assert '<td lang="ru">выполнено с отдельными затруднениями</td>' in html
    assert '<p class="translation" lang="en">Stand up and sustain a combined' in html


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--format", "md", "--bilingual", "en"], "--bilingual is for the html format"),
        (["--format", "html", "--bilingual", "de"], "the scenario has no 'de' text"),
        (["--format", "html", "--bilingual", "ru", "--lang", "ru"], "отчёт уже на языке 'ru'"),
    ],
)
def test_bilingual_refusals_are_one_line(
    shipped: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "r.out"
    session = str(shipped["insurgent-incursion"])
    assert main(["report", session, *extra, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_english_report_unchanged_by_translations(shipped: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    assert (
        main(["report", str(shipped["insurgent-incursion"]), "--format", "md", "-o", str(out)]) == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "## 1. Exercise overview" in text and "[Exercise overview](#1-exercise-overview)" in text
    assert "Вторжение" not in text


def test_languages_do_not_leak_between_renderings(shipped: dict[str, Path], tmp_path: Path) -> None:
    """The templates are compiled once per process: nothing of the first language may be
    folded into them (Jinja evaluates constant filter calls at compile time)."""
    session = str(shipped["insurgent-incursion"])
    for fmt in ("md", "html"):
        en, ru = tmp_path / f"en.{fmt}", tmp_path / f"ru.{fmt}"
        assert main(["report", session, "--format", fmt, "-o", str(en)]) == 0
        assert main(["report", session, "--lang", "ru", "--format", fmt, "-o", str(ru)]) == 0
        assert main(["report", session, "--format", fmt, "-o", str(en)]) == 0
        assert "performed without challenges" in en.read_text(encoding="utf-8")
        text = ru.read_text(encoding="utf-8")
        assert "выполнено без затруднений" in text
        assert "performed without challenges" not in text
