"""Use cases over the database, shared by the desktop and the command line: scoring, imports and exports, rates, planning, editing."""
