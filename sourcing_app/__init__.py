"""Sourcing desk: margin and supply-stability scoring for cross-border sourcing."""

__version__ = "0.1.0"
