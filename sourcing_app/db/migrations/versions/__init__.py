"""One Alembic revision per schema change, oldest first; each upgrades a database with data."""
