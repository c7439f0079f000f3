"""The report in Russian (``--lang ru``) and the bilingual HTML report (``--bilingual``)."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from exercise.cli.main import main

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)

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


GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(
    ("lang", "golden"),
    [("en", "insurgent-incursion.score.txt"), ("ru", "insurgent-incursion.score.ru.txt")],
)
def test_score_table_and_awards_match_the_golden_text(
    shipped: dict[str, Path], capsys: pytest.CaptureFixture[str], lang: str, golden: str
) -> None:
    """``exercise score --awards``: the English text is byte for byte what it was before
    explanations became translatable; the Russian one is reviewed text (update it only
    after reading the difference)."""
    session = str(shipped["insurgent-incursion"])
    capsys.readouterr()
    assert main(["score", session, "--awards", "--lang", lang]) == 0
    out = capsys.readouterr().out
    assert out == (GOLDEN / golden).read_text(encoding="utf-8")


def test_russian_awards_have_no_english_words_of_their_own(shipped: dict[str, Path]) -> None:
    """Every award of every shipped rehearsal explained in Russian: what is left in Latin
    letters is data (cell, rule, inject and action ids), never a word of the template."""
    from exercise.scoring import score
    from exercise.session import Session

    ids = re.compile(r"[A-Za-z][\w:.\-]*(?:[-:][\w.]+)*")
    for name, path in shipped.items():
        with Session.open(str(path)) as s:
            scenario, events = s.scenario, s.journal.read()
        data = {c.id for c in scenario.cells} | set(scenario.injects_by_id)
        for r in scenario.ruleset.rules:  # actions, move kinds, anchors: data too
            data |= {str(v) for v in attrs.asdict(r).values() if isinstance(v, str)}
        data |= {e.action for i in scenario.injects_by_id.values() for e in i.expects}
        for event in events:  # places stated by players are shown as typed
            place = getattr(event.data, "place", None)
            data |= set(re.findall(r"[\w-]+", place or ""))
        scores = score(scenario, events)
        assert scores.awards
        for a in scores.awards:
            ru = a.explain("ru")
            assert ru != a.explain("en")
            assert CYRILLIC.search(ru), ru
            for word in (w.rstrip(":.") for w in ids.findall(ru)):
                if word in data or word.startswith(("inject:", "message:")) or "-" in word:
                    continue
                assert word in ("D",), (name, word, ru)


def test_russian_report_lists_the_awards_in_russian(
    shipped: dict[str, Path], tmp_path: Path
) -> None:
    """The report's areas for improvement and its table of awards explain each award in
    the report's language, with the same numbers as ``exercise score --lang ru``."""
    from exercise.scoring import score
    from exercise.session import Session

    session = shipped["insurgent-incursion"]
    out = tmp_path / "r.md"
    assert main(["report", str(session), "--lang", "ru", "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    with Session.open(str(session)) as s:
        scores = score(s.scenario, s.journal.read())
    for a in scores.final:
        english = a.explain("en").replace("[", "\\[").replace("]", "\\]")
        assert english not in text
    lost = [a for a in scores.final if a.points < a.max_points]
    assert lost
    for a in lost:
        russian = a.explain("ru").replace("[", "\\[").replace("]", "\\]")
        assert russian in text, russian
    assert "через 1 ч 30 мин после события" in text
    assert "3,21/6,43 = 6,43 × (1 − опоздание 30 мин / льготный срок 1 ч 00 мин)" in text


def test_seal_and_verify_in_russian(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``seal`` and ``verify`` speak Russian under ``--lang ru``, and the Russian report's
    integrity line too; the figures (seqs, hashes, fingerprints) are the same."""
    play = ["play", "scenarios/mini.yaml", "--script", "scripts/rehearsal.yaml"]
    assert main([*play, "--session", "s.db", "-q"]) == 0
    capsys.readouterr()
    assert main(["seal", "s.db", "--lang", "ru"]) == 0
    sealed = capsys.readouterr().out
    assert re.match(r"s\.db скреплён печатью на событии \d+ \(охватывает события 1-\d+", sealed)
    assert main(["verify", "s.db", "--lang", "ru"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("в порядке s.db: событий ")
    assert "цепочка цела" in out[0]
    assert out[1].startswith("  последняя печать: событие ")
    assert main(["report", "s.db", "--lang", "ru", "--format", "md", "-o", "r.md"]) == 0
    text = Path("r.md").read_text(encoding="utf-8")
    assert "цепочка хешей цела (событий: " in text
    assert "; скреплено ключом SHA256:" in text
    assert "hash chain intact" not in text
