"""ScoringService: a full run, one supplier re-scored after an edit, and the run's freeing.

A full run splits the aggregate statements over two connections by channel id
and prices the quotes meanwhile, so the database and Python overlap on two
cores (services.scoring.aggregates has the statements).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from sourcing_app.domain.evaluation import evaluate
from sourcing_app.domain.evaluation_types import SupplierScore
from sourcing_app.domain.scenarios import PricingChanges
from sourcing_app.domain.settings import ScoringSettings
from sourcing_app.domain.stability import portfolio_priors, raw_measures
from sourcing_app.errors import ProgressCallback, no_progress
from sourcing_app.freeing import free_gradually
from sourcing_app.services.scoring.after_sale import add_after_sale, line_refs
from sourcing_app.services.scoring.aggregates import (
    PREVIOUS_FILL_SQL,
    WINDOW_SHARES,
    WINDOW_SQL,
    AggregateQuery,
    accumulate,
    add_previous_fill,
    fill_drop_suspects,
    packable,
    previous_fill,
)
from sourcing_app.services.scoring.facts import assemble_facts, lines_to_name, name_lines
from sourcing_app.services.scoring.quotes import WalkMemo, apply_pricing, price_quotes
from sourcing_app.services.scoring.reference import (
    Reference,
    load_reference,
    refresh_catalogue,
    refresh_supplier,
)
from sourcing_app.services.settings import load_settings


@dataclass
class ScoreRun:
    """The outcome of a full run, kept so one supplier can be re-scored on its own."""

    as_of: dt.date
    settings: ScoringSettings
    priors: dict[str, float]
    reference: Reference
    scores: dict[int, SupplierScore]


class ScoringService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.last_run: ScoreRun | None = None
        self._walks = WalkMemo()
        # Re-scoring one supplier rewrites its rows in the run's reference tables; the
        # desktop does it on a worker (a detail opened) and on the UI thread (an edit).
        self._one_at_a_time = threading.Lock()

    # -- public use cases -------------------------------------------------
    def score_all(
        self,
        as_of: dt.date,
        settings: ScoringSettings | None = None,
        progress: ProgressCallback = no_progress,
        *,
        pricing: PricingChanges | None = None,
    ) -> list[SupplierScore]:
        """Score every supplier that is not archived, ordered by supplier code.

        `progress` hears of each step (and may raise Cancelled between them);
        scoring only reads, so a cancelled run leaves nothing behind.
        `pricing` is a scenario's what-if (see `quotes.apply_pricing`); such a run is
        not kept as `last_run`, so re-scoring one supplier stays on the real data.
        """
        with cycle_collector_paused():
            return self._score_all(as_of, settings, progress, pricing)

    def _score_all(
        self,
        as_of: dt.date,
        settings: ScoringSettings | None,
        progress: ProgressCallback,
        pricing: PricingChanges | None = None,
    ) -> list[SupplierScore]:
        with self.engine.connect() as conn:
            settings = settings or load_settings(conn)
            reference = load_reference(conn, as_of, settings)
            if pricing is not None and not pricing.is_empty:
                apply_pricing(conn, reference, pricing)
            else:
                pricing = None
            total = len(reference.suppliers)
            progress(0, total, "Adding up the purchase lines of the window…")
            query = AggregateQuery(conn.dialect.name, as_of, settings)
            packed = packable(reference)
            # The window statement is most of the run. Two connections add up
            # half the channels each while this thread prices the quotes: the
            # database works with the GIL released, so on two cores the three
            # overlap. The halves never share a group, and accumulate adds per
            # supplier whichever half a channel's rows come from.
            with ThreadPoolExecutor(max_workers=WINDOW_SHARES) as pool:
                halves = [
                    pool.submit(self._window_rows, query, packed, (i, WINDOW_SHARES))
                    for i in range(WINDOW_SHARES)
                ]
                priced = price_quotes(conn, as_of, reference, settings, None, pricing, self._walks)
                progress(0, total, "Adding up the purchase lines of the window…")
                rows = [row for half in halves for row in half.result()]
                del halves  # `rows` holds the only reference to each row now
                accumulators = accumulate(rows, reference, packed=packed)
                fakes = add_after_sale(conn, query, accumulators, reference, as_of)
                # The lines the clearance words name are read meanwhile (scattered reads).
                named = pool.submit(self._line_refs, lines_to_name(accumulators))
                # The previous window only matters where the fill could have
                # dropped: those channels' lines are read (in two halves again)
                # while this thread assembles the facts; the previous fill feeds
                # nothing but the FILL_DROP flag, so it is added just before
                # the suppliers are evaluated.
                suspects = fill_drop_suspects(accumulators, reference, settings)
                previous = [
                    pool.submit(self._previous_rows, query, suspects[i::WINDOW_SHARES])
                    for i in range(WINDOW_SHARES)
                    if suspects[i::WINDOW_SHARES]
                ]
                supplier_ids = list(reference.suppliers)
                progress(0, total, "Scoring the suppliers…")
                facts = assemble_facts(
                    as_of, reference, supplier_ids, accumulators, priced, query.as_date, fakes
                )
                grace, home = settings.grace_days, settings.home_currency
                target = settings.clearance_target_days
                raws = {
                    sid: raw_measures(
                        f.evidence,
                        grace_days=grace,
                        home_currency=home,
                        clearance_target_days=target,
                    )  # fmt: skip
                    for sid, f in facts.items()
                }
                priors = portfolio_priors(raws.values())
                for part in previous:
                    add_previous_fill(accumulators, part.result(), reference)
                name_lines(facts.values(), named.result())
        for sid, acc in accumulators.items():
            if acc.prev_lines and sid in facts:
                facts[sid].previous_fill = previous_fill(acc)
        weights = settings.normalised_weights()
        scores = {
            sid: evaluate(facts[sid], raws[sid], priors, settings, as_of, weights)
            for sid in supplier_ids
        }
        old_run = self.last_run
        if pricing is None:
            self.last_run = ScoreRun(as_of, settings, priors, reference, scores)
        ordered = sorted(scores.values(), key=lambda s: s.supplier_code)
        # The run's scaffolding (a row per group, facts and measures per supplier,
        # the last run's tables) is millions of small objects on a big portfolio.
        # Freed all at once when this frame ends, they would hold the GIL for
        # most of a second, and the desktop's UI thread with it.
        free_gradually(rows, accumulators, facts, raws, priced)
        # The previous run's tables go the same way, unless a re-score of one
        # supplier (on another thread) still works from them: nobody can pick the
        # old run up any more, so the reference count says it all.
        if (
            old_run is not None
            and old_run is not self.last_run
            and sys.getrefcount(old_run) == _ONLY_HERE
        ):
            free_gradually(old_run.scores, *old_run.reference.tables())
        progress(total, total, f"{total:,} suppliers scored.")
        return ordered

    def _window_rows(
        self, query: AggregateQuery, packed: bool, share: tuple[int, int]
    ) -> list[Any]:
        with self.engine.connect() as conn:
            return query.run(conn, WINDOW_SQL, packed=packed, share=share)

    def _line_refs(self, line_ids: list[int]) -> dict[int, str]:
        with self.engine.connect() as conn:
            return line_refs(conn, line_ids)

    def _previous_rows(self, query: AggregateQuery, channel_ids: list[int]) -> list[Any]:
        with self.engine.connect() as conn:
            return query.run(conn, PREVIOUS_FILL_SQL, channel_ids=channel_ids, scan=True)

    def run_tables(self) -> dict[str, Any]:
        """The last full run's small tables, for `adopt_run` in another process."""
        run = self.last_run
        if run is None:
            raise RuntimeError("score_all must run first")
        r = run.reference
        return {
            "suppliers": r.suppliers,
            "channels": r.channels,
            "products": r.products,
            "brands": r.brands,
            "fx": r.fx,
        }

    def adopt_run(
        self,
        as_of: dt.date,
        settings: ScoringSettings,
        priors: dict[str, float],
        tables: dict[str, Any],
        scores: dict[int, SupplierScore],
    ) -> None:
        """Take over a full run made in another process (services.scoring.process).

        `tables` is what `run_tables` gave there. Afterwards `rescore_supplier`
        works from this run as from one made here.
        """
        names = ("suppliers", "channels", "products", "brands", "fx")
        reference = Reference(*(tables[name] for name in names))
        reference.index_channels()
        old_run, self.last_run = self.last_run, ScoreRun(as_of, settings, priors, reference, scores)
        if old_run is not None and sys.getrefcount(old_run) == _ONLY_HERE:
            free_gradually(old_run.scores, *old_run.reference.tables())

    def refresh_catalogue(self) -> None:
        """After a hand edit of a brand, product or tax category: the last run reads them again.

        They are small tables; `rescore_supplier` then prices with the new values.
        """
        if self.last_run is not None:
            with self._one_at_a_time, self.engine.connect() as conn:
                refresh_catalogue(conn, self.last_run.reference)

    def rescore_supplier(self, supplier_id: int) -> SupplierScore:
        """Re-score one supplier after an edit to its lines, deliveries, channels or quotes.

        The portfolio priors and the small reference tables of the last full run
        are reused, so this reads only that supplier's rows. Safe to call from
        several threads: one re-score runs at a time.
        """
        with self._one_at_a_time:
            return self._rescore_supplier(supplier_id)

    def _rescore_supplier(self, supplier_id: int) -> SupplierScore:
        run = self.last_run
        if run is None:
            raise RuntimeError("score_all must run before a single supplier is re-scored")
        with self.engine.connect() as conn:
            reference = refresh_supplier(conn, run.reference, supplier_id)
            channel_ids = reference.channels_by_supplier.get(supplier_id, [])
            query = AggregateQuery(conn.dialect.name, run.as_of, run.settings)
            rows = query.run(conn, WINDOW_SQL, channel_ids=channel_ids) if channel_ids else []
            accumulators = accumulate(rows, reference)
            fakes = (
                add_after_sale(conn, query, accumulators, reference, run.as_of, channel_ids)
                if channel_ids
                else {}
            )
            refs = line_refs(conn, lines_to_name(accumulators))
            if fill_drop_suspects(accumulators, reference, run.settings):
                add_previous_fill(
                    accumulators,
                    query.run(conn, PREVIOUS_FILL_SQL, channel_ids=channel_ids),
                    reference,
                )
            priced = price_quotes(
                conn, run.as_of, reference, run.settings, supplier_id, memo=self._walks
            )
        facts = assemble_facts(
            run.as_of, reference, [supplier_id], accumulators, priced, query.as_date, fakes
        )[supplier_id]
        name_lines((facts,), refs)
        raw = raw_measures(
            facts.evidence,
            grace_days=run.settings.grace_days,
            home_currency=run.settings.home_currency,
            clearance_target_days=run.settings.clearance_target_days,
        )
        score = evaluate(facts, raw, run.priors, run.settings, run.as_of)
        run.scores[supplier_id] = score
        return score


# sys.getrefcount of an object only a local variable holds: the variable and the call's argument.
_ONLY_HERE = 2


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector off while a full run builds its objects.

    A run allocates a few hundred thousand small objects (group rows, quotes,
    scores), none of them in a cycle. Each allocation burst set off collections
    that walked the whole growing heap again: about 2.5 s of a 5 s run on
    10,000 suppliers. Reference counting still frees everything as usual; any
    cycle is left to the next collection after the run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                # The run's survivors (hundreds of thousands of objects, most of
                # them kept in last_run) are handed straight to the oldest
                # generation: freeze() then unfreeze() moves every tracked
                # object there. Otherwise the first allocation after enable()
                # sets off a young collection that walks all of them (0.1 to
                # 0.2 s); the next full collection still examines them as usual.
                # Skipped if anyone froze objects on purpose (unfreeze would
                # release theirs too).
                gc.freeze()
                gc.unfreeze()
            gc.enable()
