"""The Purchases screen: purchase lines a page at a time, their deliveries, the line forms."""
