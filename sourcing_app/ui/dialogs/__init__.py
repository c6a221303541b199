"""Dialogs from the menus: edit forms, import, export, rates, reports, database problems."""
