"""What an import reports back: its counts, the problems in the file, and why it could not run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sourcing_app.i18n import _
from sourcing_app.services.column_names import column_label
from sourcing_app.services.importing.standings import StandingNotice, notices_heading


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: `line N, column C: reason` (`第 N 行，C 列：原因`).

    Lines are numbered as a spreadsheet shows them, the header being line 1.
    A problem with the whole file (it cannot be opened, say) has no column.
    `column` is the column's own (English) name, a spreadsheet letter, or a
    header as the file wrote it; `column_label` is how a person reads it.
    The reason is in the language of the run that checked the file.
    """

    line: int
    column: str
    reason: str
    # The file kind, which names the column in Chinese; not part of what the problem is.
    kind: str = field(default="", compare=False)

    @property
    def column_label(self) -> str:
        """The column in the reader's language: `unit_price` in English, 单价 in Chinese."""
        return column_label(self.kind, self.column) if self.column else ""

    def __str__(self) -> str:
        if not self.column:
            return _("line {line}: {reason}").format(line=self.line, reason=self.reason)
        return _("line {line}, column {column}: {reason}").format(
            line=self.line, column=self.column_label, reason=self.reason
        )


@dataclass
class ImportResult:
    """`added` rows are new; `updated` rows matched an existing natural key.

    `unchanged` counts the updated rows whose stored values already equalled
    the file's: they were left as they were (their version does not move), so
    a buyer re-importing the same file reads "0 changed, N unchanged".
    """

    rows: int = 0
    added: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    unchanged: int = 0
    # Purchase lines placed lately with a Watch or Avoid supplier (see `standings`),
    # and the evaluation date of the standings they were checked against.
    standing_notices: list[StandingNotice] = field(default_factory=list)
    standings_as_of: dt.date | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> int:
        """Matched rows whose values the file really changed."""
        return self.updated - self.unchanged

    def summary(self) -> str:
        """The counts in words, e.g. "3 added, 1 changed, 40 unchanged"."""
        return _("{added} added, {changed} changed, {unchanged} unchanged").format(
            added=self.added, changed=self.changed, unchanged=self.unchanged
        )

    def standing_words(self) -> list[str]:
        """A heading and one line per purchase placed lately with a Watch or Avoid supplier;
        empty when there is none."""
        if not self.standing_notices or self.standings_as_of is None:
            return []
        heading = notices_heading(self.standing_notices, self.standings_as_of)
        return [heading, *(str(notice) for notice in self.standing_notices)]


class ImportFailure(Exception):
    """The import could not run for a reason outside the file (unknown kind, database busy)."""
