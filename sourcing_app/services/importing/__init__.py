"""Importing a buyer's file: reading it, checking its rows, writing them, all or nothing."""

from sourcing_app.services.importing.results import ImportFailure, ImportResult, Problem
from sourcing_app.services.importing.run import import_file
from sourcing_app.services.importing.standings import StandingNotice, Standings

__all__ = [
    "ImportFailure",
    "ImportResult",
    "Problem",
    "StandingNotice",
    "Standings",
    "import_file",
]
