"""The checks a returns file needs beyond its cells: each line's deliveries and stored returns.

docs/files-and-commands.md: a return cannot come before its line's first
delivery (nor on a line with none), and the units returned on a line, those
stored that the file does not replace plus the file's own, cannot exceed what
was accepted on it (Σ delivered − Σ rejected). The second rule spans rows, so
it is checked when the whole file has been read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sourcing_app.services import field_checks

# (line id, return date, reason): a return's identity (docs/vocabulary.md).
ReturnKey = tuple[int, Any, str]


class ReturnLedger:
    """What each purchase line can still take back, and the file's returns so far."""

    def __init__(self, cursor: Any) -> None:
        cursor.execute(
            "SELECT line_id, SUM(delivered_qty - rejected_qty), MIN(delivered_date) "
            "FROM delivery GROUP BY line_id"
        )
        self.accepted: dict[int, int] = {}
        self.first_delivery: dict[int, Any] = {}
        for line_id, accepted, first in cursor.fetchall():
            self.accepted[line_id] = int(accepted or 0)
            self.first_delivery[line_id] = first
        cursor.execute("SELECT line_id, return_date, reason, returned_qty FROM sale_return")
        # line id -> its stored returns, each by its identity.
        self.stored: dict[int, dict[ReturnKey, int]] = {}
        for line_id, day, reason, qty in cursor.fetchall():
            self.stored.setdefault(line_id, {})[(line_id, day, reason)] = int(qty)
        # line id -> the file's good rows on it, in file order: (spreadsheet line, key, qty).
        self.in_file: dict[int, list[tuple[int, ReturnKey, int]]] = {}

    def date_problem(self, line_id: int, day: Any, show: Callable[[Any], str]) -> str | None:
        return field_checks.return_date_problem(self.first_delivery.get(line_id), day, show)

    def add(self, line: int, line_id: int, day: Any, reason: str, qty: int) -> None:
        self.in_file.setdefault(line_id, []).append((line, (line_id, day, reason), qty))

    def over_accepted(self) -> list[tuple[int, str]]:
        """(spreadsheet line, reason) for each purchase line returned beyond what it accepted:
        named at the file's row where the running total first goes over."""
        problems = []
        for line_id, rows in self.in_file.items():
            replaced = {key for _line, key, _qty in rows}
            stored = self.stored.get(line_id, {})
            total = sum(qty for key, qty in stored.items() if key not in replaced)
            accepted = self.accepted.get(line_id, 0)
            grand = total + sum(qty for _line, _key, qty in rows)
            if grand <= accepted:
                continue
            for line, _key, qty in rows:
                total += qty
                if total > accepted:
                    problem = field_checks.returned_problem(grand, accepted)
                    if problem:
                        problems.append((line, problem))
                    break
        return problems
