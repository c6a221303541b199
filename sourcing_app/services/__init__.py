"""Use cases over the database, shared by the desktop and the command line.

Scoring, imports and exports, rates, planning, editing, the demo portfolio.
"""
