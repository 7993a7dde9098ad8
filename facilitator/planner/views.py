"""The planner blueprint with all its views: sessions, the agenda, programmes and plan files."""

from . import views_agenda, views_files, views_programmes, views_sessions, views_sharing  # noqa: F401  (they add their routes)
from .blueprint import blueprint

__all__ = ["blueprint"]
