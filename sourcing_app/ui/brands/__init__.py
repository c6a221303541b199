"""The Brands screen: each brand's channels, coverage, concentration and margin."""
