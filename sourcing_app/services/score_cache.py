"""The last scoring run, kept on disk so the next start shows data at once.

docs/performance.md (cold start): scoring even a small portfolio takes longer
than the rest of the start-up, so the window shows the scores of the last
session, says so, and re-scores behind them. Pure Python (no Qt): the worker
that scored writes the file. A file that cannot be read is ignored, never an
error: the scores are worked out again anyway.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcing_app.atomic import atomic_file
from sourcing_app.domain.evaluation_types import SupplierScore, summarised
from sourcing_app.errors import CannotFinish

FORMAT = 2
# Above this many suppliers only each score's summary is kept (`summarised`): the
# whole run of 100k suppliers would take longer to read back than to show.
FULL_UP_TO = 20_000


@dataclass(frozen=True)
class CachedScores:
    as_of: dt.date
    saved_at: dt.datetime
    scores: list[SupplierScore]
    complete: bool  # False: the scores are summaries


class ScoreCache:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_database(cls, folder: Path, database_url: str) -> ScoreCache:
        key = hashlib.sha1(database_url.encode("utf-8")).hexdigest()[:16]
        return cls(folder / f"scores-{key}.pickle")

    def save(self, as_of: dt.date, scores: list[SupplierScore]) -> None:
        complete = len(scores) <= FULL_UP_TO
        kept = scores if complete else [summarised(s) for s in scores]
        record: dict[str, Any] = {
            "format": FORMAT,
            "as_of": as_of,
            "saved_at": dt.datetime.now(),
            "complete": complete,
            "scores": kept,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Never a half-written cache; not synced to the disk, since a cache lost
            # in a power cut only costs the next start a scoring run.
            with atomic_file(self.path, durable=False) as partial:
                partial.write_bytes(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, CannotFinish):
            pass  # a cache that cannot be written only costs the next start a little time

    def load(self) -> CachedScores | None:
        try:
            record = pickle.loads(self.path.read_bytes())  # our own file in the user's cache
            if record.get("format") != FORMAT:
                return None
            return CachedScores(
                record["as_of"], record["saved_at"], list(record["scores"]), record["complete"]
            )
        except Exception:  # missing, damaged or from another version: score afresh
            return None
