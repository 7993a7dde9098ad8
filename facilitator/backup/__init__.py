"""Backups: one archive file of the database and the instance folder (`archive.py`), and `flask backup` (`commands.py`)."""
