"""The app's style sheet: its boxes keep their arrows wherever the app is installed."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox
from pytestqt.qtbot import QtBot

from sourcing_app.app import apply_style

ARROW = QColor("#5b6573")


def _arrow_pixels(image: QImage, left: int) -> int:
    """Pixels close to the arrows' colour right of `left` (antialiased edges vary)."""
    count = 0
    for x in range(left, image.width()):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - ARROW.red()) + abs(c.green() - ARROW.green())
                + abs(c.blue() - ARROW.blue()) < 60
            ):  # fmt: skip
                count += 1
    return count


def test_every_image_the_sheet_names_is_found_and_loads(qapp) -> None:  # type: ignore[no-untyped-def]
    apply_style(qapp)
    try:
        urls = re.findall(r"url\(([^)]+)\)", qapp.styleSheet())
        assert len(urls) >= 4
        for url in urls:
            path = Path(url)
            assert path.is_absolute(), url  # not read from whatever folder the app started in
            assert not QImage(str(path)).isNull(), url
    finally:
        qapp.setStyleSheet("")


def test_spin_and_combo_boxes_draw_their_arrows(qtbot: QtBot, qapp) -> None:  # type: ignore[no-untyped-def]
    apply_style(qapp)
    try:
        spin = QDoubleSpinBox()
        spin.setRange(0, 100)
        spin.setValue(50)
        combo = QComboBox()
        combo.addItems(["CNY", "USD"])
        for box in (spin, combo):
            qtbot.addWidget(box)
            box.resize(160, 30)
            box.show()
            qtbot.waitExposed(box)
            image = box.grab().toImage()
            # The buttons sit in the rightmost 20 px; the text on the left is black.
            assert _arrow_pixels(image, image.width() - 20) >= 6, type(box).__name__
    finally:
        qapp.setStyleSheet("")
