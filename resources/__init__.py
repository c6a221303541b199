"""Icons, style sheet and demo data shipped with the app (read via importlib.resources)."""
