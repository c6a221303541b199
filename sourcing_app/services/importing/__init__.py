"""Importing a buyer's file: reading it, checking its rows, writing them, all or nothing."""

from sourcing_app.services.importing.results import ImportFailure, ImportResult, Problem
from sourcing_app.services.importing.run import import_file

__all__ = ["ImportFailure", "ImportResult", "Problem", "import_file"]
