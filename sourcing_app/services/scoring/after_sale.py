"""Returns after sale and the lines named in words, added up in SQL beside the window.

docs/stability.md: returns for a fault of the goods count against quality when
their line is a due line of the window and they are dated by `as_of`; `late`
and `other` returns are shown, not scored. One GROUP BY over `sale_return`,
per channel, gives both sums. Returns are few beside lines, so it is driven
from the return table and reaches each line by its key: CROSS JOIN makes
SQLite keep that order (otherwise it scans every line of the window and
looks its returns up, over a second on a million lines with no return at all). The flags'
suspected-counterfeit returns and the lines named in the clearance words come
from two small statements limited to what is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection

from sourcing_app.domain.channels import channel_type
from sourcing_app.domain.enums import FAULT_REASONS, ChannelType, ReturnReason
from sourcing_app.domain.evaluation_flags import CounterfeitReturn
from sourcing_app.services.scoring.aggregates import Accumulator, AggregateQuery
from sourcing_app.services.scoring.reference import Reference, SkuNames

_FAULTS = ", ".join(f"'{reason.value}'" for reason in sorted(FAULT_REASONS))
_RETURNS_SQL = f"""
SELECT l.channel_id,
  SUM(CASE WHEN r.reason IN ({_FAULTS}) THEN r.returned_qty ELSE 0 END),
  SUM(CASE WHEN r.reason IN ({_FAULTS}) THEN 0 ELSE r.returned_qty END)
FROM {{first}} CROSS JOIN {{second}}
WHERE l.id = r.line_id AND r.return_date <= :as_of
  AND l.order_date > :start AND l.order_date <= :as_of
  AND l.promised_date + {{{{grace}}}} <= :as_of {{{{line_filter}}}}
GROUP BY l.channel_id
"""
# A full run reads every return and reaches its line by key; re-scoring one
# supplier reads its lines through the channel index and their returns by line.
RETURNS_SQL = _RETURNS_SQL.format(first="sale_return r", second="purchase_line l")
RETURNS_BY_CHANNEL_SQL = _RETURNS_SQL.format(first="purchase_line l", second="sale_return r")

# COUNTERFEIT_SUSPECTED: such returns dated in the window, on any of the supplier's lines.
COUNTERFEIT_SQL = f"""
SELECT l.channel_id, l.product_id, l.line_ref, r.return_date, r.returned_qty
FROM sale_return r JOIN purchase_line l ON l.id = r.line_id
WHERE r.reason = '{ReturnReason.SUSPECTED_COUNTERFEIT.value}'
  AND r.return_date > :start AND r.return_date <= :as_of {{line_filter}}
ORDER BY r.return_date DESC, l.line_ref
"""


def add_returns(
    accumulators: dict[int, Accumulator], rows: Iterable[Any], reference: Reference
) -> None:
    """Add the returns statement's (channel) rows to their suppliers' sums."""
    channels = reference.channels
    for channel_id, fault, other in rows:
        channel = channels.get(channel_id)
        if channel is None:
            continue
        acc = accumulators.get(channel[0])
        if acc is None:
            acc = accumulators[channel[0]] = Accumulator()
        acc.fault_returned += float(fault or 0)
        acc.other_returned += float(other or 0)


def counterfeit_returns(
    conn: Connection,
    query: AggregateQuery,
    reference: Reference,
    as_of: dt.date,
    channel_ids: Sequence[int] = (),
) -> dict[int, list[CounterfeitReturn]]:
    """Each supplier's suspected-counterfeit returns of the window, latest first."""
    found: dict[int, list[CounterfeitReturn]] = {}
    rows = query.run(conn, COUNTERFEIT_SQL, channel_ids=channel_ids)
    if not rows:
        return found
    skus = SkuNames((pid, product[0]) for pid, product in reference.products.items())
    for channel_id, product_id, line_ref, returned_on, qty in rows:
        channel = reference.channels.get(channel_id)
        if channel is None:
            continue
        sid, _bid, brand, terms, _active = channel
        composite = channel_type(terms, as_of) is ChannelType.COMPOSITE
        found.setdefault(sid, []).append(
            CounterfeitReturn(
                skus[product_id], line_ref, query.as_date(returned_on), int(qty), brand, composite
            )
        )
    return found


def line_refs(conn: Connection, line_ids: Sequence[int]) -> dict[int, str]:
    """The references of the lines the words name (facts.lines_to_name).

    One statement by primary key, for at most two lines per supplier. On a
    big portfolio these are thousands of scattered reads (a tenth of a second
    on a million lines): a full run reads them on its own connection while
    the suppliers' facts are put together.
    """
    if not line_ids:
        return {}
    listed = ",".join(str(int(i)) for i in line_ids)
    result = conn.exec_driver_sql(f"SELECT id, line_ref FROM purchase_line WHERE id IN ({listed})")
    return {int(i): str(ref) for i, ref in result}


def add_after_sale(
    conn: Connection,
    query: AggregateQuery,
    accumulators: dict[int, Accumulator],
    reference: Reference,
    as_of: dt.date,
    channel_ids: Sequence[int] = (),
) -> dict[int, list[CounterfeitReturn]]:
    """Returns into the sums; each supplier's suspected counterfeits for the flags.

    With `channel_ids`, only those channels' lines (re-scoring one supplier).
    """
    sql = RETURNS_BY_CHANNEL_SQL if channel_ids else RETURNS_SQL
    add_returns(accumulators, query.run(conn, sql, channel_ids=channel_ids), reference)
    return counterfeit_returns(conn, query, reference, as_of, channel_ids)
