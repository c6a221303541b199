"""Hand edits of every entity: one service, a module per entity family, one version check."""

from sourcing_app.services.editing.outcomes import Conflict, Invalid, ReasonRequired, Saved
from sourcing_app.services.editing.service import EditingService

__all__ = ["Conflict", "EditingService", "Invalid", "ReasonRequired", "Saved"]
