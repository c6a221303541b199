"""Exchange rates: the ECB daily feed over requests, manual rates, and how old they are.

docs/vocabulary.md and docs/architecture.md. The feed (ECB's daily reference XML by default,
the address is the setting `rates_feed_url`) gives rates per EUR; each is
turned into a rate to the home currency: rate_to_home(X) = home per EUR / X
per EUR, and EUR itself is home per EUR. They are stored with kind 'feed',
the feed's date and its address, all in one transaction.

Nothing here trusts the network: explicit connect and read timeouts, a
bounded retry with backoff on connection errors and 5xx answers, a size cap,
and defusedxml, which refuses entity declarations (XML bombs). Every failure
is a CannotFinish (BadInput for an address that is not a web address) with a
message in words, and leaves every stored rate as it was, so scoring carries
on with the last known rates.

Which stored rate applies on a day is services.rate_lookup's rule, the one
every reader uses.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from sourcing_app import __version__
from sourcing_app.db.types import date_param, from_day_number
from sourcing_app.domain import formatting
from sourcing_app.domain.codes import ISO_4217_CURRENCIES
from sourcing_app.errors import BadInput, CannotFinish, ProgressCallback, no_progress
from sourcing_app.i18n import _, ngettext, pgettext
from sourcing_app.services.permissions import refusal_of
from sourcing_app.services.rate_lookup import rates_on
from sourcing_app.services.settings import load_settings, load_user_name, upsert_setting

DEFAULT_FEED_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
FEED_URL_KEY = "rates_feed_url"
USER_AGENT = f"sourcing-desk/{__version__} (exchange rates; +https://github.com/sourcing-desk)"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
TRIES = 3
BACKOFF_SECONDS = 0.5  # waits 0.5 s, then 1 s, between tries
MAX_FEED_BYTES = 2_000_000  # the daily file is about 1.5 kB
# The ECB publishes on working days only: a Friday rate is 3 days old on
# Monday morning, 5 after an Easter weekend. Older than this, the banner shows.
FRESH_DAYS = 5
# Stored rates keep ten decimal places (db.types.fx_rate).
_PLACES = Decimal("0.0000000001")


def day_text(day: dt.date) -> str:
    """27 Nov 2026, the way the app shows dates."""
    return formatting.day(day)


# --- the feed address ---------------------------------------------------------------


def load_feed_url(conn: Connection | Engine) -> str:
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return load_feed_url(c)
    value = conn.execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": FEED_URL_KEY}
    ).scalar()
    if value:
        url = json.loads(value)
        if isinstance(url, str) and url.strip():
            return url.strip()
    return DEFAULT_FEED_URL


def save_feed_url(conn: Connection, url: str) -> None:
    check_url(url)
    upsert_setting(conn, FEED_URL_KEY, json.dumps(url.strip()))


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(
            _("'{url}' is not a web address; it must start with https:// or http://").format(
                url=url
            )
        )
    return url.strip()


def source_label(url: str) -> str:
    """ECB for the ECB's own feed, else the feed's host name."""
    host = urlsplit(url).hostname or url
    return "ECB" if host.endswith("ecb.europa.eu") else host


# --- fetching -------------------------------------------------------------------------


def fetch_feed(
    url: str,
    *,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    tries: int = TRIES,
    backoff: float = BACKOFF_SECONDS,
    progress: ProgressCallback = no_progress,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """The feed's bytes. Retries connection errors and 5xx answers `tries` times in all,
    waiting backoff, 2 × backoff, … between them; raises CannotFinish in words."""
    url = check_url(url)
    host = urlsplit(url).hostname
    last = ""
    with requests.Session() as session:
        session.headers["User-Agent"] = USER_AGENT
        session.headers["Accept"] = "application/xml, text/xml;q=0.9"
        for attempt in range(tries):
            if attempt:
                progress(
                    attempt,
                    tries,
                    _("Trying the rate feed again ({attempt} of {tries})").format(
                        attempt=attempt + 1, tries=tries
                    ),
                )
                sleep(backoff * 2 ** (attempt - 1))
            else:
                progress(0, tries, _("Fetching exchange rates from {host}").format(host=host))
            try:
                response = session.get(url, timeout=timeout, stream=True)
            except requests.exceptions.ConnectTimeout:
                last = _("the rate feed at {host} did not answer within {seconds} s").format(
                    host=host, seconds=f"{timeout[0]:g}"
                )
                continue
            except requests.exceptions.ReadTimeout:
                raise CannotFinish(
                    _("the rate feed at {host} stopped answering for more than {seconds} s").format(
                        host=host, seconds=f"{timeout[1]:g}"
                    )
                ) from None
            except requests.exceptions.SSLError:
                raise CannotFinish(
                    _(
                        "the secure connection to the rate feed at {host} failed "
                        "(its certificate could not be checked)"
                    ).format(host=host)
                ) from None
            except requests.exceptions.ConnectionError:
                last = _(
                    "could not reach the rate feed at {host} (no network, or a wrong address)"
                ).format(host=host)
                continue
            except requests.exceptions.RequestException as exc:
                raise CannotFinish(
                    _("the rate feed at {host} could not be read: {error}").format(
                        host=host, error=exc
                    )
                ) from None
            with response:
                if response.status_code >= 500:
                    last = _("the rate feed at {host} failed with HTTP {status} ({reason})").format(
                        host=host,
                        status=response.status_code,
                        reason=response.reason or pgettext("http", "server error"),
                    )
                    continue
                if response.status_code >= 400:
                    raise CannotFinish(
                        _(
                            "the rate feed at {host} answered HTTP {status} ({reason}); "
                            "check the feed address"
                        ).format(
                            host=host,
                            status=response.status_code,
                            reason=response.reason or pgettext("http", "error"),
                        )
                    )
                return _read_capped(response, host or url, timeout[1])
        raise CannotFinish(
            _("{reason}; tried {tries} times").format(reason=last, tries=tries)
            if tries > 1
            else last
        )


def _read_capped(response: requests.Response, host: str, read_timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_FEED_BYTES:
                raise CannotFinish(
                    _(
                        "the rate feed at {host} sent more than {megabytes} MB; "
                        "that is not the daily rates file"
                    ).format(host=host, megabytes=MAX_FEED_BYTES // 1_000_000)
                )
            chunks.append(chunk)
    except requests.exceptions.ConnectionError:  # also a read timeout while streaming
        raise CannotFinish(
            _("the rate feed at {host} stopped answering for more than {seconds} s").format(
                host=host, seconds=f"{read_timeout:g}"
            )
        ) from None
    except requests.exceptions.RequestException as exc:
        raise CannotFinish(
            _("the rate feed at {host} broke off: {error}").format(host=host, error=exc)
        ) from None
    return b"".join(chunks)


# --- parsing --------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedRates:
    """One day of the feed: units of each currency per EUR."""

    day: dt.date
    per_eur: dict[str, Decimal]


def parse_feed(content: bytes) -> FeedRates:
    """The ECB reference XML read safely; CannotFinish in words for anything else."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    head = content.lstrip()[:200].lower()
    if not head:
        raise CannotFinish(_("the rate feed sent an empty answer"))
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        raise CannotFinish(
            _("the rate feed sent a web page (HTML), not the rates XML; check the feed address")
        )
    try:
        root = safe_xml.fromstring(content)
    except DefusedXmlException:
        raise CannotFinish(
            _(
                "the rate feed's XML was refused: it declares entities or a DTD, which a rates "
                "file never needs (a possible XML bomb)"
            )
        ) from None
    except ParseError as exc:
        raise CannotFinish(
            _("the rate feed's answer is not well-formed XML ({error})").format(error=exc)
        ) from None
    for cube in root.iter():
        if not cube.tag.endswith("Cube") or "time" not in cube.attrib:
            continue
        try:
            day = dt.date.fromisoformat(cube.attrib["time"])
        except ValueError:
            raise CannotFinish(
                _("the rate feed's date '{text}' is not a YYYY-MM-DD date").format(
                    text=cube.attrib["time"]
                )
            ) from None
        per_eur: dict[str, Decimal] = {}
        for entry in cube:
            code = entry.attrib.get("currency", "").strip().upper()
            raw = entry.attrib.get("rate", "").strip()
            if not code:
                continue
            if code not in ISO_4217_CURRENCIES:
                raise CannotFinish(
                    _("the rate feed lists '{code}', which is not a currency code").format(
                        code=code
                    )
                )
            try:
                rate = Decimal(raw)
            except InvalidOperation:
                rate = Decimal("NaN")
            if not rate.is_finite() or rate <= 0:
                raise CannotFinish(
                    _("the rate feed gives {code} the rate '{rate}', not a number").format(
                        code=code, rate=raw
                    )
                )
            per_eur[code] = rate
        if not per_eur:
            raise CannotFinish(
                _("the rate feed for {day} lists no rates").format(day=day_text(day))
            )
        return FeedRates(day, per_eur)
    raise CannotFinish(
        _(
            "the rate feed's XML holds no dated rates (no Cube with a time); "
            "is the address the ECB daily reference rates?"
        )
    )


