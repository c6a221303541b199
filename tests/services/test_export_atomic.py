"""Files are written all at once or not at all, with the user's permissions and a reason in words.

One helper (sourcing_app.atomic) writes every export, template, report and
backup; these tests drive it through the export and the template, as a buyer
would, on a real folder.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.atomic import atomic_file, failure_words
from sourcing_app.errors import CannotFinish
from sourcing_app.services.exporting import export_table
from sourcing_app.services.templates import write_template
from tests.services.test_export import load_hand_portfolio


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a file or folder read-only in a way that also stops root."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    # Root ignores permission bits; the immutable attribute stops root too.
    try:
        made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("running as root without chattr: no way to make a file read-only for root")
    if made.returncode != 0:
        pytest.skip(f"running as root and chattr +i is not supported here: {made.stderr}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def test_an_export_into_a_read_only_folder_says_so_and_leaves_nothing(
    engine: Engine, exports: Path
) -> None:
    with read_only(exports), pytest.raises(CannotFinish) as raised:
        export_table(engine, "suppliers", exports / "suppliers.csv")

    assert str(raised.value) == (
        f"suppliers.csv could not be written: the folder {exports} does not let you write "
        "in it; choose another folder"
    )
    assert list(exports.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_older_export_that_cannot_be_replaced_is_left_untouched(
    engine: Engine, tmp_path: Path, exports: Path, suffix: str
) -> None:
    load_hand_portfolio(engine, tmp_path)
    older = exports / f"suppliers{suffix}"
    older.write_bytes(b"an older export\n")

    with read_only(older), pytest.raises(CannotFinish) as raised:
        export_table(engine, "suppliers", older)

    assert str(raised.value).startswith(
        f"suppliers{suffix} could not be replaced: it is open in another program"
    )
    assert older.read_bytes() == b"an older export\n"
    assert [p.name for p in exports.iterdir()] == [older.name]  # no temporary file left


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_an_export_gets_the_permissions_of_any_new_file_of_the_user(
    engine: Engine, exports: Path, mask: int, mode: int
) -> None:
    with umask(mask):
        export_table(engine, "suppliers", exports / "suppliers.csv")
        write_template("quotes", exports / "quotes.xlsx")

    assert (exports / "suppliers.csv").stat().st_mode & 0o777 == mode
    assert (exports / "quotes.xlsx").stat().st_mode & 0o777 == mode


def test_a_failure_while_writing_removes_the_temporary_file(exports: Path) -> None:
    target = exports / "plan.csv"
    target.write_text("yesterday's plan\n", encoding="utf-8")
    seen: list[Path] = []

    full = "plan.csv could not be written: the disk is full"
    with pytest.raises(CannotFinish, match=full), atomic_file(target) as temporary:
        seen.append(temporary)
        temporary.write_text("half of today's", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    assert seen[0].parent == exports and seen[0].name.startswith(".plan-")
    assert not seen[0].exists()
    assert target.read_text(encoding="utf-8") == "yesterday's plan\n"


def test_a_written_file_replaces_the_old_one_whole(exports: Path) -> None:
    target = exports / "plan.csv"
    target.write_text("yesterday's plan\n", encoding="utf-8")

    with atomic_file(target) as temporary:
        temporary.write_text("today's plan\n", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "yesterday's plan\n"  # until the end

    assert target.read_text(encoding="utf-8") == "today's plan\n"
    assert [p.name for p in exports.iterdir()] == ["plan.csv"]


@pytest.mark.parametrize(
    ("code", "replacing", "words"),
    [
        (errno.ENOSPC, False, "s.csv could not be written: the disk is full; free some space"),
        (errno.EROFS, False, "s.csv could not be written: the disk holding"),
        (errno.EACCES, True, "s.csv could not be replaced: it is open in another program"),
        (errno.EBUSY, False, "s.csv could not be replaced: it is open in another program"),
        (errno.EACCES, False, "s.csv could not be written: the folder"),
    ],
)
def test_each_failure_of_the_machine_reads_as_a_reason(
    tmp_path: Path, code: int, replacing: bool, words: str
) -> None:
    error = OSError(code, os.strerror(code))
    assert failure_words(tmp_path / "s.csv", error, replacing=replacing).startswith(words)
