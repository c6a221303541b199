"""The portfolio's trend worked out in a child process is the one worked out here.

Big portfolios (20,000 suppliers and more) get their history in a child process
(services/trend_process.py), which sends it back in frames; nothing may be lost
or changed on the way.
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from sqlalchemy import Engine

from sourcing_app.errors import CannotFinish
from sourcing_app.services.demo import build_demo
from sourcing_app.services.trend import portfolio_trend
from sourcing_app.services.trend_process import trend_elsewhere

AS_OF = dt.date(2026, 11, 27)


def test_the_childs_trend_equals_the_one_worked_out_in_process(engine: Engine) -> None:
    build_demo(engine, suppliers=40, lines=3_000, as_of=AS_OF)
    there = trend_elsewhere(engine, AS_OF, 6, lambda *_progress: None)
    here = portfolio_trend(engine, AS_OF, 6)

    assert len(there.supplier_ids) == 40 and len(there.dates) == 7
    assert there.records == here.records
    assert list(there.supplier_ids) == list(here.supplier_ids)
    assert (there.dates, there.falling, there.rising) == (here.dates, here.falling, here.rising)


def test_a_child_that_dies_is_reported_in_words_with_its_exit_code(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken interpreter path stands for a child killed or crashed mid-run.
    monkeypatch.setattr(sys, "executable", "/bin/false")

    with pytest.raises(CannotFinish) as error:
        trend_elsewhere(engine, AS_OF, 6, lambda *_progress: None)

    assert str(error.value) == (
        "Working out the trend stopped unexpectedly (the process ended with 1)."
    )
