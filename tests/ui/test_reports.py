"""The PDF reports, rendered to text and pictures and checked against the hand-worked figures."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from sqlalchemy import Engine, text

from sourcing_app.cli import main
from sourcing_app.db.types import date_param
from sourcing_app.errors import BadInput
from sourcing_app.reports import write_brand_report, write_supplier_report
from tests.services.hand_portfolio import expected
from tests.services.test_export import load_hand_portfolio

AS_OF = dt.date(2026, 6, 30)
MADE_ON = dt.date(2026, 7, 1)


def pdf_text(path: Path) -> str:
    words = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    # NFKC folds any ligature ("ﬁ") back into its letters.
    return " ".join(unicodedata.normalize("NFKC", words).split())


def render_pages(path: Path, folder: Path) -> list[QImage]:
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(folder / "page")], check=True)
    return [QImage(str(p)) for p in sorted(folder.glob("page-*.png"))]


def assert_black_and_white(image: QImage) -> None:
    """Nothing on the page depends on colour: every sampled pixel is a shade of grey."""
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            color = QColor(image.pixel(x, y))
            assert color.hsvSaturation() < 25, (x, y, color.name())


@pytest.fixture
def hand(engine: Engine, tmp_path: Path, qapp: object) -> Engine:
    load_hand_portfolio(engine, tmp_path)
    return engine


def test_the_supplier_report_shows_the_hand_worked_figures(hand: Engine, tmp_path: Path) -> None:
    path = tmp_path / "s-vert.pdf"
    pages = write_supplier_report(hand, "S-VERT", path, AS_OF, made_on=MADE_ON)
    words = pdf_text(path)
    hand_scores = expected()["S-VERT"]
    # The headline figures, as a buyer works them out (tests/services/hand_portfolio.py).
    assert f"Sourcing score {hand_scores['sourcing_score']:.1f} / 100" in words
    assert f"Stability score {hand_scores['stability_score']:.1f} / 100" in words
    assert f"margin {hand_scores['margin_pct'] * 100:.2f}% after landing costs" in words
    assert "Standing Preferred" in words
    assert "Confidence 29% (2 due purchase lines" in words
    # The landed-cost walk: V = 22 × 7.20 (the manual rate beats the feed's 7.10).
    assert "Customs value V CNY 158.40" in words
    assert "Consumption tax (CBEC) CNY 19.57" in words  # 0.7 × 158.40 × 0.15 / 0.85
    assert "VAT (CBEC) CNY 16.96" in words  # 0.7 × 158.40 × 0.13 / 0.85
    assert "Landed cost CNY 194.93" in words
    assert "Net revenue CNY 281.06" in words  # 299 × 0.94
    assert "Margin CNY 86.13" in words
    # The breakdown: the fill sub-score, its weight, raw and shrunk value, and its words.
    assert f"Fill rate 20% 99.0% 2 {hand_scores['sub.fill'] * 100:.1f}%" in words
    assert "198 of 200 units accepted over 2 lines" in words
    assert "THIN_HISTORY only 2 due lines in the window" in words
    # When, over which window, from which database.
    assert "as of 30 Jun 2026" in words
    assert "window 1 Jul 2025 to 30 Jun 2026" in words
    # A long path may wrap at a slash; the words around it are joined without spaces.
    assert f"database {hand.url.database}." in words.replace("/ ", "/")
    assert "Made on 1 Jul 2026" in words
    assert f"Page 1 of {pages}" in words and f"Page {pages} of {pages}" in words
    images = render_pages(path, tmp_path)
    assert len(images) == pages >= 2
    for image in images:
        # A4 portrait: 210 × 297 mm.
        assert image.height() / image.width() == pytest.approx(297 / 210, rel=0.01)
        assert_black_and_white(image)
    # The charts are drawn: the page with them has a good share of dark pixels.
    chart_page = images[-1]
    dark = sum(
        QColor(chart_page.pixel(x, y)).value() < 128
        for y in range(0, chart_page.height(), 3)
        for x in range(0, chart_page.width(), 3)
    )
    assert dark > 500


def test_the_brand_report_puts_the_channels_side_by_side(hand: Engine, tmp_path: Path) -> None:
    path = tmp_path / "aurelle.pdf"
    assert write_brand_report(hand, "Aurelle", path, AS_OF, made_on=MADE_ON) == 1
    words = pdf_text(path)
    scores = expected()
    vert, comp = scores["S-VERT"], scores["S-COMP"]
    assert "Brand sourcing: Aurelle" in words
    assert "Active channels 2: 1 vertical, 1 composite" in words
    assert "Planned demand 400 units a month" in words
    # Capacity 5,000 + 2,000 against 400 a month: covered.
    assert "Capacity of those suppliers 7,000 units a month" in words
    assert "Capacity coverage of demand 100%" in words
    assert f"Best margin {comp['margin_pct'] * 100:.2f}%" in words
    assert (
        f"S-VERT Aurelle Paris SAS vertical tier 0 Preferred {vert['sourcing_score']:.1f} "
        f"{vert['margin_pct'] * 100:.2f}%"
    ) in words
    assert (
        f"S-COMP Golden Bridge Trading composite tier 3 Preferred "
        f"{comp['sourcing_score']:.1f} {comp['margin_pct'] * 100:.2f}%"
    ) in words
    (image,) = render_pages(path, tmp_path)
    assert_black_and_white(image)


def test_flag_causes_write_their_dates_as_a_buyer_reads_them(hand: Engine, tmp_path: Path) -> None:
    # S-COMP becomes an authorized distributor whose authorization ends 45 days
    # after the evaluation date (30 Jun 2026 + 45 days = 14 Aug 2026).
    with hand.begin() as conn:
        conn.execute(
            text(
                "UPDATE channel SET tier = 1, authorization_ref = 'AUR-2026', "
                "authorized_until = :until "
                "WHERE supplier_id = (SELECT id FROM supplier WHERE code = 'S-COMP')"
            ),
            {"until": date_param("sqlite", dt.date(2026, 8, 14))},
        )
    path = tmp_path / "s-comp.pdf"
    write_supplier_report(hand, "S-COMP", path, AS_OF, made_on=MADE_ON)
    words = pdf_text(path)

    assert (
        "AUTH_EXPIRING authorization AUR-2026 for Aurelle expires on 14 Aug 2026 "
        "(45 days left); the tier-1 channel then counts as composite"
    ) in words
    assert "vertical: authorized distributor (AUR-2026, valid until 14 Aug 2026)" in words
    assert "2026-08-14" not in words

    out, err = io.StringIO(), io.StringIO()
    main(["--db", str(hand.url), "score", "--as-of", "2026-06-30", "--format", "json"], out, err)
    (record,) = [r for r in json.loads(out.getvalue()) if r["supplier_code"] == "S-COMP"]
    (flag,) = [f for f in record["flags"] if f["code"] == "AUTH_EXPIRING"]
    assert "expires on 14 Aug 2026 (45 days left)" in flag["message"]


def test_unknown_supplier_or_brand_is_bad_input(hand: Engine, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no supplier with code 's-vert' \\(did you mean 'S-VERT'"):
        write_supplier_report(hand, "s-vert", tmp_path / "x.pdf", AS_OF)
    with hand.begin() as conn:
        conn.execute(text("UPDATE supplier SET archived = 1 WHERE code = 'S-COMP'"))
    with pytest.raises(BadInput, match="supplier 'S-COMP' is archived, so it is not scored"):
        write_supplier_report(hand, "S-COMP", tmp_path / "x.pdf", AS_OF)
    with pytest.raises(BadInput, match="no brand named 'Aurel'"):
        write_brand_report(hand, "Aurel", tmp_path / "x.pdf", AS_OF)
    assert not (tmp_path / "x.pdf").exists()


def test_the_report_command_works_without_a_display(hand: Engine, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    path = tmp_path / "report.pdf"
    done = subprocess.run(
        [sys.executable, "-m", "sourcing_app", "--db", str(hand.url), "report", "supplier",
         "S-COMP", str(path), "--as-of", "2026-06-30"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote the report on supplier S-COMP as of 2026-06-30 to {path}")
    assert "Supplier evaluation: S-COMP · Golden Bridge Trading" in pdf_text(path)


def test_the_report_command_refuses_bad_input_in_one_line(hand: Engine, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--db", str(hand.url), "report", "brand", "Nope", str(tmp_path / "b.pdf")], out, err
    )
    assert (code, err.getvalue()) == (2, "sourcing-app: no brand named 'Nope'\n")
    code = main(
        ["--db", str(hand.url), "report", "supplier", "S-VERT", str(tmp_path / "b.docx")], out, err
    )
    assert code == 2


def _page_text(path: Path, page: int) -> str:
    words = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(words.split())


def test_a_brand_report_fits_six_channels_on_a_page_and_never_strands_a_line(
    tmp_path: Path, qapp: object
) -> None:
    """Six channels, chart and all, on one page; with seven the chart goes to page 2.

    Before, the provenance line came after the chart: a report whose chart just fitted
    printed that one line alone on a second page, and six channels took two pages.
    The channels' score trends (docs/trend.md) follow on page 2 in both reports.
    """
    from sourcing_app.db.migrate import prepare_database
    from sourcing_app.services.demo import build_demo

    engine = prepare_database(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    as_of = dt.date(2026, 11, 27)
    build_demo(engine, suppliers=60, lines=3_000, as_of=as_of)
    six, seven = tmp_path / "casa.pdf", tmp_path / "yukiguni.pdf"
    assert write_brand_report(engine, "Casa Verdani", six, as_of, made_on=MADE_ON) == 2
    assert write_brand_report(engine, "Yukiguni Lab", seven, as_of, made_on=MADE_ON) == 2
    engine.dispose()
    first = _page_text(six, 1)
    assert "Active channels 6: 1 vertical, 5 composite" in first
    assert "CNY 2,952.56" in first  # a margin per unit is not broken over two lines
    assert "Made on 1 Jul 2026 by Sourcing desk" in first
    assert "Made on" not in _page_text(six, 2)  # page 2 is the trends'
    assert "Each channel's supplier: its sourcing score" in _page_text(six, 2)
    assert "Made on 1 Jul 2026 by Sourcing desk" in _page_text(seven, 1)
    second = _page_text(seven, 2)
    assert "Made on" not in second  # page 2 is the chart's and the trends'
    assert "Each channel's supplier: its sourcing score" in second
    # The bar chart of six stays on page 1 with its table, the trends picture on page 2;
    # the seven's bar chart and trends picture are both drawn on page 2.
    assert _image_pages(six) == [1, 2]
    assert _image_pages(seven).count(2) == 2


def _image_pages(path: Path) -> list[int]:
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], check=True, capture_output=True, text=True
    ).stdout
    return [int(line.split()[0]) for line in listing.splitlines()[2:] if line.strip()]


def test_a_heading_never_ends_a_page_apart_from_its_chart(tmp_path: Path, qapp: object) -> None:
    """Wherever the page ends, "Price and delivery history" prints on the page of its chart.

    Before, a heading and its one-line note could end page 2 while the chart
    they introduce began page 3.
    """
    from sourcing_app.reports.pdf import Report, write_pdf

    chart = QImage(680, 250, QImage.Format.Format_RGB32)
    chart.fill(QColor(200, 200, 200))
    for filler in range(36, 58, 2):  # moves the heading across the foot of page 1
        body = "".join(f"<p>Line {n} of the text before the charts.</p>" for n in range(filler))
        body += (
            "<h2>Price and delivery history</h2>"
            '<p class="sub">Purchase lines ordered in the window.</p>'
            '<p><img src="chart:price" width="680" height="250"></p>'
        )
        path = tmp_path / f"filler-{filler}.pdf"
        write_pdf(Report("t", "r", "f", body, {"chart:price": chart}), path)

        (chart_page,) = _image_pages(path)
        assert "Price and delivery history" in _page_text(path, chart_page), filler
        assert "Purchase lines ordered in the window." in _page_text(path, chart_page), filler