def rates_to_home(feed: FeedRates, home: str) -> dict[str, Decimal]:
    """Each currency's rate to the home currency: home per EUR / currency per EUR."""
    per_eur = {"EUR": Decimal(1), **feed.per_eur}
    home_per_eur = per_eur.get(home)
    if home_per_eur is None:
        raise CannotFinish(
            _(
                "the rate feed has no {home} rate, so no rate to {home} (the home currency) "
                "can be worked out"
            ).format(home=home)
        )
    with localcontext() as context:
        context.prec = 28
        return {
            code: (home_per_eur / rate).quantize(_PLACES)
            for code, rate in sorted(per_eur.items())
            if code != home
        }


# --- storing --------------------------------------------------------------------------


@dataclass(frozen=True)
class RatesUpdate:
    day: dt.date
    source: str
    rates: dict[str, Decimal]
    new: int  # currencies that had no feed rate stored for that day

    def summary(self) -> str:
        values = {
            "count": len(self.rates),
            "day": day_text(self.day),
            "source": source_label(self.source),
        }
        if self.new == 0:
            return _(
                "{count} rates for {day} from {source}: already stored, nothing changed"
            ).format(**values)
        return _("stored {count} rates for {day} from {source}").format(**values)


def update_rates(
    engine: Engine,
    url: str | None = None,
    *,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    tries: int = TRIES,
    backoff: float = BACKOFF_SECONDS,
    who: str = "",
    progress: ProgressCallback = no_progress,
) -> RatesUpdate:
    """Fetch the feed, work out rates to the home currency, store them all or none."""
    address = check_url(url) if url else load_feed_url(engine)
    home = load_settings(engine).home_currency
    content = fetch_feed(address, timeout=timeout, tries=tries, backoff=backoff, progress=progress)
    feed = parse_feed(content)
    rates = rates_to_home(feed, home)
    progress(tries, tries, _("Storing {count} exchange rates").format(count=len(rates)))
    new = 0
    try:
        with engine.begin() as conn:
            dialect = conn.dialect.name
            day = date_param(dialect, feed.day)
            stored = {
                str(code)
                for (code,) in conn.execute(
                    text(
                        "SELECT currency FROM exchange_rate WHERE rate_date = :d AND kind = 'feed'"
                    ),
                    {"d": day},
                )
            }
            new = sum(1 for currency in rates if currency not in stored)
            for currency, rate in rates.items():
                _upsert_rate(conn, currency, feed.day, rate, "feed", address)
            _audit(
                conn,
                who or load_user_name(conn),
                "feed",
                f"{source_label(address)} {feed.day.isoformat()}",
                "rates update",
                {"rates": len(rates), "new": new, "source": address},
            )
    except Exception as exc:
        if isinstance(exc, BadInput | CannotFinish):
            raise
        refused = refusal_of(exc)
        if refused is not None:
            raise refused from exc
        raise CannotFinish(
            _("the rates could not be stored ({reason}); none were").format(reason=_first_line(exc))
        ) from exc
    return RatesUpdate(feed.day, address, rates, new)


