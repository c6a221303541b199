"""Pieces the screens share: checked form fields and the small record table model."""
