"""The desktop, Qt only: one folder per screen of the sidebar, plus the shell around them, dialogs and shared widgets."""
