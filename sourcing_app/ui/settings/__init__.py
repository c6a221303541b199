"""The Settings screen: weights, bands, fees, limits, tax categories, home currency."""
