"""What scoring knows about each supplier, assembled from the sums, quotes and tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sourcing_app.domain.channels import channel_structure_value, channel_type
from sourcing_app.domain.evaluation import ChannelFacts, PriceChange, SkuMargin, SupplierFacts
from sourcing_app.domain.evaluation_flags import CounterfeitReturn, CustomsHold
from sourcing_app.domain.flags import Flag
from sourcing_app.domain.stability import ChannelShare, PriceMoments, StabilityEvidence
from sourcing_app.services.scoring.aggregates import Accumulator, previous_fill, unpack_line
from sourcing_app.services.scoring.flags import hot_brand_flags
from sourcing_app.services.scoring.quotes import PricedQuotes
from sourcing_app.services.scoring.reference import Reference, SkuNames


def _by_sku(by_product: dict[int, list[float]], skus: Any) -> Iterable[tuple[int, list[float]]]:
    """A supplier's per-product figures in SKU order, whatever order the rows came in."""
    if len(by_product) < 2:
        return by_product.items()
    return sorted(by_product.items(), key=lambda item: skus[item[0]])


def assemble_facts(
    as_of: dt.date,
    reference: Reference,
    supplier_ids: Sequence[int],
    accumulators: dict[int, Accumulator],
    priced: dict[int, PricedQuotes],
    as_date: Any,
    counterfeits: Mapping[int, Sequence[CounterfeitReturn]] | None = None,
) -> dict[int, SupplierFacts]:
    """What scoring needs to know about each supplier, assembled from the loaded pieces.

    `counterfeits` holds each supplier's suspected-counterfeit returns. The lines
    of the slowest clearances are named afterwards (`name_lines`).
    """
    fakes = counterfeits or {}
    brand_flags: dict[int, tuple[Flag, ...]] = {}
    empty_acc = Accumulator()
    empty_quotes = PricedQuotes()
    skus = SkuNames((pid, product[0]) for pid, product in reference.products.items())
    facts: dict[int, SupplierFacts] = {}
    for sid in supplier_ids:
        code, name, country, kind = reference.suppliers[sid]
        acc = accumulators.get(sid, empty_acc)
        channel_facts: list[ChannelFacts] = []
        shares: list[ChannelShare] = []
        flags: list[Flag] = []
        for cid in reference.channels_by_supplier.get(sid, ()):
            _sid, brand_id, brand_name, terms, active = reference.channels[cid]
            qty = acc.ordered_by_channel.get(cid, 0.0)
            channel_facts.append(ChannelFacts(brand_name, terms, active, qty))
            if active:
                kind_now = channel_type(terms, as_of)
                shares.append(
                    ChannelShare(
                        brand_name,
                        kind_now,
                        terms.tier,
                        channel_structure_value(kind_now, terms.tier),
                        qty,
                    )
                )
                if brand_id not in brand_flags:
                    brand_flags[brand_id] = hot_brand_flags(reference, brand_id, as_of)
                flags.extend(brand_flags[brand_id])
        quotes = priced.get(sid, empty_quotes)
        flags.extend(quotes.problems)
        margins = tuple(
            SkuMargin(walk, acc.ordered_by_product.get(pid, 0.0)) for pid, walk in quotes.walks
        )
        evidence = StabilityEvidence(
            due_lines=acc.due_lines,
            ordered_due=acc.ordered_due,
            accepted_capped=acc.accepted_capped,
            on_time_capped=acc.on_time_capped,
            deliveries=acc.deliveries,
            lead_sum=acc.lead_sum,
            lead_sq_sum=acc.lead_sq,
            delivered_qty=acc.delivered,
            rejected_qty=acc.rejected,
            price_moments=tuple(
                PriceMoments(skus[pid], int(n), total, total_sq)
                for pid, (n, total, total_sq) in _by_sku(acc.prices, skus)
            ),
            channels=tuple(shares),
            fault_returned=acc.fault_returned,
            other_returned=acc.other_returned,
            clearance_recorded=acc.clearance_recorded,
            cleared_in_target=acc.cleared_in_target,
        )
        if acc.slowest is not None:
            days, line_id = unpack_line(acc.slowest)
            evidence.slowest_clearance = days
            evidence.slowest_clearance_line_id = line_id
        hold = None
        if acc.held_slowest is not None:
            days, line_id = unpack_line(acc.held_slowest)
            hold = CustomsHold(days, "", acc.held - 1, line_id)
        facts[sid] = SupplierFacts(
            supplier_id=sid,
            code=code,
            name=name,
            country=country,
            kind=kind,
            channels=tuple(channel_facts),
            evidence=evidence,
            sku_margins=margins,
            expired_quotes=quotes.expired,
            price_changes=tuple(
                PriceChange(skus[pid], bs / bn, rs / rn)
                for pid, (rn, rs, bn, bs) in _by_sku(acc.moves, skus)
                if rn and bn
            ),
            previous_fill=previous_fill(acc) if acc.prev_lines else None,
            last_delivery=as_date(acc.last_delivery),
            first_order=as_date(acc.first_order),
            spend=Decimal(str(round(acc.spend, 2))),
            brand_flags=tuple(dict.fromkeys(flags)) if flags else (),  # first of each
            customs_hold=hold,
            counterfeits=tuple(fakes.get(sid, ())),
        )
    return facts


def lines_to_name(accumulators: Mapping[int, Accumulator]) -> list[int]:
    """The ids of the lines the words name: each supplier's slowest clearances."""
    ids: set[int] = set()
    for acc in accumulators.values():
        for packed in (acc.slowest, acc.held_slowest):
            if packed is not None:
                ids.add(unpack_line(packed)[1])
    return sorted(ids)


def name_lines(facts: Iterable[SupplierFacts], refs: Mapping[int, str]) -> None:
    """Put the line references (after_sale.line_refs) where the words name a line.

    Done before the suppliers are evaluated: the CUSTOMS_DELAY words are written then.
    """
    for f in facts:
        e = f.evidence
        if e.slowest_clearance is not None:
            e.slowest_clearance_line = refs.get(e.slowest_clearance_line_id, "")
        if f.customs_hold is not None:
            f.customs_hold.line = refs.get(f.customs_hold.line_id, "")
