"""Purchase lines and deliveries: their rules across fields and the Watch/Avoid rule.

Standings act (docs/standings-and-flags.md): a purchase with a Watch supplier
is saved with a warning; with an Avoid supplier it is refused unless a reason
is given, and the reason goes into the audit entry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select

from sourcing_app.domain.enums import Standing
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.i18n import _, ngettext
from sourcing_app.services import field_checks
from sourcing_app.services.editing.channels import via_channel
from sourcing_app.services.editing.outcomes import (
    Conflict,
    Draft,
    FamilyRules,
    Moves,
    ReasonRequired,
    Row,
)
from sourcing_app.services.editing.rows import show_date, suppliers_of, table_named
from sourcing_app.services.rate_lookup import rate_on
from sourcing_app.services.settings import load_settings


def _across(draft: Draft) -> None:
    if draft.entity == "purchase":
        via_channel(draft)
        _purchase_rules(draft)
    else:
        _delivery_rules(draft)


def _purchase_rules(draft: Draft) -> None:
    conn, parsed, problems, current = draft.conn, draft.parsed, draft.problems, draft.current
    ordered = parsed.get("order_date")
    draft.put("promised_date", field_checks.promised_date_problem(
        ordered, parsed.get("promised_date"), show_date))  # fmt: skip
    currency = parsed.get("currency")
    if "fx_rate" in parsed and parsed["fx_rate"] is None and currency and ordered:
        home = load_settings(conn).home_currency
        rate = Decimal(1) if currency == home else rate_on(conn, currency, ordered)
        if rate is None:
            problems["fx_rate"] = field_checks.missing_rate_problem(
                currency, ordered, _("enter the rate or add one in the exchange rates"), show_date
            )
        else:
            parsed["fx_rate"] = rate
    if current is not None and ordered is not None and ordered != current["order_date"]:
        deliveries = table_named("delivery")
        first = conn.execute(
            select(func.min(deliveries.c.delivered_date)).where(
                deliveries.c.line_id == current["id"]
            )
        ).scalar()
        if first is not None and first < ordered:
            problems["order_date"] = _(
                "a delivery of this line is dated {day}, before this order date"
            ).format(day=show_date(first))


def _delivery_rules(draft: Draft) -> None:
    conn, parsed, current = draft.conn, draft.parsed, draft.current
    p = parsed.get
    moved = current is None or any(
        parsed.get(k) != current.get(k) for k in ("line_id", "delivered_date")
    )
    if "line_id" in parsed and moved:
        lines = table_named("purchase_line")
        ordered = conn.execute(
            select(lines.c.order_date).where(lines.c.id == parsed["line_id"])
        ).scalar()
        draft.put("delivered_date", field_checks.delivered_date_problem(
            ordered, p("delivered_date"), show_date))  # fmt: skip
    draft.put("rejected_qty", field_checks.rejected_problem(
        p("delivered_qty"), p("rejected_qty")))  # fmt: skip
    _returns_still_fit(draft)


def _returns_still_fit(draft: Draft) -> None:
    """A delivery edited down cannot leave the line with fewer accepted units than its
    customers already sent back (docs/files-and-commands.md, returns)."""
    conn, parsed, current = draft.conn, draft.parsed, draft.current
    line_id, delivered = parsed.get("line_id"), parsed.get("delivered_qty")
    if line_id is None or delivered is None or "rejected_qty" in draft.problems:
        return
    returns = table_named("sale_return")
    returned = conn.execute(
        select(func.coalesce(func.sum(returns.c.returned_qty), 0)).where(
            returns.c.line_id == line_id
        )
    ).scalar()
    if not returned:
        return
    deliveries = table_named("delivery")
    others = select(
        func.coalesce(func.sum(deliveries.c.delivered_qty - deliveries.c.rejected_qty), 0)
    ).where(deliveries.c.line_id == line_id)
    if current is not None:
        others = others.where(deliveries.c.id != current["id"])
    accepted = int(conn.execute(others).scalar() or 0) + delivered
    accepted -= int(parsed.get("rejected_qty") or 0)
    draft.put("delivered_qty", field_checks.returned_problem(int(returned), accepted))


def _moves(conn: Connection, entity: str, before: Row, after: Row) -> Moves:
    return Moves(suppliers=tuple(sorted(suppliers_of(conn, before, after))))


def standing_rule(
    conn: Connection,
    parsed: dict[str, Any],
    standing: SupplierScore | Standing | None,
    reason: str,
) -> str:
    """Watch warns (the words returned); Avoid refuses unless the buyer gives a reason."""
    if standing is None:
        return ""
    level = standing.standing if isinstance(standing, SupplierScore) else standing
    suppliers = table_named("supplier")
    row = conn.execute(
        select(suppliers.c.code, suppliers.c.name).where(suppliers.c.id == parsed["supplier_id"])
    ).first()
    who = _("{name} ({code})").format(name=row[1], code=row[0]) if row else _("This supplier")
    score = None
    if isinstance(standing, SupplierScore) and standing.sourcing_score is not None:
        score = f"{standing.sourcing_score:.1f}"
    if level == Standing.WATCH:
        if score is None:
            text = _(
                "{supplier} stands at Watch. The purchase is recorded; keep an eye on its "
                "fill, timeliness and quality."
            )
        else:
            text = _(
                "{supplier} stands at Watch, sourcing score {score} of 100. The purchase is "
                "recorded; keep an eye on its fill, timeliness and quality."
            )
        return text.format(supplier=who, score=score)
    if level == Standing.AVOID and not reason.strip():
        if score is None:
            text = _(
                "{supplier} stands at Avoid. A purchase with it is refused unless you give a "
                "reason, which goes into the audit trail."
            )
        else:
            text = _(
                "{supplier} stands at Avoid, sourcing score {score} of 100. A purchase with it "
                "is refused unless you give a reason, which goes into the audit trail."
            )
        raise ReasonRequired(text.format(supplier=who, score=score))
    return ""


def refuse_removing_a_delivered_line(conn: Connection, before: Row) -> None:
    """A purchase line with deliveries stays: they are its history."""
    deliveries = table_named("delivery")
    count = conn.execute(
        select(func.count()).select_from(deliveries).where(deliveries.c.line_id == before["id"])
    ).scalar()
    if count:
        raise Conflict(
            ngettext(
                "The purchase line {line} has {n} delivery recorded against it, so it stays; "
                "nothing was removed.",
                "The purchase line {line} has {n} deliveries recorded against it, so it stays; "
                "nothing was removed.",
                count,
            ).format(line=before["line_ref"], n=count)
        )


def refuse_removing_a_returned_delivery(conn: Connection, before: Row, words: str) -> None:
    """A delivery stays while its line's returns need it: customers cannot have sent back
    more than the other deliveries accepted, nor before the line's first delivery.
    `words` names the delivery ("delivery PO-1001 on 12 Mar 2026")."""
    deliveries, returns = table_named("delivery"), table_named("sale_return")
    line_id = before["line_id"]
    returned, first_return = conn.execute(
        select(
            func.coalesce(func.sum(returns.c.returned_qty), 0), func.min(returns.c.return_date)
        ).where(returns.c.line_id == line_id)
    ).one()
    if not returned:
        return
    accepted, first_delivery = conn.execute(
        select(
            func.coalesce(func.sum(deliveries.c.delivered_qty - deliveries.c.rejected_qty), 0),
            func.min(deliveries.c.delivered_date),
        ).where(deliveries.c.line_id == line_id, deliveries.c.id != before["id"])
    ).one()
    returned, accepted = int(returned), int(accepted or 0)
    if returned > accepted:
        raise Conflict(
            _(
                "The {record} stays: customers sent back {returned} units of this line, and "
                "without it only {accepted} would have been accepted. Remove or correct the "
                "returns first; nothing was removed."
            ).format(record=words, returned=f"{returned:,}", accepted=f"{accepted:,}")
        )
    if first_delivery is None or first_return < first_delivery:
        raise Conflict(
            _(
                "The {record} stays: the return of {returned} would then come before the "
                "line's first delivery. Remove or correct the returns first; nothing was "
                "removed."
            ).format(record=words, returned=show_date(first_return))
        )


RULES = FamilyRules(_across, _moves)
