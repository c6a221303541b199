"""Everything the detail pane and the supplier report show about one supplier.

The scores themselves come from ScoringService (a SupplierScore carries the
sub-scores with their inputs in words and the landed-cost walk of each quoted
SKU); this module reads what sits beside them: the supplier's record, its
channels with their authorization, its quotes, and the purchase lines and
deliveries of the window as points for the price and lead-time charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine, and_, select
from sqlalchemy.orm import Session

from sourcing_app.db.models import Brand, Channel, Delivery, Product, PurchaseLine, Quote, Supplier
from sourcing_app.domain.channels import ChannelTerms, channel_type, explain_channel
from sourcing_app.domain.enums import ChannelType
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.i18n import ngettext
from sourcing_app.services.settings import load_settings

# Authorizations ending within this many days are called out (docs/standings-and-flags.md).
EXPIRY_WARNING_DAYS = 60


@dataclass(frozen=True)
class SupplierInfo:
    id: int
    code: str
    name: str
    country: str
    kind: str
    contact: str
    notes: str
    monthly_capacity: int | None
    archived: bool


@dataclass(frozen=True)
class ChannelInfo:
    id: int
    brand_id: int
    brand_name: str
    tier: int
    channel_type: ChannelType  # on the evaluation date
    why: str  # why it is vertical or composite, in words
    authorization_ref: str
    authorized_until: dt.date | None
    days_left: int | None  # until the authorization ends; negative once it has
    contract_start: dt.date | None
    contract_end: dt.date | None
    exclusive: bool
    active: bool

    @property
    def expiry_warning(self) -> str:
        """'' or what a buyer must know about the authorization's end."""
        if self.days_left is None or not self.active or not self.authorization_ref:
            return ""
        if self.days_left < 0:
            ago = -self.days_left
            return ngettext("expired {n} day ago", "expired {n} days ago", ago).format(n=ago)
        if self.days_left <= EXPIRY_WARNING_DAYS:
            left = self.days_left
            return ngettext("expires in {n} day", "expires in {n} days", left).format(n=left)
        return ""


@dataclass(frozen=True)
class QuoteInfo:
    id: int
    channel_id: int
    brand_name: str
    sku: str
    product_name: str
    unit_price: Decimal
    currency: str
    incoterm: str
    min_qty: int
    lead_time_days: int | None
    freight_per_unit: Decimal
    insurance_per_unit: Decimal
    valid_from: dt.date | None  # blank: valid since always
    valid_to: dt.date | None
    valid_on_as_of: bool


@dataclass(frozen=True)
class PricePoint:
    """One purchase line of the window: what a unit cost in the home currency."""

    order_date: dt.date
    sku: str
    line_ref: str
    unit_price_home: Decimal
    ordered_qty: int


@dataclass(frozen=True)
class LeadTimePoint:
    """One delivery of a window line, dated on or before the evaluation date."""

    delivered_date: dt.date
    sku: str
    line_ref: str
    lead_days: int  # delivered date − order date
    late_days: int  # days after the promised date, 0 when on time (before grace)
    delivered_qty: int
    rejected_qty: int
    promised_days: int = 0  # promised date − order date: the lead the supplier promised


@dataclass(frozen=True)
class SupplierDetail:
    info: SupplierInfo
    as_of: dt.date
    window_start: dt.date  # first day of the window: lines ordered after it and up to as_of
    home_currency: str
    channels: tuple[ChannelInfo, ...]
    quotes: tuple[QuoteInfo, ...]
    prices: tuple[PricePoint, ...]
    lead_times: tuple[LeadTimePoint, ...]


def load_supplier_detail(
    engine: Engine,
    supplier_id: int,
    as_of: dt.date,
    settings: ScoringSettings | None = None,
) -> SupplierDetail:
    """Read one supplier's record, channels, quotes and window history. KeyError if unknown."""
    with Session(engine) as conn:
        settings = settings or load_settings(conn.connection())
        s = conn.get(Supplier, supplier_id)
        if s is None:
            raise KeyError(f"no supplier with id {supplier_id}")
        info = SupplierInfo(
            s.id or supplier_id,
            s.code,
            s.name,
            s.country,
            s.kind,
            s.contact,
            s.notes,
            s.monthly_capacity,
            s.archived,
        )
        window_start = as_of - dt.timedelta(days=settings.window_days)
        channels = _channels(conn, supplier_id, as_of)
        quotes = _quotes(conn, supplier_id, as_of)
        prices = _prices(conn, supplier_id, window_start, as_of)
        leads = _lead_times(conn, supplier_id, window_start, as_of)
    return SupplierDetail(
        info,
        as_of,
        window_start + dt.timedelta(days=1),
        settings.home_currency,
        channels,
        quotes,
        prices,
        leads,
    )


