"""A full run scored in a child process (services.scoring.process), on a real SQLite file.

The desktop scores a big portfolio this way so that the run shares no GIL with
the window (docs/performance.md). What comes back must be the very run the same
process would have made, summarised; the service must be able to re-score one
supplier from it afterwards; failures and cancelling must leave a clear message.
"""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sourcing_app.db.migrate import prepare_database
from sourcing_app.domain.evaluation_types import MarginSummary, summarised
from sourcing_app.errors import Cancelled, CannotFinish
from sourcing_app.services.brand_overview import brand_margins
from sourcing_app.services.demo import build_demo
from sourcing_app.services.score_cache import ScoreCache
from sourcing_app.services.scoring import ScoringService
from sourcing_app.services.scoring import process as scoring_process

AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("process") / "demo.sqlite"
    engine = prepare_database(f"sqlite:///{path}")
    build_demo(engine, suppliers=60, lines=3_000, as_of=AS_OF)
    yield engine
    engine.dispose()


def no_progress(_done: int, _total: int, _words: str) -> None:
    pass


def test_the_child_process_gives_the_summaries_of_the_same_run(
    demo_engine: Engine, tmp_path: Path
) -> None:
    here = ScoringService(demo_engine).score_all(AS_OF)
    service = ScoringService(demo_engine)
    heard: list[str] = []
    there = scoring_process.score_elsewhere(
        service,
        AS_OF,
        lambda _d, _t, words: heard.append(words),
        cache_path=tmp_path / "cache.pickle",
    )

    assert len(there) == len(here) == 60
    assert [s.supplier_code for s in there] == [s.supplier_code for s in here]
    assert there == [summarised(s) for s in here]
    assert "Scoring the suppliers…" in heard  # the child's own progress came through
    # A summary keeps what tables, brands and planning read, and says it is one.
    sample = next(s for s in there if s.sku_margins)
    full = next(s for s in here if s.supplier_id == sample.supplier_id)
    assert sample.summary and not full.summary
    assert set(sample.sub_scores) == {"fill", "clearance"}  # what the table and planning read
    assert sample.sub_scores["fill"].value == full.sub_scores["fill"].value
    assert all(isinstance(m, MarginSummary) for m in sample.sku_margins)
    skus = {m.sku for m in sample.sku_margins}
    assert brand_margins(sample, skus) == brand_margins(full, skus)
    # The child saved the score cache, which the next start shows at once.
    cached = ScoreCache(tmp_path / "cache.pickle").load()
    assert cached is not None and cached.as_of == AS_OF and len(cached.scores) == 60


def test_one_supplier_is_rescored_in_full_from_the_adopted_run(demo_engine: Engine) -> None:
    service = ScoringService(demo_engine)
    scores = scoring_process.score_elsewhere(service, AS_OF, no_progress)
    sample = next(s for s in scores if s.sku_margins and s.due_lines)

    again = service.rescore_supplier(sample.supplier_id)

    reference = ScoringService(demo_engine)
    full = next(s for s in reference.score_all(AS_OF) if s.supplier_id == sample.supplier_id)
    assert not again.summary
    assert set(again.sub_scores) == set(full.sub_scores)
    assert again.sourcing_score == pytest.approx(full.sourcing_score, abs=1e-9)
    assert [w.landed for w in again.sku_margins] == [w.landed for w in full.sku_margins]  # type: ignore[attr-defined]


def test_a_database_the_child_cannot_read_ends_in_a_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    path = tmp_path / "empty.sqlite"
    engine = prepare_database(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE purchase_line"))
    with pytest.raises(CannotFinish) as caught:
        scoring_process.score_elsewhere(ScoringService(engine), AS_OF, no_progress)
    assert str(caught.value).startswith("Scoring failed: ")
    assert "Traceback" not in str(caught.value)
    engine.dispose()


def test_cancelling_stops_the_child_and_keeps_the_last_run(demo_engine: Engine) -> None:
    service = ScoringService(demo_engine)
    service.score_all(AS_OF)
    kept = service.last_run

    def cancel_at_once(_done: int, _total: int, _words: str) -> None:
        raise Cancelled("Cancelled; nothing was changed.")

    with pytest.raises(Cancelled):
        scoring_process.score_elsewhere(service, AS_OF, cancel_at_once)
    assert service.last_run is kept


def test_a_child_that_dies_is_reported_in_words(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken interpreter path stands for a child killed or crashed mid-run.
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(CannotFinish, match="Scoring stopped unexpectedly"):
        scoring_process.score_elsewhere(ScoringService(demo_engine), AS_OF, no_progress)


def test_a_summary_pickles_to_a_fraction_of_the_full_score(demo_engine: Engine) -> None:
    scores = ScoringService(demo_engine).score_all(AS_OF)
    full = len(pickle.dumps(scores))
    summaries = len(pickle.dumps([summarised(s) for s in scores]))
    assert summaries < full / 2
    assert summarised(summarised(scores[0])) == summarised(scores[0])
    assert all(isinstance(m.margin, Decimal) for s in scores for m in summarised(s).sku_margins)  # type: ignore[attr-defined]
