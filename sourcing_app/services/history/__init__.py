"""Score history that shares its reads: every month-end point from one pass over the lines.

docs/score-history.md. `cuts` turns the points into the date intervals the lines
are bucketed by, `aggregates` adds the lines, deliveries and returns up per
supplier and bucket in SQL, `sums` builds each point's sums from the buckets,
`margins` prices the quotes valid at each point, and `points` scores them with
the domain's own formulas.
"""
