"""Scoring suppliers: SQL sums per supplier, quotes priced, formulas from the domain."""

from sourcing_app.services.scoring.service import ScoreRun, ScoringService, cycle_collector_paused

__all__ = ["ScoreRun", "ScoringService", "cycle_collector_paused"]
