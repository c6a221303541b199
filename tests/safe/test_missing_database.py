"""A typo is not a new database (docs/bad-input.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sourcing_app.cli import main
from sourcing_app.ui.dialogs.database_problem import CREATE_NEW, QUIT
from tests.ui.test_open_database import Buyer

READ_ONLY = [
    ["score"],
    ["score", "--format", "json"],
    ["plan"],
    ["export", "suppliers", "OUT/s.csv"],
    ["report", "supplier", "S1", "OUT/r.pdf"],
    ["rates", "list"],
    ["scenario", "run", "--change", "cbec-withdrawn"],
    ["backup", "OUT/b.sqlite"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=lambda c: " ".join(c[:2]))
def test_a_read_only_command_on_a_missing_file_creates_neither_file_nor_folder(
    tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "no" / "such" / "x.db"
    argv = [c.replace("OUT", str(tmp_path)) for c in command]
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", f"sqlite:///{missing}", *argv], out, err)
    assert code == 1
    assert f"The database file {missing} does not exist." in err.getvalue()
    assert "unexpected error" not in err.getvalue()
    assert not (tmp_path / "no").exists()


def test_a_template_opens_no_database_so_a_mistyped_path_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "x.db"
    target = tmp_path / "suppliers.csv"
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", f"sqlite:///{missing}", "template", "suppliers", str(target)], out, err)
    assert code == 0, err.getvalue()
    assert target.read_text("utf-8-sig").startswith("code,name,")
    assert not (tmp_path / "no").exists()


def test_import_and_demo_still_create_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "x.db"
    source = tmp_path / "s.csv"
    source.write_text("code,name,kind\nS1,Acme,trader\n", "utf-8")
    assert main(["--db", f"sqlite:///{path}", "import", "suppliers", str(source)]) == 0
    assert path.exists()


@pytest.fixture
def buyers(qapp: QApplication):  # type: ignore[no-untyped-def]
    made: list[Buyer] = []
    yield made
    for buyer in made:
        buyer.stop()


def test_the_desktop_asks_before_creating_and_quitting_creates_nothing(
    tmp_path: Path, buyers: list[Buyer]
) -> None:
    from sourcing_app.app import run_desktop

    missing = tmp_path / "typo" / "x.db"
    buyer = Buyer([QUIT])
    buyers.append(buyer)
    assert run_desktop(f"sqlite:///{missing}") == 1
    assert [seen.text for seen in buyer.seen] == [f"Create a new empty database at {missing}?"]
    assert sorted(buyer.seen[0].buttons) == sorted([CREATE_NEW, "Choose another file…", QUIT])
    assert not (tmp_path / "typo").exists()


def test_the_desktop_creates_the_file_when_the_buyer_says_so(
    tmp_path: Path, buyers: list[Buyer]
) -> None:
    from sourcing_app.app import _confirmed_new_file, open_database

    path = tmp_path / "x.db"
    url = f"sqlite:///{path}"
    buyer = Buyer([CREATE_NEW])
    buyers.append(buyer)
    assert _confirmed_new_file(url, None) == url
    assert not path.exists()  # asked, not yet made
    engine = open_database(url)
    assert engine is not None
    engine.dispose()
    assert path.exists()


def test_the_demo_and_an_existing_file_are_opened_without_a_question(tmp_path: Path) -> None:
    from sourcing_app.app import _confirmed_new_file

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert _confirmed_new_file(url, None, demo=True) == url