def set_manual_rate(
    engine: Engine, currency: str, day: dt.date, rate: Decimal, *, who: str = ""
) -> Decimal | None:
    """Store a rate typed in by hand; it wins over the feed for `day`.

    Returns the manual rate it replaced, if any.
    """
    code = currency.strip().upper()
    if code not in ISO_4217_CURRENCIES:
        raise BadInput(_("'{currency}' is not an ISO 4217 currency code").format(currency=currency))
    if not rate.is_finite() or rate <= 0:
        raise BadInput(
            _("{rate} is not a usable exchange rate; it must be more than 0").format(rate=rate)
        )
    home = load_settings(engine).home_currency
    if code == home:
        raise BadInput(_("{code} is the home currency; its rate is always 1").format(code=code))
    try:
        return _store_manual_rate(engine, code, day, rate, who)
    except DBAPIError as exc:
        refused = refusal_of(exc)  # team mode: hand-entered rates are a manager's
        if refused is not None:
            raise refused from exc
        raise CannotFinish(
            _("the rate could not be stored ({reason})").format(reason=_first_line(exc))
        ) from exc


def _store_manual_rate(
    engine: Engine, code: str, day: dt.date, rate: Decimal, who: str
) -> Decimal | None:
    with engine.begin() as conn:
        dialect = conn.dialect.name
        name = who or load_user_name(conn)
        params = {
            "c": code,
            "d": date_param(dialect, day),
            "r": _rate_param(dialect, rate),
            "s": f"manual: {name}"[:300],
        }
        old = conn.execute(
            text(
                "SELECT rate_to_home FROM exchange_rate "
                "WHERE currency = :c AND rate_date = :d AND kind = 'manual'"
            ),
            params,
        ).scalar()
        _upsert_rate(conn, code, day, rate, "manual", params["s"])
        old_rate = None if old is None else _decimal(old)
        _audit(
            conn,
            name,
            "exchange_rate",
            f"{code} {day.isoformat()}",
            "set manual rate",
            {"old": None if old_rate is None else str(old_rate), "new": str(rate)},
        )
    return old_rate


