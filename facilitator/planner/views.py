"""The planner blueprint with all its views: sessions, the agenda, programmes and plan files."""

from . import (  # noqa: F401  (each adds its routes)
    views_agenda, views_files, views_plan_actions, views_programmes, views_sessions, views_sharing,
)
from .blueprint import blueprint

__all__ = ["blueprint"]
