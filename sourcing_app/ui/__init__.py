"""The desktop, Qt only: a folder per sidebar screen, the shell, dialogs, shared widgets."""
