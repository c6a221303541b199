"""The supplier table as a buyer reads and sorts it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from sourcing_app.domain.enums import Standing
from sourcing_app.ui.suppliers.table_model import (
    SORT_ROLE,
    Column,
    SupplierFilter,
    SupplierTableModel,
    prepare_rows,
)
from tests.ui.scores import three_suppliers


def _column(model: SupplierTableModel, column: Column) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_the_model_passes_qt_model_checks_empty_and_filled(qtmodeltester: ModelTester) -> None:
    model = SupplierTableModel()
    qtmodeltester.check(model)
    model.set_scores(three_suppliers())
    qtmodeltester.check(model)
    model.sort(Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_filter(SupplierFilter(text="harbour"))
    qtmodeltester.check(model)


def test_each_supplier_reads_in_the_buyers_words() -> None:
    model = SupplierTableModel()
    model.set_scores(three_suppliers())
    harbour = [model.index(1, column).data() for column in Column]
    assert harbour == [
        "HK-HARBOUR",
        "Harbour Trading Ltd",
        "HK",
        "Vertical, Composite",
        "Aptamil",
        "45.5%",
        "78.3",
        "81.2",
        "Preferred",
        "83%",
        "—",  # these hand-made scores carry no clearance sub-score
        "",
    ]
    sakura = [model.index(2, column).data() for column in Column]
    assert sakura[Column.MARGIN] == "—"
    assert sakura[Column.SOURCING_SCORE] == "—"
    assert sakura[Column.STANDING] == "Unrated"
    assert sakura[Column.FLAGS] == "No valid quote, Thin history"
    tooltip = model.index(2, Column.FLAGS).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip == (
        "no quote is valid on 27 Nov 2026\nonly 2 due lines: the scores rest mostly on the prior"
    )
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers[Column.MARGIN] == "Margin %"
    assert headers[Column.SOURCING_SCORE] == "Sourcing score (0–100)"
    assert headers[Column.STABILITY] == "Stability (0–100)"


def test_the_sort_role_gives_the_unrounded_number() -> None:
    model = SupplierTableModel()
    model.set_scores(three_suppliers())
    assert model.index(1, Column.MARGIN).data(SORT_ROLE) == 0.4551
    assert model.index(2, Column.MARGIN).data(SORT_ROLE) is None


def _click_header(qtbot: QtBot, view: QTableView, column: Column) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_clicking_the_score_header_sorts_and_unrated_suppliers_stay_last(qtbot: QtBot) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    model = SupplierTableModel(view)  # the view must not outlive its model
    model.set_scores(three_suppliers())
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(Column.CODE, Qt.SortOrder.AscendingOrder)
    view.show()
    qtbot.waitExposed(view)

    with qtbot.waitSignal(model.layoutChanged):
        _click_header(qtbot, view, Column.SOURCING_SCORE)
    assert view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert _column(model, Column.SOURCING_SCORE) == ["48.0", "81.2", "—"]

    with qtbot.waitSignal(model.layoutChanged):
        _click_header(qtbot, view, Column.SOURCING_SCORE)
    assert view.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert _column(model, Column.SOURCING_SCORE) == ["81.2", "48.0", "—"]
    assert _column(model, Column.CODE) == ["HK-HARBOUR", "DE-RHEIN", "JP-SAKURA"]


def test_sorting_by_standing_puts_preferred_first() -> None:
    model = SupplierTableModel()
    model.set_scores(three_suppliers())
    model.sort(Column.STANDING, Qt.SortOrder.AscendingOrder)
    assert _column(model, Column.STANDING) == ["Preferred", "Watch", "Unrated"]


def test_the_selected_supplier_stays_selected_when_the_table_is_sorted(qtbot: QtBot) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    model = SupplierTableModel(view)  # the view must not outlive its model
    model.set_scores(three_suppliers())
    view.setModel(model)
    view.selectionModel().select(
        model.index(0, Column.CODE),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )

    model.sort(Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder)

    selected = view.selectionModel().selectedRows()
    assert [index.data() for index in selected] == ["DE-RHEIN"]
    assert selected[0].row() == 1


def test_a_rescored_supplier_repaints_with_one_ranged_update() -> None:
    model = SupplierTableModel()
    model.set_scores(three_suppliers())
    model.sort(Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder)
    repaints: list[tuple[int, int, int, int]] = []

    def record(top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        repaints.append(
            (top_left.row(), top_left.column(), bottom_right.row(), bottom_right.column())
        )

    model.dataChanged.connect(record)
    harbour, rhein = three_suppliers()[1], three_suppliers()[0]
    model.update_scores(
        [
            replace(harbour, sourcing_score=70.4, standing=Standing.APPROVED),
            replace(rhein, sourcing_score=52.5, standing=Standing.WATCH),
        ]
    )

    assert repaints == [(0, 0, 1, len(Column) - 1)]
    assert _column(model, Column.SOURCING_SCORE) == ["70.4", "52.5", "—"]
    assert _column(model, Column.STANDING) == ["Approved", "Watch", "Unrated"]
    model.sort(Column.SOURCING_SCORE, Qt.SortOrder.AscendingOrder)
    assert _column(model, Column.SOURCING_SCORE) == ["52.5", "70.4", "—"]


def test_filters_narrow_the_rows_and_keep_the_sort() -> None:
    model = SupplierTableModel()
    model.set_scores(three_suppliers())
    model.sort(Column.SOURCING_SCORE, Qt.SortOrder.DescendingOrder)
    model.set_filter(SupplierFilter(text="APTAMIL"))  # a brand, any case
    assert _column(model, Column.CODE) == ["HK-HARBOUR", "DE-RHEIN"]
    model.set_filter(SupplierFilter(text="aptamil", country="DE"))
    assert _column(model, Column.CODE) == ["DE-RHEIN"]
    model.set_filter(SupplierFilter(channel_type="vertical"))
    assert _column(model, Column.CODE) == ["HK-HARBOUR"]
    model.set_filter(SupplierFilter(channel_type="composite"))
    assert _column(model, Column.CODE) == ["DE-RHEIN", "JP-SAKURA"]
    model.set_filter(SupplierFilter(standing="Unrated"))
    assert _column(model, Column.CODE) == ["JP-SAKURA"]
    model.set_filter(SupplierFilter(text="rhein pharma"))
    model.sort(Column.CODE, Qt.SortOrder.AscendingOrder)
    assert _column(model, Column.CODE) == ["DE-RHEIN"]
    assert model.total_count == 3
    # A search never matches across the end of one field and the start of the next.
    model.set_filter(SupplierFilter(text="rheinrhein"))
    assert model.rowCount() == 0


def test_rows_prepared_on_a_worker_are_installed_as_they_are() -> None:
    model = SupplierTableModel()
    rows = prepare_rows(
        three_suppliers(), Column.MARGIN, Qt.SortOrder.AscendingOrder, SupplierFilter(country="HK")
    )
    model.install(rows)
    assert _column(model, Column.CODE) == ["HK-HARBOUR"]
    assert model.row_of_supplier(2) == 0
    assert model.row_of_supplier(1) is None  # filtered out


def test_the_small_record_tables_pass_qt_model_checks(qtmodeltester: ModelTester) -> None:
    from sourcing_app.ui.dashboard.screen import FlagRow, flag_columns
    from sourcing_app.ui.widgets.record_table_model import RecordTableModel

    model = RecordTableModel(flag_columns())
    qtmodeltester.check(model)
    scores = three_suppliers()
    model.set_rows(
        [FlagRow(s.supplier_id, s.supplier_code, s.supplier_name, s.standing, f)
         for s in scores for f in s.flags]
    )  # fmt: skip
    qtmodeltester.check(model)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    assert [model.index(r, 2).data() for r in range(2)] == ["Thin history", "No valid quote"]


def test_a_sort_built_in_pieces_on_a_worker_equals_the_plain_sort() -> None:
    from dataclasses import replace as copy_with

    from sourcing_app.ui.suppliers import table_model as table

    base = three_suppliers()
    # 25 suppliers with repeating scores: ties must keep their arrival order either way.
    many = [
        copy_with(base[i % 3], supplier_id=i, supplier_code=f"S{i:03}",
                  sourcing_score=None if i % 7 == 0 else float(i % 4))
        for i in range(25)
    ]  # fmt: skip
    old_piece = table.SORT_PIECE
    table.SORT_PIECE = 4  # 25 rows: seven pieces
    try:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            plain = prepare_rows(many, Column.SOURCING_SCORE, order)
            pieces = prepare_rows(many, Column.SOURCING_SCORE, order, in_pieces=True)
            assert pieces.sorted_all == plain.sorted_all
            assert pieces.country_list == ["DE", "HK", "JP"]
            # Built on the worker with the rest, the search keys are those the UI
            # thread would build on first use.
            assert pieces.has_filter_arrays and not plain.has_filter_arrays
            assert pieces.search == plain.search and pieces.channel_bits == plain.channel_bits
    finally:
        table.SORT_PIECE = old_piece
