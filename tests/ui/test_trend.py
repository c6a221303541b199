"""The score trend and the movers, on a portfolio small enough to work by hand.

Evaluation on 2026-06-30; window 365 days, grace 2 days, m = 5 (docs/stability.md).
Two suppliers of the brand Lumen, both quoting LUM-CREAM at CNY 100, every line
100 units at CNY 100, every delivery complete, 30 days after its order, nothing
rejected, cleared in 1 day. So fill, lead-time consistency, quality and price
stability are 1.0 for both at every date, and the margin never moves.

  ordered 2025-07-15, 08-15, 09-15, 10-15: both promise 30 days, deliver in 30: on time
  ordered 2026-01-15, 02-15, 03-15, 04-15: S-STEADY promises 30 days (on time);
      S-FALL promises 20 days and still delivers in 30: ten days late, past the grace

On time at the month-end six months back, 2025-12-31 (lines ordered after 2024-12-31):
  the four old lines, all on time: 4/4 = 1.0 for both; prior 1.0; used 1.0 → "100.0%".
On time at 2026-06-30 (lines ordered after 2025-06-30), all eight lines due:
  S-FALL 4/8 = 0.5, S-STEADY 8/8 = 1.0; prior (0.5 + 1.0) / 2 = 0.75
  S-FALL used   (8 × 0.5 + 5 × 0.75) / 13 = 7.75 / 13 = 0.59615 → "59.6%"
  S-STEADY used (8 × 1.0 + 5 × 0.75) / 13 = 11.75 / 13 = 0.90385 → "90.4%" (the prior pulls it)
Both fell, S-FALL more; on time is what moved each; nobody rose.

The 13 points are the 12 month-ends 2025-06-30 … 2026-05-31 and 2026-06-30.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.domain.enums import Standing
from sourcing_app.reports import write_brand_report, write_supplier_report
from sourcing_app.services.importing import import_file
from sourcing_app.ui.dashboard.movers import MoversList, cause_words
from sourcing_app.ui.shell.undo_commands import EditSession
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.suppliers.detail_pane import SupplierDetailPane
from sourcing_app.ui.suppliers.trend_store import TrendStore

AS_OF = dt.date(2026, 6, 30)
OLD = ["2025-07-15", "2025-08-15", "2025-09-15", "2025-10-15"]
NEW = ["2026-01-15", "2026-02-15", "2026-03-15", "2026-04-15"]


def _days(day: str, n: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def _files() -> dict[str, str]:
    lines = ["line_ref,supplier_code,sku,order_date,promised_date,ordered_qty,unit_price,"
             "currency,fx_rate,regime"]  # fmt: skip
    deliveries = ["line_ref,delivered_date,delivered_qty,rejected_qty,clearance_days"]
    for code, late in (("S-FALL", True), ("S-STEADY", False)):
        for n, day in enumerate(OLD + NEW):
            ref = f"{code}-{n}"
            promised = _days(day, 20 if late and day in NEW else 30)
            lines.append(f"{ref},{code},LUM-CREAM,{day},{promised},100,100,CNY,1,cbec")
            deliveries.append(f"{ref},{_days(day, 30)},100,0,1")
    return {
        "tax-categories": "name,tariff,consumption_tax,vat,postal_rate\n"
        "cosmetics,0.05,0.15,0.13,0.5\n",
        "suppliers": "code,name,country,kind,monthly_capacity,contact,notes\n"
        "S-FALL,Falling Star Trading,HK,trader,2000,,\n"
        "S-STEADY,Steady Hands Trading,HK,trader,2000,,\n",
        "brands": "name,origin_country,category,hot_selling,planned_monthly_demand,"
        "target_retail_price\nLumen,FR,cosmetics,false,400,299\n",
        "products": "sku,brand,name,tax_category,retail_price,unit_weight_kg\n"
        "LUM-CREAM,Lumen,Lumen cream 50 ml,cosmetics,299,0.1\n",
        "channels": "supplier_code,brand,tier,authorization_ref,authorized_until,"
        "contract_start,contract_end,exclusive,active\n"
        "S-FALL,Lumen,2,,,,,false,true\nS-STEADY,Lumen,2,,,,,false,true\n",
        "quotes": "supplier_code,sku,unit_price,currency,incoterm,min_qty,lead_time_days,"
        "freight_per_unit,insurance_per_unit,valid_from,valid_to\n"
        "S-FALL,LUM-CREAM,100,CNY,FOB,1,30,0,0,2025-01-01,\n"
        "S-STEADY,LUM-CREAM,100,CNY,FOB,1,30,0,0,2025-01-01,\n",
        "purchases": "\n".join(lines) + "\n",
        "deliveries": "\n".join(deliveries) + "\n",
    }


ORDER = ("tax-categories", "suppliers", "brands", "products", "channels", "quotes",
         "purchases", "deliveries")  # fmt: skip


def load(engine: Engine, folder: Path) -> dict[str, int]:
    files = _files()
    for kind in ORDER:
        path = folder / f"{kind}.csv"
        path.write_text(files[kind], encoding="utf-8")
        result = import_file(engine, kind, path, who="setup")
        assert result.ok, result.problems
    with engine.connect() as conn:
        return {str(k): int(v) for k, v in conn.execute(text("SELECT code, id FROM supplier"))}


@pytest.fixture
def scored(qtbot, engine: Engine, tmp_path: Path) -> tuple[Workspace, dict[str, int]]:
    found = load(engine, tmp_path)
    workspace = Workspace(engine, "trend.sqlite")
    workspace.set_scores(workspace.scoring.score_all(AS_OF), AS_OF)
    yield workspace, found
    TrendStore.of(workspace).wait_for_done()


def test_the_detail_pane_draws_13_points_ending_in_the_tables_standing(qtbot, scored) -> None:
    workspace, found = scored
    pane = SupplierDetailPane(workspace)
    qtbot.addWidget(pane)
    pane.tabs.setCurrentWidget(pane.trend)
    pane.show()
    with qtbot.waitSignal(pane.trend.trend_shown, timeout=60_000):
        pane.show_supplier(found["S-FALL"])
        assert pane.trend.placeholder.text() == "Working out the trend…"
    history = pane.trend.points
    assert [p.as_of for p in history][:2] == [dt.date(2025, 6, 30), dt.date(2025, 7, 31)]
    assert len(history) == 13 and history[-1].as_of == AS_OF
    shown = workspace.score_for(found["S-FALL"])
    assert shown is not None
    assert history[-1].standing is shown.standing
    assert history[-1].sourcing_score == pytest.approx(shown.sourcing_score, abs=1e-4)
    # On time, hand-worked above: 1.0 six month-ends back, 7.75 / 13 now.
    assert history[-7].sub_scores["on_time"] == pytest.approx(1.0, abs=1e-6)
    assert history[-1].sub_scores["on_time"] == pytest.approx(7.75 / 13, abs=1e-6)
    # One marker per point, each coloured by its standing; three lines and nothing else named.
    from PySide6.QtCharts import QChartView, QScatterSeries

    chart = pane.trend.chart_slot.findChild(QChartView).chart()
    markers = [s for s in chart.series() if isinstance(s, QScatterSeries)]
    assert sum(s.count() for s in markers) == 13
    named = [m.label() for m in chart.legend().markers() if m.isVisible()]
    assert named == ["Sourcing score", "Margin score", "Stability score"]


def test_the_movers_name_the_on_time_fall_and_open_the_supplier(qtbot, scored) -> None:
    workspace, found = scored
    movers = MoversList(workspace)
    qtbot.addWidget(movers)
    with qtbot.waitSignal(movers.movers_shown, timeout=60_000):
        movers.show()
    fell = [m.supplier_code for m in movers.rows]
    assert fell == ["S-FALL", "S-STEADY"]  # both fell, S-FALL more; nobody rose
    first, second = movers.rows
    assert first.change < second.change < 0
    assert first.cause == "on_time" and second.cause == "on_time"
    assert cause_words(first) == "On time 100.0% → 59.6%"  # 7.75 / 13
    assert cause_words(second) == "On time 100.0% → 90.4%"  # 11.75 / 13
    # Marked falling exactly when ten sourcing points or more were lost.
    assert first.falling == (first.change <= -10)
    assert movers.model.index(0, 2).data() == ("falling" if first.falling else "")
    with qtbot.waitSignal(workspace.supplier_requested) as opened:
        movers.view.clicked.emit(movers.model.index(0, 0))
    assert opened.args == [found["S-FALL"]]


def test_a_corrected_delivery_changes_the_past_points(qtbot, scored, engine: Engine) -> None:
    """S-FALL's January line (promised 02-04) was in fact delivered on 02-04, not 02-14.

    At 2026-02-28 its on time was 4/5 (the old four and the January line, late);
    now 5/5. At 2026-06-30: raw 5/8 = 0.625, prior (0.625 + 1) / 2 = 0.8125,
    used (8 × 0.625 + 5 × 0.8125) / 13 = 9.0625 / 13 = 0.69712.
    """
    workspace, found = scored
    store = TrendStore.of(workspace)
    pane = SupplierDetailPane(workspace)
    qtbot.addWidget(pane)
    pane.tabs.setCurrentWidget(pane.trend)
    pane.show()
    with qtbot.waitSignal(pane.trend.trend_shown, timeout=60_000):
        pane.show_supplier(found["S-FALL"])
    before = {p.as_of: p for p in pane.trend.points}
    feb = dt.date(2026, 2, 28)
    with engine.connect() as conn:
        delivery = conn.execute(
            text(
                "SELECT d.id FROM delivery d JOIN purchase_line l ON l.id = d.line_id "
                "WHERE l.line_ref = 'S-FALL-4'"
            )
        ).scalar_one()
    session = EditSession.of(workspace)
    saved = session.service.edit("delivery", delivery, None, {"delivered_date": "2026-02-04"})
    with qtbot.waitSignal(pane.trend.trend_shown, timeout=60_000):
        session.push(saved)
        # Never the old points while the new ones are worked out.
        assert not store.ready and pane.trend.points == ()
        assert pane.trend.placeholder.isVisibleTo(pane.trend)
    after = {p.as_of: p for p in pane.trend.points}
    assert before[feb].sub_scores["on_time"] < after[feb].sub_scores["on_time"]
    assert after[AS_OF].sub_scores["on_time"] == pytest.approx(9.0625 / 13, abs=1e-6)
    assert after[AS_OF].sourcing_score > before[AS_OF].sourcing_score


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return done.stdout


def test_the_reports_carry_the_trend(qtbot, engine: Engine, tmp_path: Path) -> None:
    load(engine, tmp_path)
    supplier_pdf = tmp_path / "s-fall.pdf"
    write_supplier_report(engine, "S-FALL", supplier_pdf, AS_OF, made_on=AS_OF)
    words = _pdf_text(supplier_pdf)
    assert "Score trend" in words
    # The chart is an image; its points are listed under it by date, month by month.
    assert "Dec 2025" in words and "Jun 2025" in words
    assert "31 Dec 2025" in words and "30 Jun 2026" in words
    assert "points over six" in words  # -5.3 points (98.5 → 93.2): not falling
    brand_pdf = tmp_path / "lumen.pdf"
    write_brand_report(engine, "Lumen", brand_pdf, AS_OF, made_on=AS_OF)
    words = _pdf_text(brand_pdf)
    assert "Channels' score trends side by side" in words


def test_an_archived_supplier_has_no_trend_rather_than_a_stale_one(qtbot, scored) -> None:
    workspace, found = scored
    store = TrendStore.of(workspace)
    with qtbot.waitSignal(store.changed, timeout=60_000):
        store.want()
    assert store.points_of(found["S-STEADY"]) is not None
    assert store.points_of(10_000) == ()
    assert {p.standing for p in store.points_of(found["S-STEADY"]) or ()} <= set(Standing)


def test_the_history_waits_until_the_trend_tab_is_on_screen(qtbot, scored) -> None:
    # Minutes of a core's work on a big portfolio: not started for every supplier
    # a buyer passes over on the Details tab, only once the Trend tab is shown.
    workspace, found = scored
    store = TrendStore.of(workspace)
    pane = SupplierDetailPane(workspace)
    qtbot.addWidget(pane)
    pane.show()
    assert pane.tabs.currentWidget() is not pane.trend
    pane.show_supplier(found["S-FALL"])
    qtbot.wait(800)  # longer than the store's own delay after being asked
    assert not store.ready and not store._running()
    with qtbot.waitSignal(pane.trend.trend_shown, timeout=60_000):
        pane.tabs.setCurrentWidget(pane.trend)
    assert store.ready and len(pane.trend.points) == 13


def test_a_new_run_works_the_history_out_again_only_while_the_trend_is_on_screen(
    qtbot, scored
) -> None:
    # The buyer looked at the trend, then went back to the breakdown; a re-score
    # (F5) follows. The history of the old run is dropped, and the new one is not
    # started behind the buyer's back: it starts once the Trend tab is shown again.
    workspace, found = scored
    store = TrendStore.of(workspace)
    pane = SupplierDetailPane(workspace)
    qtbot.addWidget(pane)
    pane.show()
    pane.show_supplier(found["S-FALL"])
    with qtbot.waitSignal(pane.trend.trend_shown, timeout=60_000):
        pane.tabs.setCurrentWidget(pane.trend)
    pane.tabs.setCurrentIndex(0)
    workspace.set_scores(workspace.scoring.score_all(AS_OF), AS_OF)
    assert not store.ready
    qtbot.wait(800)  # longer than the store's delay after a run
    assert not store.ready and not store._running()
    with qtbot.waitSignal(pane.trend.trend_shown, timeout=60_000):
        pane.tabs.setCurrentWidget(pane.trend)
    assert store.ready and len(pane.trend.points) == 13
    # On screen when the next run lands: worked out again without being asked.
    with qtbot.waitSignal(store.changed, timeout=60_000, check_params_cb=lambda: store.ready):
        workspace.set_scores(workspace.scoring.score_all(AS_OF), AS_OF)
    assert len(pane.trend.points) == 13