def _upsert_rate(
    conn: Connection, currency: str, day: dt.date, rate: Decimal, kind: str, source: str
) -> None:
    """Store one rate in one statement: two people storing the same day's rate at once
    both succeed and one value wins (INSERT … ON CONFLICT DO UPDATE, docs/team-mode.md)."""
    from sourcing_app.db.models import ExchangeRate

    rates = ExchangeRate.__table__
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(rates).values(
        currency=currency, rate_date=day, rate_to_home=rate, kind=kind, source=source[:300]
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["currency", "rate_date", "kind"],
            set_={
                "rate_to_home": statement.excluded.rate_to_home,
                "source": statement.excluded.source,
            },
        )
    )


def _rate_param(dialect: str, rate: Decimal) -> Any:
    # SQLite has no decimal type; the ORM binds Numeric as float there too.
    return float(rate) if dialect == "sqlite" else rate


def _decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value).normalize() if isinstance(value, Decimal) else Decimal(value)


def _first_line(exc: BaseException) -> str:
    words = str(exc).strip()
    return words.splitlines()[0] if words else type(exc).__name__


def _audit(
    conn: Connection, who: str, entity: str, key: str, action: str, changes: dict[str, Any]
) -> None:
    from sourcing_app.services.audit import needs_app_entry

    if not needs_app_entry(conn, changes):
        return
    now = dt.datetime.now(dt.UTC)
    at: Any = now
    if conn.dialect.name == "sqlite":  # sqlmodel's UTC text, as the importer writes it
        at = now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    conn.execute(
        text(
            "INSERT INTO audit_entry (at, who, entity, entity_key, action, changes) "
            "VALUES (:at, :who, :entity, :key, :action, :changes)"
        ),
        {
            "at": at,
            "who": who[:120],
            "entity": entity[:40],
            "key": key[:200],
            "action": action[:40],
            "changes": json.dumps(changes),
        },
    )


# --- reading what is stored ---------------------------------------------------------


@dataclass(frozen=True)
class StoredRate:
    """The rate scoring uses for a currency on a date, and where it came from."""

    currency: str
    day: dt.date
    rate_to_home: Decimal
    kind: str
    source: str
    overruled_feed_rate: Decimal | None = None  # the feed's rate a manual one beat that day


def list_rates(engine: Engine, on: dt.date) -> list[StoredRate]:
    """Per currency, the rate that applies on `on` (rate_lookup's rule), by currency."""
    with engine.connect() as conn:
        found = rates_on(conn, on)
    return [
        StoredRate(r.currency, r.day, r.rate, r.kind, r.source, r.overruled_feed_rate)
        for _currency, r in sorted(found.items())
    ]


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else from_day_number(int(value))


@dataclass(frozen=True)
class RatesAge:
    """How old the newest feed rates are, for the desktop banner."""

    today: dt.date
    last_feed_day: dt.date | None
    last_source: str

    @property
    def days_old(self) -> int | None:
        return None if self.last_feed_day is None else (self.today - self.last_feed_day).days

    @property
    def fresh(self) -> bool:
        days = self.days_old
        return days is not None and days <= FRESH_DAYS

    def describe(self) -> str:
        """ "Exchange rates are 6 days old (ECB, 21 Nov 2026)." in words."""
        days = self.days_old
        if days is None or self.last_feed_day is None:
            return _("No exchange rates have come from the rate feed yet.")
        source, when = source_label(self.last_source), day_text(self.last_feed_day)
        if days <= 0:
            return _("Exchange rates are from today ({source}, {day}).").format(
                source=source, day=when
            )
        return ngettext(
            "Exchange rates are {days} day old ({source}, {day}).",
            "Exchange rates are {days} days old ({source}, {day}).",
            days,
        ).format(days=days, source=source, day=when)


def rates_age(engine: Engine, today: dt.date) -> RatesAge:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT rate_date, source FROM exchange_rate WHERE kind = 'feed' "
                "ORDER BY rate_date DESC, id DESC LIMIT 1"
            )
        ).first()
    if row is None:
        return RatesAge(today, None, "")
    return RatesAge(today, _as_date(row[0]), row[1] or "")
