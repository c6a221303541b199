"""The desktop's way to a report: choose where to save, read the data off the UI thread, write.

The data is read in the background through `workspace.run_task` (the scores
already on screen are reused); the PDF itself is laid out on the UI thread,
where Qt's text layout and fonts are at home. It takes a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from sourcing_app.errors import BadInput, Cancelled, CannotFinish, ProgressCallback
from sourcing_app.i18n import _, ngettext
from sourcing_app.reports.brand_report import build_brand_report
from sourcing_app.reports.pdf import write_pdf
from sourcing_app.reports.supplier_report import build_supplier_report
from sourcing_app.services.brand_overview import brand_overviews
from sourcing_app.services.report_data import brand_name_of, report_trend
from sourcing_app.services.settings import load_settings
from sourcing_app.services.supplier_detail import load_supplier_detail
from sourcing_app.ui.shell.workspace import Workspace
from sourcing_app.ui.suppliers.trend_store import TrendStore


def _default_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def _ask_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, title, str(_default_folder() / suggested), _("PDF files (*.pdf)")
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in " -_." else "_" for ch in name).strip()


def export_supplier_report(
    workspace: Workspace,
    supplier_id: int,
    parent: QWidget | None = None,
    *,
    path: str | Path | None = None,
) -> int | None:
    """Ask where to save (unless `path` is given) and write the supplier's report there.

    Returns the background job number, or None when the buyer cancelled the
    save dialog. Reports the outcome in a message box that offers to open the PDF.
    """
    score = workspace.full_score(supplier_id)
    if score is None:
        QMessageBox.information(
            parent,
            _("Supplier report"),
            _("This supplier has not been scored yet. Score the portfolio first, then try again."),
        )
        return None
    as_of = workspace.as_of
    if path is None:
        suggested = f"{_safe_name(score.supplier_code)} evaluation {as_of.isoformat()}.pdf"
        path = _ask_path(parent, _("Save the supplier report"), suggested)
        if path is None:
            return None
    target = Path(path)
    engine = workspace.engine
    held = TrendStore.of(workspace).trend  # the trend of this run, if worked out already

    def work(progress: ProgressCallback) -> Any:
        progress(0, 2, _("Reading {code} for the report").format(code=score.supplier_code))
        settings = load_settings(engine)
        detail = load_supplier_detail(engine, supplier_id, as_of, settings)
        trend = report_trend(engine, as_of, [supplier_id], held)
        progress(1, 2, _("Laying out the report"))
        return detail, settings, trend

    def done(result: Any) -> None:
        detail, settings, trend = result
        report = build_supplier_report(
            detail, score, settings, workspace.database_label, dt.date.today(), trend=trend
        )
        _write_and_tell(parent, report, target, score.supplier_code)

    return workspace.run_task(
        _("Supplier report {code}").format(code=score.supplier_code),
        work,
        done,
        lambda error: _failed(parent, _("Supplier report"), error),
    )


def export_brand_report(
    workspace: Workspace,
    brand_id: int,
    parent: QWidget | None = None,
    *,
    path: str | Path | None = None,
) -> int | None:
    """Ask where to save (unless `path` is given) and write the brand's sourcing report."""
    engine = workspace.engine
    name = brand_name_of(engine, brand_id)
    if name is None:
        QMessageBox.warning(
            parent, _("Brand report"), _("That brand is no longer in the database.")
        )
        return None
    as_of = workspace.as_of
    if path is None:
        path = _ask_path(
            parent,
            _("Save the brand report"),
            f"{_safe_name(name)} sourcing {as_of.isoformat()}.pdf",
        )
        if path is None:
            return None
    target = Path(path)
    scores = list(workspace.scores)
    held = TrendStore.of(workspace).trend  # the trend of this run, if worked out already

    def work(progress: ProgressCallback) -> Any:
        progress(0, 1, _("Reading {code} for the report").format(code=name))
        settings = load_settings(engine)
        overviews = brand_overviews(engine, scores, as_of, settings, include_archived=True)
        overview = next(o for o in overviews if o.id == brand_id)
        trend = report_trend(engine, as_of, [c.supplier_id for c in overview.channels], held)
        return overview, settings, trend

    def done(result: Any) -> None:
        overview, settings, trend = result
        window_start = as_of - dt.timedelta(days=settings.window_days)
        report = build_brand_report(
            overview,
            as_of,
            window_start,
            settings.home_currency,
            workspace.database_label,
            dt.date.today(),
            trend=trend,
        )
        _write_and_tell(parent, report, target, name)

    return workspace.run_task(
        _("Brand report {name}").format(name=name),
        work,
        done,
        lambda error: _failed(parent, _("Brand report"), error),
    )


def _write_and_tell(parent: QWidget | None, report: Any, path: Path, subject: str) -> None:
    """Write the PDF; say where it went, or why not. `subject`: the supplier code or brand."""
    try:
        pages = write_pdf(report, path)
    except (BadInput, CannotFinish) as exc:
        _failed(parent, _("Report"), exc)
        return
    box = QMessageBox(
        QMessageBox.Icon.Information,
        _("Report saved"),
        ngettext(
            "The report on {subject} was saved as {file} ({pages} page, A4).",
            "The report on {subject} was saved as {file} ({pages} pages, A4).",
            pages,
        ).format(subject=subject, file=path.name, pages=pages),
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setObjectName("report_saved")
    box.setInformativeText(str(path.parent))
    open_button = box.addButton(_("Open the PDF"), QMessageBox.ButtonRole.AcceptRole)
    open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
    _show(box)


def _failed(parent: QWidget | None, title: str, error: Exception) -> None:
    if isinstance(error, Cancelled):
        return
    if isinstance(error, BadInput | CannotFinish):
        words = str(error)
    else:
        words = _("unexpected: {error}").format(error=error)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title,
        _("The report was not saved: {reason}").format(reason=words),
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setObjectName("report_failed")
    _show(box)


# A message box without a parent belongs to Python: keep it alive while it is open.
_OPEN_BOXES: set[QMessageBox] = set()


def _show(box: QMessageBox) -> None:
    _OPEN_BOXES.add(box)
    box.finished.connect(lambda _result: _OPEN_BOXES.discard(box))
    box.open()
