"""The exercise library: shipped files (`files.py`, `parse.py`, `shipped.py`), the facilitator's own
exercises (`service.py`), the library pages (`views.py`, `forms.py`) and `flask library` (`commands.py`)."""
