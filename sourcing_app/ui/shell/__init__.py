"""The window around the screens: main window, workspace, background jobs, menus, undo."""
