"""Dialogs opened from the menus: edit forms, import wizard, export, exchange rates, reports, database problems."""
