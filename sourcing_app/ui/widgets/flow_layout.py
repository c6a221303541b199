"""A row of controls that wraps onto a second line when the window is too narrow for it.

The Planning rules and the filter bars were single rows: at 1,200 to 1,250 pixels
wide they set the window's least width, so on a 1366 × 768 laptop the window ran
off the screen. Here each item keeps its natural width; a line takes items while
they fit and the rest go on the next line. Within a line, room left over goes to
the items that ask to grow (a horizontal size policy with the expand flag, like a
search field), and the layout's last item can be kept at the line's right edge.

Keep a label with its field by putting both in `pair(label, field)`: otherwise a
line may end on "Vertical floor:" with its spin box on the next.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        spacing: int = 8,
        line_spacing: int = 6,
        last_at_right: bool = False,
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._line_spacing = line_spacing
        self._last_at_right = last_at_right

    # --- QLayout's interface ---------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt's name)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Everything on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown)
        width += self._spacing * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height) + self._margin_size()

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        """As wide as the widest item: every item on a line of its own."""
        size = QSize()
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size + self._margin_size()

    # --- the arranging ----------------------------------------------------------------

    def lines(self, width: int) -> list[list[QLayoutItem]]:
        """The items each line holds at this width (margins included)."""
        margins = self.contentsMargins()
        room = width - margins.left() - margins.right()
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            wanted = item.sizeHint().width()
            needed = wanted if not lines[-1] else used + self._spacing + wanted
            if lines[-1] and needed > room:
                lines.append([item])
                used = wanted
            else:
                lines[-1].append(item)
                used = needed
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        margins = self.contentsMargins()
        inner = rect.marginsRemoved(margins)
        y = inner.y()
        lines = self.lines(rect.width())
        for number, line in enumerate(lines):
            height = max(item.sizeHint().height() for item in line)
            if place:
                self._place_line(line, inner, y, height, last_line=number == len(lines) - 1)
            y += height + self._line_spacing
        if lines:
            y -= self._line_spacing
        return y - rect.y() + margins.bottom()

    def _place_line(
        self, line: list[QLayoutItem], inner: QRect, y: int, height: int, *, last_line: bool
    ) -> None:
        widths = [min(item.sizeHint().width(), inner.width()) for item in line]
        spare = inner.width() - sum(widths) - self._spacing * (len(line) - 1)
        growing = [i for i, item in enumerate(line) if _grows(item)]
        if spare > 0 and growing:
            share, extra = divmod(spare, len(growing))
            for rank, i in enumerate(growing):
                widths[i] += share + (1 if rank < extra else 0)
            spare = 0
        x = inner.x()
        for i, item in enumerate(line):
            if self._last_at_right and last_line and i == len(line) - 1 and spare > 0:
                x += spare
            item_height = min(height, item.sizeHint().height())
            top = y + (height - item_height) // 2
            item.setGeometry(QRect(QPoint(x, top), QSize(widths[i], item_height)))
            x += widths[i] + self._spacing

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _margin_size(self) -> QSize:
        m: QMargins = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())


def _grows(item: QLayoutItem) -> bool:
    widget = item.widget()
    if widget is None:
        return False
    return _expands(widget)


def _expands(widget: QWidget) -> bool:
    policy = widget.sizePolicy().horizontalPolicy()
    return bool(policy.value & QSizePolicy.PolicyFlag.ExpandFlag.value)


def pair(label: str | QLabel, field: QWidget, *, parent: QWidget | None = None) -> QWidget:
    """A label and its field as one item of a flow: they move to a new line together."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    row.addWidget(label if isinstance(label, QLabel) else QLabel(label, holder))
    row.addWidget(field, 1)
    if _expands(field):
        holder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return holder
