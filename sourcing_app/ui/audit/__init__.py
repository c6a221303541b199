"""The Audit trail screen: every change, who, when, old and new values."""
