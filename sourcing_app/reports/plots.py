"""Charts for the PDF reports, painted with QPainter into images.

Made for black-and-white printing: series differ by marker shape and line
style, late deliveries are hollow markers, composite channels are hatched;
every axis says its unit and every series is named in a legend. Each chart
takes the report's font family, so a Chinese report's charts speak Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPolygonF

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.formatting import cell_day, month_label
from sourcing_app.domain.settings import StandingBands
from sourcing_app.i18n import N_, _, ngettext, pgettext
from sourcing_app.services.score_history import HistoryPoint

SCALE = 3  # drawn at three times the printed size
FONT = "DejaVu Sans"
MARKERS = ("circle", "square", "triangle", "diamond", "cross")
DASHES = (
    Qt.PenStyle.SolidLine,
    Qt.PenStyle.DashLine,
    Qt.PenStyle.DotLine,
    Qt.PenStyle.DashDotLine,
    Qt.PenStyle.DashDotDotLine,
)


def _canvas(width: int, height: int) -> tuple[QImage, QPainter]:
    image = QImage(width * SCALE, height * SCALE, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(SCALE)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    return image, painter


def _font(size: float, bold: bool = False, family: str = FONT) -> QFont:
    font = QFont(family)
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(1, ticks)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _y_range(values: Sequence[float], floor_zero: bool = False) -> tuple[float, float, float]:
    low, high = min(values), max(values)
    if floor_zero:
        low = 0.0
    if high - low < 1e-9:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _nice_step(high - low)
    low = math.floor(low / step) * step
    high = math.ceil(high / step) * step
    if floor_zero:
        low = max(0.0, low)
    return low, high, step


def _marker(painter: QPainter, at: QPointF, shape: str, filled: bool, size: float = 3.6) -> None:
    painter.setBrush(QBrush(Qt.GlobalColor.black) if filled else QBrush(Qt.GlobalColor.white))
    x, y = at.x(), at.y()
    if shape == "circle":
        painter.drawEllipse(at, size, size)
    elif shape == "square":
        painter.drawRect(QRectF(x - size, y - size, 2 * size, 2 * size))
    elif shape == "triangle":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, y - size * 1.2),
                    QPointF(x + size, y + size),
                    QPointF(x - size, y + size),
                ]
            )
        )
    elif shape == "diamond":
        painter.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, y - size * 1.3),
                    QPointF(x + size, y),
                    QPointF(x, y + size * 1.3),
                    QPointF(x - size, y),
                ]
            )
        )
    else:
        painter.drawLine(QPointF(x - size, y - size), QPointF(x + size, y + size))
        painter.drawLine(QPointF(x - size, y + size), QPointF(x + size, y - size))


class _Frame:
    """A plot area with a date x axis and a numeric y axis."""

    def __init__(
        self,
        painter: QPainter,
        area: QRectF,
        start: dt.date,
        end: dt.date,
        y: tuple[float, float, float],
        family: str,
    ) -> None:
        self.painter = painter
        self.family = family
        self.area = area
        self.start = start
        self.days = max(1, (end - start).days)
        self.low, self.high, self.step = y

    def x(self, when: dt.date) -> float:
        return self.area.left() + self.area.width() * (when - self.start).days / self.days

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.area.bottom() - self.area.height() * share

    def draw_axes(self, y_label: str, y_format: str = "{:,.0f}") -> None:
        p = self.painter
        area = self.area
        p.setFont(_font(6.5, family=self.family))
        grid = QPen(QColor(170, 170, 170), 0.5, Qt.PenStyle.DotLine)
        value = self.low
        while value <= self.high + self.step / 1000:
            y = self.y(value)
            p.setPen(grid)
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            p.setPen(QPen(Qt.GlobalColor.black, 0.8))
            p.drawText(
                QRectF(area.left() - 58, y - 7, 54, 14),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                y_format.format(value),
            )
            value += self.step
        # Month ticks along the bottom.
        p.setPen(QPen(Qt.GlobalColor.black, 0.8))
        month = dt.date(self.start.year, self.start.month, 1)
        months = []
        while month <= self.start + dt.timedelta(days=self.days):
            if month >= self.start:
                months.append(month)
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        every = max(1, math.ceil(len(months) / 7))
        for index, tick in enumerate(months):
            x = self.x(tick)
            p.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3))
            if index % every == 0:
                p.drawText(
                    QRectF(x - 30, area.bottom() + 4, 60, 12),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                    month_label(tick),
                )
        p.setPen(QPen(Qt.GlobalColor.black, 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(area)
        p.save()
        p.setFont(_font(7, family=self.family))
        p.translate(area.left() - 66, area.center().y())
        p.rotate(-90)
        p.drawText(
            QRectF(-area.height() / 2, -8, area.height(), 14), Qt.AlignmentFlag.AlignCenter, y_label
        )
        p.restore()


def _title(painter: QPainter, width: int, title: str, family: str) -> None:
    painter.setPen(Qt.GlobalColor.black)
    painter.setFont(_font(8.5, bold=True, family=family))
    painter.drawText(QRectF(0, 0, width, 20), Qt.AlignmentFlag.AlignLeft, title)


def _empty(painter: QPainter, area: QRectF, words: str, family: str) -> None:
    painter.setPen(QPen(Qt.GlobalColor.black, 0.8, Qt.PenStyle.DashLine))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(area)
    painter.setFont(_font(8, family=family))
    painter.drawText(area, Qt.AlignmentFlag.AlignCenter, words)


def _legend(
    painter: QPainter,
    x: float,
    y: float,
    entries: list[tuple[str, str, bool, Qt.PenStyle | None]],
    family: str,
    right: float = 10_000.0,
) -> tuple[int, float]:
    """Entries of (label, marker, filled, line style or None), left to right up to `right`.

    Returns how many were drawn and where the next would start.
    """
    painter.setFont(_font(6.8, family=family))
    drawn = 0
    for label, shape, filled, dash in entries:
        width = 34 + painter.fontMetrics().horizontalAdvance(label)
        if x + width > right:
            break
        painter.setPen(QPen(Qt.GlobalColor.black, 1.0, dash or Qt.PenStyle.SolidLine))
        if dash is not None:
            painter.drawLine(QPointF(x, y), QPointF(x + 22, y))
        painter.setPen(QPen(Qt.GlobalColor.black, 1.0))
        _marker(painter, QPointF(x + 11, y), shape, filled, 3.0)
        painter.drawText(QPointF(x + 27, y + 3.5), label)
        x += width
        drawn += 1
    return drawn, x


def price_chart(
    points: Sequence[tuple[dt.date, str, Decimal]],
    start: dt.date,
    end: dt.date,
    currency: str,
    width: int = 680,
    height: int = 250,
    family: str = FONT,
) -> QImage:
    """Unit price in the home currency per purchase line over the window, one series per SKU."""
    image, p = _canvas(width, height)
    _title(
        p,
        width,
        _("Unit price paid per purchase line, {currency} (frozen exchange rate)").format(
            currency=currency
        ),
        family,
    )
    area = QRectF(76, 26, width - 90, height - 64)
    if not points:
        _empty(p, area, _("No purchase lines in the window"), family)
        p.end()
        return image
    skus = sorted({sku for _d, sku, _v in points})
    frame = _Frame(p, area, start, end, _y_range([float(v) for _d, _s, v in points]), family)
    frame.draw_axes(_("{currency} per unit").format(currency=currency), "{:,.2f}")
    legend = []
    for index, sku in enumerate(skus):
        shape = MARKERS[index % len(MARKERS)]
        dash = DASHES[index % len(DASHES)]
        series = [(d, float(v)) for d, s, v in points if s == sku]
        path = QPainterPath()
        for n, (when, value) in enumerate(series):
            point = QPointF(frame.x(when), frame.y(value))
            if n:
                path.lineTo(point)
            else:
                path.moveTo(point)
        p.setPen(QPen(Qt.GlobalColor.black, 1.1, dash))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(path)
        p.setPen(QPen(Qt.GlobalColor.black, 0.9))
        for when, value in series:
            _marker(p, QPointF(frame.x(when), frame.y(value)), shape, True)
        legend.append((sku, shape, True, dash))
    # Leave room for "+ N more SKUs" when they do not all fit on the line.
    room = area.right() if len(legend) <= 6 else area.right() - 80
    drawn, x = _legend(p, area.left(), height - 10, legend, family, room)
    if drawn < len(legend):
        p.setPen(Qt.GlobalColor.black)
        more = len(legend) - drawn
        p.drawText(
            QPointF(x + 4, height - 6.5),
            ngettext("+ {n} more SKU", "+ {n} more SKUs", more).format(n=more),
        )
    p.end()
    return image


def lead_time_chart(
    points: Sequence[tuple[dt.date, int, bool]],
    quoted: Sequence[tuple[str, int]],
    start: dt.date,
    end: dt.date,
    width: int = 680,
    height: int = 230,
    family: str = FONT,
) -> QImage:
    """Lead days of each delivery (order to delivery); hollow markers arrived late.

    Quoted lead times are dashed reference lines, labelled.
    """
    image, p = _canvas(width, height)
    _title(p, width, _("Lead time of each delivery, days from order to delivery"), family)
    area = QRectF(76, 26, width - 90, height - 64)
    if not points:
        _empty(p, area, _("No deliveries in the window"), family)
        p.end()
        return image
    values = [float(v) for _d, v, _l in points] + [float(v) for _s, v in quoted]
    frame = _Frame(p, area, start, end, _y_range(values, floor_zero=True), family)
    # Translators: the unit of the lead-time chart's vertical axis.
    frame.draw_axes(pgettext("chart axis", "days"), "{:,.0f}")
    p.setFont(_font(6.5, family=family))
    labels: list[tuple[QRectF, str]] = []
    last_label_y: float | None = None
    for label, days in sorted(quoted, key=lambda q: -q[1]):
        y = frame.y(days)
        p.setPen(QPen(Qt.GlobalColor.black, 0.9, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        # Labels above their line; one too close to the previous goes below its line.
        label_y = y - 13
        if last_label_y is not None and label_y < last_label_y + 12:
            label_y = y + 2
        text_width = p.fontMetrics().horizontalAdvance(label) + 6
        labels.append((QRectF(area.right() - 4 - text_width, label_y, text_width, 12), label))
        last_label_y = label_y
    p.setPen(QPen(Qt.GlobalColor.black, 1.0))
    for when, days, late in points:
        _marker(p, QPointF(frame.x(when), frame.y(days)), "circle", not late)
    # Last, on white: a busy month's markers would otherwise cover the words.
    for box, label in labels:
        p.fillRect(box, Qt.GlobalColor.white)
        p.setPen(Qt.GlobalColor.black)
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
    _legend(
        p,
        area.left(),
        height - 10,
        [
            (_("on time"), "circle", True, None),
            (_("late (after the promised date + grace)"), "circle", False, None),
            (_("quoted lead time"), "cross", True, Qt.PenStyle.DashLine),
        ][: 3 if quoted else 2],
        family,
    )
    p.end()
    return image


def channel_bars(
    rows: Sequence[tuple[str, float | None, bool]],
    width: int = 680,
    family: str = FONT,
) -> QImage:
    """Sourcing score per channel as horizontal bars: vertical solid, composite hatched."""
    bar, gap = 12, 5  # compact: six channels' chart still fits under their table on page 1
    height = 44 + (bar + gap) * len(rows) + 20
    image, p = _canvas(width, height)
    _title(p, width, _("Sourcing score per channel (0 to 100)"), family)
    label_width = 170
    area = QRectF(label_width, 24, width - label_width - 50, (bar + gap) * len(rows))
    p.setFont(_font(6.5, family=family))
    for tick in range(0, 101, 25):
        x = area.left() + area.width() * tick / 100
        p.setPen(QPen(QColor(160, 160, 160), 0.5, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        p.setPen(Qt.GlobalColor.black)
        p.drawText(
            QRectF(x - 15, area.bottom() + 2, 30, 12), Qt.AlignmentFlag.AlignCenter, str(tick)
        )
    for index, (label, score, vertical) in enumerate(rows):
        top = area.top() + index * (bar + gap) + gap / 2
        p.setPen(Qt.GlobalColor.black)
        p.setFont(_font(7, family=family))
        elided = p.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
        p.drawText(
            QRectF(0, top, label_width - 6, bar),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            elided,
        )
        if score is None:
            p.drawText(
                QRectF(area.left() + 4, top, 200, bar),
                Qt.AlignmentFlag.AlignVCenter,
                _("no score (no valid quote)"),
            )
            continue
        rect = QRectF(area.left(), top, area.width() * max(0.0, min(score, 100.0)) / 100, bar)
        p.setPen(QPen(Qt.GlobalColor.black, 0.9))
        p.setBrush(
            QBrush(
                Qt.GlobalColor.black if vertical else Qt.GlobalColor.black,
                Qt.BrushStyle.SolidPattern if vertical else Qt.BrushStyle.BDiagPattern,
            )
        )
        if vertical:
            p.setBrush(QBrush(QColor(60, 60, 60)))
        p.drawRect(rect)
        p.drawText(
            QRectF(rect.right() + 4, top, 46, bar), Qt.AlignmentFlag.AlignVCenter, f"{score:.1f}"
        )
    p.setPen(QPen(Qt.GlobalColor.black, 0.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(area.left(), area.top()), QPointF(area.left(), area.bottom()))
    y = height - 9
    x = area.left()
    p.setFont(_font(6.8, family=family))
    for words, pattern in (
        (_("vertical channel"), None),
        (_("composite channel"), Qt.BrushStyle.BDiagPattern),
    ):
        p.setBrush(
            QBrush(QColor(60, 60, 60)) if pattern is None else QBrush(Qt.GlobalColor.black, pattern)
        )
        p.drawRect(QRectF(x, y - 5, 16, 9))
        p.drawText(QPointF(x + 20, y + 3), words)
        x += 40 + p.fontMetrics().horizontalAdvance(words)
    p.end()
    return image


# --- score trend (docs/trend.md) ---------------------------------------------------------

# The three scores: line style and marker, so they part in black and white.
TREND_SERIES = (
    ("sourcing_score", N_("sourcing score"), Qt.PenStyle.SolidLine, "circle", 1.6),
    ("margin_score", N_("margin score"), Qt.PenStyle.DashLine, "square", 1.0),
    ("stability_score", N_("stability score"), Qt.PenStyle.DotLine, "triangle", 1.0),
)
BAND_LABEL_ROOM = 62  # right of the plot, for the standings' names
# Each standing's band in a shade of grey, darker as the standing falls: the page
# prints in black and white, and the band's name stands right of the plot.
BAND_GREY = {
    Standing.PREFERRED: 246,
    Standing.APPROVED: 234,
    Standing.WATCH: 220,
    Standing.AVOID: 204,
}


def _bands_of(bands: StandingBands) -> list[tuple[Standing, float, float]]:
    return [
        (Standing.AVOID, 0.0, bands.watch),
        (Standing.WATCH, bands.watch, bands.approved),
        (Standing.APPROVED, bands.approved, bands.preferred),
        (Standing.PREFERRED, bands.preferred, 100.0),
    ]


def _tint(standing: Standing) -> QColor:
    grey = BAND_GREY[standing]
    return QColor(grey, grey, grey)


def _draw_trend(
    p: QPainter,
    area: QRectF,
    history: Sequence[HistoryPoint],
    bands: StandingBands,
    family: str,
    *,
    compact: bool,
) -> None:
    """The bands, the axes and the lines of one trend inside `area`."""
    count = max(len(history), 2)

    def x(n: int) -> float:
        return area.left() + area.width() * (n + 0.5) / count

    def y(value: float) -> float:
        return area.bottom() - area.height() * max(0.0, min(value, 100.0)) / 100

    p.setPen(Qt.PenStyle.NoPen)
    p.setFont(_font(5.8 if compact else 6.3, family=family))
    for standing, low, high in _bands_of(bands):
        band = QRectF(area.left(), y(high), area.width(), y(low) - y(high))
        p.fillRect(band, _tint(standing))
        if not compact and band.height() >= 10:  # named outside, right of the plot
            p.setPen(QColor(40, 40, 40))
            p.drawText(
                QRectF(area.right() + 4, band.top(), BAND_LABEL_ROOM - 6, band.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                standing.label,
            )
            p.setPen(Qt.PenStyle.NoPen)
    p.setFont(_font(6.0 if compact else 6.5, family=family))
    for tick in range(0, 101, 50 if compact else 25):
        p.setPen(QPen(QColor(150, 150, 150), 0.4, Qt.PenStyle.DotLine))
        p.drawLine(QPointF(area.left(), y(tick)), QPointF(area.right(), y(tick)))
        p.setPen(Qt.GlobalColor.black)
        p.drawText(
            QRectF(area.left() - 30, y(tick) - 7, 26, 14),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            str(tick),
        )
    last = len(history) - 1
    shown = (
        {0, last, last // 2} if compact else {n for n in range(len(history)) if (last - n) % 2 == 0}
    )
    label_width = area.width() / count * (2.6 if not compact else 4.0)
    for n, point in enumerate(history):
        p.setPen(QPen(Qt.GlobalColor.black, 0.6))
        p.drawLine(QPointF(x(n), area.bottom()), QPointF(x(n), area.bottom() + 2.5))
        if n in shown:
            words = cell_day(point.as_of) if n == last else month_label(point.as_of)
            box = QRectF(x(n) - label_width / 2, area.bottom() + 3, label_width, 12)
            align = Qt.AlignmentFlag.AlignHCenter
            if compact and n == last:  # ends at the plot's edge, not past the panel's
                box = QRectF(area.right() + 6 - 90, area.bottom() + 3, 90, 12)
                align = Qt.AlignmentFlag.AlignRight
            elif compact and n == 0:
                box = QRectF(area.left() - 6, area.bottom() + 3, 90, 12)
                align = Qt.AlignmentFlag.AlignLeft
            p.drawText(box, align | Qt.AlignmentFlag.AlignTop, words)
    series = TREND_SERIES[:1] if compact else TREND_SERIES
    for key, _name, dash, shape, width in series:
        values = [getattr(point, key) for point in history]
        p.setPen(QPen(Qt.GlobalColor.black, width, dash))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for n in range(1, len(values)):
            before, now = values[n - 1], values[n]
            if before is not None and now is not None:  # a gap where a score has no value
                p.drawLine(QPointF(x(n - 1), y(before)), QPointF(x(n), y(now)))
        p.setPen(QPen(Qt.GlobalColor.black, 0.8))
        for n, value in enumerate(values):
            if value is not None:
                _marker(p, QPointF(x(n), y(value)), shape, key == "sourcing_score", 2.4)
    p.setPen(QPen(Qt.GlobalColor.black, 0.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(area)


def score_trend_chart(
    history: Sequence[HistoryPoint],
    bands: StandingBands,
    width: int = 680,
    height: int = 240,
    family: str = FONT,
) -> QImage:
    """Sourcing, margin and stability scores at each month-end and the evaluation date,
    over the standing bands; a score with no value that day leaves a gap."""
    image, p = _canvas(width, height)
    _title(p, width, _("Score trend: the last 12 month-ends and the evaluation date"), family)
    area = QRectF(76, 26, width - 76 - BAND_LABEL_ROOM, height - 64)
    if not history:
        _empty(p, area, _("No trend: the supplier was not scored"), family)
        p.end()
        return image
    _draw_trend(p, area, history, bands, family, compact=False)
    p.save()
    p.setFont(_font(7, family=family))
    p.translate(area.left() - 40, area.center().y())
    p.rotate(-90)
    p.drawText(
        QRectF(-area.height() / 2, -8, area.height(), 14),
        Qt.AlignmentFlag.AlignCenter,
        _("score (0–100)"),
    )
    p.restore()
    entries: list[tuple[str, str, bool, Qt.PenStyle | None]] = [
        (_(name), shape, key == "sourcing_score", dash)
        for key, name, dash, shape, _w in TREND_SERIES
    ]
    _legend(p, area.left(), height - 10, entries, family)
    p.end()
    return image


def trend_multiples(
    panels: Sequence[tuple[str, Sequence[HistoryPoint]]],
    bands: StandingBands,
    width: int = 680,
    per_row: int = 3,
    family: str = FONT,
) -> QImage:
    """One small sourcing-score trend per channel's supplier, side by side over the bands."""
    cell_w, cell_h = width / per_row, 128
    rows = max(1, math.ceil(len(panels) / per_row))
    height = int(26 + rows * cell_h + 16)
    image, p = _canvas(width, height)
    _title(
        p, width, _("Sourcing score trend per channel: the last 12 month-ends and today"), family
    )
    for index, (title, history) in enumerate(panels):
        left = (index % per_row) * cell_w
        top = 26 + (index // per_row) * cell_h
        p.setPen(Qt.GlobalColor.black)
        p.setFont(_font(7, bold=True, family=family))
        words = p.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, int(cell_w - 40))
        p.drawText(QRectF(left + 34, top, cell_w - 40, 12), Qt.AlignmentFlag.AlignLeft, words)
        area = QRectF(left + 34, top + 14, cell_w - 48, cell_h - 44)
        if history:
            _draw_trend(p, area, history, bands, family, compact=True)
        else:
            _empty(p, area, _("not scored"), family)
    p.setFont(_font(6.8, family=family))
    x = 34.0
    y = height - 8.0
    for standing, _low, _high in reversed(_bands_of(bands)):
        p.fillRect(QRectF(x, y - 6, 14, 8), _tint(standing))
        p.setPen(QPen(Qt.GlobalColor.black, 0.5))
        p.drawRect(QRectF(x, y - 6, 14, 8))
        p.drawText(QPointF(x + 18, y + 1.5), standing.label)
        x += 32 + p.fontMetrics().horizontalAdvance(standing.label)
    p.end()
    return image
