"""The tables (docs/vocabulary.md).

Natural keys carry unique constraints so that re-importing a file updates rows
instead of duplicating them. Editable entities carry a `version` column for
optimistic locking in team mode (docs/bad-input.md).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from sourcing_app.db.types import DayDate, fx_rate, money, rate


class TaxCategory(SQLModel, table=True):
    __tablename__ = "tax_category"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=80)
    tariff: Decimal = Field(default=Decimal("0"), sa_type=rate())
    consumption_tax: Decimal = Field(default=Decimal("0"), sa_type=rate())
    vat: Decimal = Field(default=Decimal("0.13"), sa_type=rate())
    postal_rate: Decimal = Field(default=Decimal("0.13"), sa_type=rate())
    version: int = Field(default=1)


class Brand(SQLModel, table=True):
    __tablename__ = "brand"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=120)
    origin_country: str = Field(default="", max_length=2)
    category: str = Field(default="", max_length=80)
    hot_selling: bool = Field(default=False)
    planned_monthly_demand: int = Field(default=0)
    target_retail_price: Decimal | None = Field(default=None, sa_type=money())
    archived: bool = Field(default=False)
    version: int = Field(default=1)


class Product(SQLModel, table=True):
    __tablename__ = "product"

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(unique=True, max_length=64)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    name: str = Field(max_length=200)
    tax_category_id: int = Field(foreign_key="tax_category.id")
    retail_price: Decimal = Field(sa_type=money())
    unit_weight_kg: Decimal | None = Field(default=None, sa_type=money())
    archived: bool = Field(default=False)
    version: int = Field(default=1)


class Supplier(SQLModel, table=True):
    __tablename__ = "supplier"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    country: str = Field(default="", max_length=2)
    kind: str = Field(max_length=40)
    contact: str = Field(default="", max_length=200)
    notes: str = Field(default="")
    monthly_capacity: int | None = Field(default=None)
    archived: bool = Field(default=False)
    version: int = Field(default=1)


class Channel(SQLModel, table=True):
    """One supplier selling one brand."""

    __tablename__ = "channel"
    __table_args__ = (
        UniqueConstraint("supplier_id", "brand_id", name="uq_channel_supplier_brand"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(foreign_key="supplier.id")
    brand_id: int = Field(foreign_key="brand.id", index=True)
    tier: int = Field(default=1)
    authorization_ref: str = Field(default="", max_length=120)
    authorized_until: dt.date | None = Field(default=None, sa_type=DayDate)
    contract_start: dt.date | None = Field(default=None, sa_type=DayDate)
    contract_end: dt.date | None = Field(default=None, sa_type=DayDate)
    exclusive: bool = Field(default=False)
    active: bool = Field(default=True)
    version: int = Field(default=1)


class Quote(SQLModel, table=True):
    __tablename__ = "quote"
    # The natural key is (channel, product, min_qty, valid_from), and a blank
    # valid_from is a key value like any other (docs/files-and-commands.md: a
    # standing price list has no start date). SQL unique constraints let NULLs
    # repeat, so the open-start rows get a partial unique index of their own:
    # re-importing one updates it instead of adding a copy.
    __table_args__ = (
        UniqueConstraint(
            "channel_id", "product_id", "min_qty", "valid_from", name="uq_quote_natural_key"
        ),
        Index(
            "uq_quote_natural_key_open_start",
            "channel_id",
            "product_id",
            "min_qty",
            unique=True,
            sqlite_where=text("valid_from IS NULL"),
            postgresql_where=text("valid_from IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    product_id: int = Field(foreign_key="product.id", index=True)
    unit_price: Decimal = Field(sa_type=money())
    currency: str = Field(max_length=3)
    incoterm: str = Field(default="", max_length=3)
    min_qty: int = Field(default=1)
    lead_time_days: int | None = Field(default=None)
    freight_per_unit: Decimal = Field(default=Decimal("0"), sa_type=money())
    insurance_per_unit: Decimal = Field(default=Decimal("0"), sa_type=money())
    # Either end may be blank; a blank end is open (valid since always / until further notice).
    valid_from: dt.date | None = Field(default=None, sa_type=DayDate)
    valid_to: dt.date | None = Field(default=None, sa_type=DayDate)
    version: int = Field(default=1)


class PurchaseLine(SQLModel, table=True):
    __tablename__ = "purchase_line"
    # The scoring aggregates scan the window per channel; re-scoring one
    # supplier after an edit reads only its channels' lines through this index.
    __table_args__ = (Index("ix_purchase_line_channel_order", "channel_id", "order_date"),)

    id: int | None = Field(default=None, primary_key=True)
    line_ref: str = Field(unique=True, max_length=64)
    channel_id: int = Field(foreign_key="channel.id")
    product_id: int = Field(foreign_key="product.id", index=True)
    order_date: dt.date = Field(sa_type=DayDate)
    promised_date: dt.date = Field(sa_type=DayDate)
    ordered_qty: int
    unit_price: Decimal = Field(sa_type=money())
    currency: str = Field(max_length=3)
    fx_rate: Decimal = Field(sa_type=fx_rate())
    regime: str = Field(default="cbec", max_length=8)
    version: int = Field(default=1)


class Delivery(SQLModel, table=True):
    """A delivery is identified by its purchase line and date: re-importing replaces it."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("line_id", "delivered_date", name="uq_delivery_line_date"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="purchase_line.id")
    delivered_date: dt.date = Field(sa_type=DayDate)
    delivered_qty: int
    rejected_qty: int = Field(default=0)
    clearance_days: int | None = Field(default=None)


class SaleReturn(SQLModel, table=True):
    """Goods an end customer sent back after sale (docs/vocabulary.md).

    A return is identified by its purchase line, date and reason: re-importing replaces it.
    """

    __tablename__ = "sale_return"
    __table_args__ = (
        UniqueConstraint(
            "line_id", "return_date", "reason", name="uq_sale_return_line_date_reason"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="purchase_line.id", index=True)
    return_date: dt.date = Field(sa_type=DayDate)
    returned_qty: int
    reason: str = Field(max_length=24)
    version: int = Field(default=1)


class ExchangeRate(SQLModel, table=True):
    """Rate to the home currency on a date. `kind` is 'manual' or 'feed'; manual wins."""

    __tablename__ = "exchange_rate"
    __table_args__ = (
        UniqueConstraint("currency", "rate_date", "kind", name="uq_exchange_rate_day_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    currency: str = Field(max_length=3)
    rate_date: dt.date = Field(sa_type=DayDate)
    rate_to_home: Decimal = Field(sa_type=fx_rate())
    kind: str = Field(default="manual", max_length=8)
    source: str = Field(default="", max_length=300)


class Setting(SQLModel, table=True):
    """One setting, its value JSON-encoded. Shared by the team in team mode."""

    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=80)
    value: str


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    who: str = Field(max_length=120)
    entity: str = Field(max_length=40)
    entity_key: str = Field(default="", max_length=200)
    action: str = Field(max_length=40)
    changes: str = Field(default="")
