"""When the database can't be opened, the buyer is told why and offered the way out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import Engine, text

from sourcing_app.config import sqlite_path
from sourcing_app.db.migrate import backup_sqlite
from sourcing_app.db.models import Supplier
from sourcing_app.db.unit_of_work import unit_of_work
from sourcing_app.ui.dialogs.database_problem import OPEN_BACKUP, QUIT, RESTORE, TRY_AGAIN


@dataclass
class SeenDialog:
    text: str
    details: str
    buttons: list[str]


@dataclass
class Buyer:
    """Answers the app's modal dialogs in turn, the way a buyer clicks through them."""

    answers: list[str]
    seen: list[SeenDialog] = field(default_factory=list)
    before_answering: dict[int, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.property("answered"):
            return
        box.setProperty("answered", True)
        buttons = {button.text(): button for button in box.buttons()}
        self.seen.append(SeenDialog(box.text(), box.informativeText(), list(buttons)))
        action = self.before_answering.get(len(self.seen))
        if callable(action):
            action()
        wanted = self.answers.pop(0) if self.answers else None
        if wanted in buttons:
            buttons[wanted].click()
        else:  # an unexpected dialog: dismiss it so the test fails instead of hanging
            box.reject()

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def buyer_factory(qapp: QApplication) -> Iterator[list[Buyer]]:
    made: list[Buyer] = []
    sheet = qapp.styleSheet()
    yield made
    for buyer in made:
        buyer.stop()
    qapp.setStyleSheet(sheet)  # run_desktop styles the app; the tests after expect it plain


def _path(url: str) -> Path:
    path = sqlite_path(url)
    assert path is not None
    return path


@pytest.fixture
def damaged_file_with_backup(engine: Engine, db_url: str) -> Path:
    with unit_of_work(engine) as session:
        session.add(Supplier(code="HK-HARBOUR", name="Harbour Trading Ltd", kind="trader"))
    engine.dispose()
    path = _path(db_url)
    backup_sqlite(path)
    path.write_bytes(b"PK\x03\x04 this is a zip file someone saved over the database")
    return path


def test_a_damaged_file_is_replaced_by_its_backup_after_the_buyer_confirms(
    damaged_file_with_backup: Path, db_url: str, buyer_factory: list[Buyer]
) -> None:
    from sourcing_app.app import open_database

    buyer = Buyer([OPEN_BACKUP, RESTORE])
    buyer_factory.append(buyer)

    engine = open_database(db_url)

    assert engine is not None
    assert buyer.seen[0].text == "The database file is damaged."
    assert "is damaged (not a SQLite database)" in buyer.seen[0].details
    assert "Your latest backup is" in buyer.seen[0].details
    assert buyer.seen[0].buttons == [OPEN_BACKUP, QUIT]
    assert buyer.seen[1].text == "Replace the database with its latest backup?"
    assert "Nothing is deleted." in buyer.seen[1].details
    with engine.connect() as conn:
        assert conn.execute(text("SELECT code FROM supplier")).scalars().all() == ["HK-HARBOUR"]
    engine.dispose()
    kept = list(damaged_file_with_backup.parent.glob("sourcing-set-aside-*.sqlite"))
    assert len(kept) == 1
    assert kept[0].read_bytes().startswith(b"PK\x03\x04 this is a zip file")


def test_a_buyer_who_quits_leaves_the_damaged_file_as_it_was(
    damaged_file_with_backup: Path, db_url: str, buyer_factory: list[Buyer]
) -> None:
    from sourcing_app.app import open_database

    before = damaged_file_with_backup.read_bytes()
    buyer = Buyer([OPEN_BACKUP, "Cancel", QUIT])
    buyer_factory.append(buyer)

    assert open_database(db_url) is None

    assert [seen.text for seen in buyer.seen] == [
        "The database file is damaged.",
        "Replace the database with its latest backup?",
        "The database file is damaged.",
    ]
    assert damaged_file_with_backup.read_bytes() == before
    assert list(damaged_file_with_backup.parent.glob("*set-aside*")) == []


def test_a_locked_database_can_be_tried_again_once_the_other_program_lets_go(
    engine: Engine, db_url: str, buyer_factory: list[Buyer]
) -> None:
    from sourcing_app.app import open_database

    engine.dispose()
    other_program = sqlite3.connect(_path(db_url), isolation_level=None)
    other_program.execute("BEGIN EXCLUSIVE")
    buyer = Buyer([TRY_AGAIN])
    # While the dialog is up, the buyer closes the other program.
    buyer.before_answering[1] = lambda: other_program.execute("ROLLBACK")
    buyer_factory.append(buyer)

    opened = open_database(db_url)

    other_program.close()
    assert opened is not None
    opened.dispose()
    assert buyer.seen[0].text == "The database is in use by another program."
    assert buyer.seen[0].buttons == [TRY_AGAIN, QUIT]


def test_the_desktop_app_ends_with_a_failure_code_when_the_buyer_quits(
    damaged_file_with_backup: Path, db_url: str, buyer_factory: list[Buyer]
) -> None:
    from sourcing_app.app import run_desktop

    before = damaged_file_with_backup.read_bytes()
    buyer = Buyer([QUIT])
    buyer_factory.append(buyer)

    assert run_desktop(db_url) == 1

    assert [seen.text for seen in buyer.seen] == ["The database file is damaged."]
    assert damaged_file_with_backup.read_bytes() == before
