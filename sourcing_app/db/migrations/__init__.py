"""Alembic: the environment that moves a database from one release's schema to the next."""
