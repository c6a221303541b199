"""The hand portfolio written into a real database by the real importer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from sourcing_app.services.importing import import_file
from tests.services.hand_portfolio import CSV_FILES, IMPORT_ORDER


def load_hand_portfolio(engine: Engine, folder: Path, kinds: Sequence[str] = IMPORT_ORDER) -> None:
    """Import the hand portfolio's files of `kinds` (all ten by default) in order."""
    for kind in kinds:
        path = folder / f"{kind}.csv"
        path.write_text(CSV_FILES[kind], encoding="utf-8")
        result = import_file(engine, kind, path, who="setup")
        assert result.ok, result.problems


def ids(engine: Engine) -> dict[str, int]:
    """Row ids by natural key: suppliers by code, the brand, the product, lines by line_ref."""
    with engine.connect() as conn:
        out: dict[str, int] = {}
        for query in (
            "SELECT code, id FROM supplier",
            "SELECT name, id FROM brand",
            "SELECT sku, id FROM product",
            "SELECT name, id FROM tax_category",
            "SELECT line_ref, id FROM purchase_line",
        ):
            out.update({k: int(v) for k, v in conn.exec_driver_sql(query)})
        return out
