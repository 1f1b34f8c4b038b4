"""The PySide6 app: windows, views, Qt models, the sync status bridge, and the `tutordesk` command line."""
