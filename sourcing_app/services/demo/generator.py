"""`build_demo`: plan the whole portfolio from one seed, then write it in one transaction.

Everything is drawn from one `random.Random(seed)`, and the only date is the
`as_of` argument, so the same arguments always give the same database. The
steps run in a fixed order (plan brands, suppliers, channels, quotes, rates,
then write the small tables and stream the purchase history), and that order
is part of the demo. A database that already holds a portfolio is refused, so
a demo never mixes into a buyer's data.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from sqlalchemy import Connection, Engine, insert

from sourcing_app.db.models import AuditEntry, Setting
from sourcing_app.db.types import day_number, from_day_number
from sourcing_app.services.demo.after_sale import plan_after_sale
from sourcing_app.services.demo.bulk import BulkWriter
from sourcing_app.services.demo.catalogue import Catalogue, load_catalogue
from sourcing_app.services.demo.channels import plan_channels
from sourcing_app.services.demo.history import purchase_history
from sourcing_app.services.demo.patterns import record_planted
from sourcing_app.services.demo.plan import (
    HISTORY_DAYS,
    HOME_CURRENCY,
    DemoSummary,
    Plan,
    PlannedChannel,
)
from sourcing_app.services.demo.portfolio import plan_brands, plan_suppliers
from sourcing_app.services.demo.prices import plan_quotes, plan_rates
from sourcing_app.services.demo.rows import (
    write_brands,
    write_channels,
    write_products,
    write_quotes,
    write_rates,
    write_suppliers,
    write_tax_categories,
)


def build_demo(
    engine: Engine,
    *,
    suppliers: int = 200,
    lines: int = 30_000,
    seed: int = 20261127,
    as_of: dt.date,
) -> DemoSummary:
    """Fill an empty database with a seeded, realistic demo portfolio ending on `as_of`.

    The same arguments always give the same data. A database that already holds
    suppliers (or any other portfolio rows) is refused with ValueError and left
    untouched, so a demo never mixes into a buyer's data. Everything is written
    in one transaction: a failure leaves nothing behind.
    """
    if suppliers < 1:
        raise ValueError(f"the demo needs at least 1 supplier, not {suppliers}")
    if lines < 0:
        raise ValueError(f"the number of purchase lines cannot be negative ({lines})")
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    dialect = engine.dialect.name
    rng = random.Random(seed)
    catalogue = load_catalogue()

    with engine.begin() as conn:
        _refuse_unless_empty(conn)
        tax_ids, new_tax = _tax_category_ids(conn, catalogue)
        plan = Plan(
            rng=rng,
            as_of=day_number(as_of),
            history_start=day_number(as_of) - (HISTORY_DAYS - 1),
            tax_ids=tax_ids,
            catalogue=catalogue,
            after_sale_rng=random.Random(f"after sale {seed}"),
        )
        n_brands = max(len(catalogue.base_brands), suppliers // 50)
        plan_brands(plan, n_brands)
        plan_suppliers(plan, suppliers)
        plan_channels(plan)
        plan_quotes(plan)
        plan_rates(plan)
        record_planted(plan)
        plan_after_sale(plan)

        writer = BulkWriter(conn, dialect)
        write_tax_categories(writer, catalogue, new_tax, tax_ids)
        write_brands(writer, plan)
        write_products(writer, plan)
        write_suppliers(writer, plan)
        write_channels(writer, plan)
        n_quotes = write_quotes(writer, plan)
        n_rates = write_rates(writer, plan)
        n_lines = n_deliveries = n_returns = 0
        for line_rows, delivery_rows, return_rows in purchase_history(plan, lines, writer):
            writer.purchase_lines(line_rows)
            writer.deliveries(delivery_rows)
            writer.returns(return_rows)
            n_lines += len(line_rows)
            n_deliveries += len(delivery_rows)
            n_returns += len(return_rows)
        writer.fix_sequences(
            ["brand", "product", "supplier", "channel", "purchase_line"]
            + (["tax_category"] if new_tax else [])
        )

        summary = DemoSummary(
            seed=seed,
            brands=len(plan.brands),
            suppliers=len(plan.suppliers),
            products=len(plan.products),
            channels=len(plan.channels),
            vertical_channels=sum(1 for c in plan.channels if _is_vertical(c, plan.as_of)),
            quotes=n_quotes,
            purchase_lines=n_lines,
            deliveries=n_deliveries,
            exchange_rates=n_rates,
            history_start=from_day_number(plan.history_start),
            as_of=as_of,
            planted=tuple(plan.planted),
            returns=n_returns,
        )
        _write_home_currency(conn)
        _write_audit(conn, summary)
    return summary


def _is_vertical(channel: PlannedChannel, as_of: int) -> bool:
    """docs/vocabulary.md: tier 0, or tier 1 with an authorization still valid on as_of."""
    if channel.tier == 0:
        return True
    until = channel.authorized_until
    return (
        channel.tier == 1 and bool(channel.authorization_ref) and (until is None or until >= as_of)
    )


# table, one row, several rows
PORTFOLIO_TABLES = (
    ("supplier", "supplier", "suppliers"),
    ("brand", "brand", "brands"),
    ("product", "product", "products"),
    ("channel", "channel", "channels"),
    ("quote", "quote", "quotes"),
    ("purchase_line", "purchase line", "purchase lines"),
    ("delivery", "delivery", "deliveries"),
    ("sale_return", "return", "returns"),
)


def _refuse_unless_empty(conn: Connection) -> None:
    for table, one, many in PORTFOLIO_TABLES:
        count = conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one()
        if count:
            raise ValueError(
                f"this database already holds {count:,} {one if count == 1 else many}; "
                "the demo portfolio is only "
                "written to an empty database so that it never mixes with a buyer's data. "
                "Open a new database (for example with --demo) to explore the demo"
            )
    row = conn.exec_driver_sql("SELECT value FROM setting WHERE key = 'home_currency'").first()
    if row is not None:
        try:
            home = json.loads(row[0])
        except ValueError:
            home = row[0]
        if home != HOME_CURRENCY:
            raise ValueError(
                f"this database's home currency is {home}, but the demo portfolio is priced "
                f"in {HOME_CURRENCY}; open a new database to explore the demo"
            )


def _tax_category_ids(conn: Connection, catalogue: Catalogue) -> tuple[dict[str, int], list[str]]:
    """Reuse tax categories the database already has by name; number the missing ones."""
    existing = {
        name: int(id_)
        for id_, name in conn.exec_driver_sql("SELECT id, name FROM tax_category").all()
    }
    next_id = max(existing.values(), default=0) + 1
    ids: dict[str, int] = {}
    new: list[str] = []
    for key, (name, *_rates) in catalogue.tax_categories.items():
        if name in existing:
            ids[key] = existing[name]
        else:
            ids[key] = next_id
            next_id += 1
            new.append(key)
    return ids, new


def _write_home_currency(conn: Connection) -> None:
    present = conn.exec_driver_sql("SELECT 1 FROM setting WHERE key = 'home_currency'").first()
    if present is None:
        conn.execute(
            insert(Setting), [{"key": "home_currency", "value": json.dumps(HOME_CURRENCY)}]
        )


def _write_audit(conn: Connection, summary: DemoSummary) -> None:
    changes = {
        **summary.counts(),
        "seed": summary.seed,
        "history_start": summary.history_start.isoformat(),
        "as_of": summary.as_of.isoformat(),
    }
    conn.execute(
        insert(AuditEntry),
        [
            {
                # The demo's own date, never the wall clock, so it is reproducible.
                "at": dt.datetime.combine(summary.as_of, dt.time(), tzinfo=dt.UTC),
                "who": "demo",
                "entity": "portfolio",
                "entity_key": f"seed {summary.seed}",
                "action": "demo",
                "changes": json.dumps(changes, sort_keys=True),
            }
        ],
    )
