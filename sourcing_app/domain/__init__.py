"""Pure Python: channel rules, landed cost, scoring, flags, planning, formatting.

No Qt, no SQL, no network.
"""
