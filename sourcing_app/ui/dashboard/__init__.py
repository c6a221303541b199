"""The Dashboard screen: risk matrix, standings, vertical share, brands at risk, open flags."""