def _channels(conn, supplier_id: int, as_of: dt.date) -> tuple[ChannelInfo, ...]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        select(Channel, Brand.name)
        .join(Brand, Brand.id == Channel.brand_id)
        .where(Channel.supplier_id == supplier_id)
        .order_by(Brand.name)
    ).all()
    out = []
    for channel, brand_name in rows:
        terms = ChannelTerms(channel.tier, channel.authorization_ref, channel.authorized_until)
        until = channel.authorized_until
        out.append(
            ChannelInfo(
                channel.id,
                channel.brand_id,
                brand_name,
                channel.tier,
                channel_type(terms, as_of),
                explain_channel(terms, as_of),
                channel.authorization_ref,
                until,
                (until - as_of).days if until is not None else None,
                channel.contract_start,
                channel.contract_end,
                channel.exclusive,
                channel.active,
            )
        )
    return tuple(out)


def _quotes(conn, supplier_id: int, as_of: dt.date) -> tuple[QuoteInfo, ...]:  # type: ignore[no-untyped-def]
    rows = conn.execute(
        select(Quote, Product.sku, Product.name, Brand.name)
        .join(Channel, Channel.id == Quote.channel_id)
        .join(Product, Product.id == Quote.product_id)
        .join(Brand, Brand.id == Channel.brand_id)
        .where(Channel.supplier_id == supplier_id)
        .order_by(Product.sku, Quote.min_qty, Quote.valid_from)
    ).all()
    return tuple(
        QuoteInfo(
            q.id,
            q.channel_id,
            brand_name,
            sku,
            name,
            Decimal(q.unit_price),
            q.currency,
            q.incoterm,
            q.min_qty,
            q.lead_time_days,
            Decimal(q.freight_per_unit),
            Decimal(q.insurance_per_unit),
            q.valid_from,
            q.valid_to,
            (q.valid_from is None or q.valid_from <= as_of)
            and (q.valid_to is None or as_of <= q.valid_to),
        )
        for q, sku, name, brand_name in rows
    )


def _window_lines(supplier_id: int, window_start: dt.date, as_of: dt.date):  # type: ignore[no-untyped-def]
    return and_(
        Channel.supplier_id == supplier_id,
        PurchaseLine.order_date > window_start,
        PurchaseLine.order_date <= as_of,
    )


def _prices(
    conn,  # type: ignore[no-untyped-def]
    supplier_id: int,
    window_start: dt.date,
    as_of: dt.date,
) -> tuple[PricePoint, ...]:
    rows = conn.execute(
        select(
            PurchaseLine.order_date,
            Product.sku,
            PurchaseLine.line_ref,
            PurchaseLine.unit_price,
            PurchaseLine.fx_rate,
            PurchaseLine.ordered_qty,
        )
        .join(Channel, Channel.id == PurchaseLine.channel_id)
        .join(Product, Product.id == PurchaseLine.product_id)
        .where(_window_lines(supplier_id, window_start, as_of))
        .order_by(PurchaseLine.order_date, PurchaseLine.line_ref)
    ).all()
    cent = Decimal("0.0001")
    return tuple(
        PricePoint(day, sku, ref, (Decimal(price) * Decimal(fx)).quantize(cent), qty)
        for day, sku, ref, price, fx, qty in rows
    )


def _lead_times(
    conn,  # type: ignore[no-untyped-def]
    supplier_id: int,
    window_start: dt.date,
    as_of: dt.date,
) -> tuple[LeadTimePoint, ...]:
    rows = conn.execute(
        select(
            Delivery.delivered_date,
            Product.sku,
            PurchaseLine.line_ref,
            PurchaseLine.order_date,
            PurchaseLine.promised_date,
            Delivery.delivered_qty,
            Delivery.rejected_qty,
        )
        .join(PurchaseLine, PurchaseLine.id == Delivery.line_id)
        .join(Channel, Channel.id == PurchaseLine.channel_id)
        .join(Product, Product.id == PurchaseLine.product_id)
        .where(_window_lines(supplier_id, window_start, as_of), Delivery.delivered_date <= as_of)
        .order_by(Delivery.delivered_date, PurchaseLine.line_ref)
    ).all()
    return tuple(
        LeadTimePoint(
            delivered,
            sku,
            ref,
            (delivered - ordered).days,
            max(0, (delivered - promised).days),
            delivered_qty,
            rejected_qty,
            (promised - ordered).days,
        )
        for delivered, sku, ref, ordered, promised, delivered_qty, rejected_qty in rows
    )
