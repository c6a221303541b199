"""Channels and quotes: their rules across fields, withdrawing a quote, whose scores move.

A quote (and a purchase line) is stored against the supplier's channel for
the SKU's brand, as in the importer: `via_channel` finds it, or says that
there is none. A channel's terms also decide the flags of a hot-selling
brand (single channel, composite only) on every supplier with an active
channel of that brand (docs/standings-and-flags.md), so an edit to them
re-scores those suppliers too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select, text

from sourcing_app.errors import BadInput
from sourcing_app.i18n import _
from sourcing_app.services import field_checks
from sourcing_app.services.editing.outcomes import Draft, FamilyRules, Moves, Row
from sourcing_app.services.editing.rows import same, show_date, suppliers_of, table_named

# The terms that make a channel count for its brand's flags, and how.
_BRAND_FLAG_TERMS = ("brand_id", "tier", "authorization_ref", "authorized_until", "active")

_PEERS = (
    "SELECT DISTINCT c.supplier_id FROM channel c JOIN brand b ON b.id = c.brand_id "
    "JOIN supplier s ON s.id = c.supplier_id "
    "WHERE c.brand_id = :brand AND b.hot_selling = :t AND c.active = :t AND s.archived = :f "
    "ORDER BY c.supplier_id"
)


def via_channel(draft: Draft) -> None:
    """Put the supplier's channel for the SKU's brand into the parsed values, or the problem."""
    conn, parsed, current = draft.conn, draft.parsed, draft.current
    kept = current is not None and all(
        parsed.get(k) == current.get(k) for k in ("supplier_id", "product_id")
    )
    if kept and current is not None:
        parsed["channel_id"] = current["channel_id"]
    elif "supplier_id" in parsed and "product_id" in parsed:
        channel = _channel_for(conn, parsed["supplier_id"], parsed["product_id"])
        if isinstance(channel, str):
            draft.problems["supplier_id"] = channel
        else:
            parsed["channel_id"] = channel


def _channel_for(conn: Connection, supplier_id: int, product_id: int) -> int | str:
    """The supplier's channel for the SKU's brand, or the problem in words."""
    channels = table_named("channel")
    products = table_named("product")
    product = conn.execute(
        select(products.c.sku, products.c.brand_id).where(products.c.id == product_id)
    ).first()
    if product is None:
        return "the SKU chosen is no longer in the database"
    channel = conn.execute(
        select(channels.c.id).where(
            channels.c.supplier_id == supplier_id, channels.c.brand_id == product[1]
        )
    ).scalar()
    if channel is not None:
        return int(channel)
    suppliers = table_named("supplier")
    brands = table_named("brand")
    code = conn.execute(select(suppliers.c.code).where(suppliers.c.id == supplier_id)).scalar()
    brand = conn.execute(select(brands.c.name).where(brands.c.id == product[1])).scalar()
    return field_checks.no_channel_problem(
        str(code), str(brand), product[0], _("add a channel for them first")
    )


def _across(draft: Draft) -> None:
    p = draft.parsed.get
    if draft.entity == "channel":
        draft.put("contract_end", field_checks.contract_end_problem(
            p("contract_start"), p("contract_end"), show_date))  # fmt: skip
        return
    via_channel(draft)
    draft.put("valid_to", field_checks.valid_to_problem(
        p("valid_from"), p("valid_to"), show_date))  # fmt: skip


def _moves(conn: Connection, entity: str, before: Row, after: Row) -> Moves:
    own = suppliers_of(conn, before, after)
    if entity != "channel":
        return Moves(suppliers=tuple(own))
    if before and after and all(same(before[k], after[k]) for k in _BRAND_FLAG_TERMS):
        return Moves(suppliers=tuple(own))
    # Its own supplier first: re-scoring it reads its channels afresh, which the
    # others' brand flags are then worked out from.
    peers: list[int] = []
    for brand in dict.fromkeys(row["brand_id"] for row in (before, after) if row):
        params = {"brand": brand, "t": True, "f": False}
        peers += [int(sid) for (sid,) in conn.execute(text(_PEERS), params)]
    return Moves(suppliers=tuple(dict.fromkeys([*own, *peers])))


def withdrawal_end(conn: Connection, before: Row, label: str, as_of: dt.date) -> dt.date | None:
    """The last day a withdrawn quote stays valid: the day before `as_of`.

    None when the quote has not started by then: it priced nothing and is
    removed instead. A quote that already ended cannot be withdrawn.
    """
    last_day = as_of - dt.timedelta(days=1)
    if before["valid_to"] is not None and before["valid_to"] <= last_day:
        raise BadInput(
            _("The {record} already ended on {day}; there is nothing to withdraw.").format(
                record=label, day=show_date(before["valid_to"])
            )
        )
    started = before["valid_from"]  # blank: valid since always
    return None if started is not None and started > last_day else last_day


RULES = FamilyRules(_across, _moves)
