"""What other features may ask of reflections about one planned session: its forms and its poster.

The planner's session page and the print packs call these named functions; nothing is found
through a string-keyed hook or a template side effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..clock import utcnow
from .addresses import participant_url, reachable_only_here
from .models import ReflectionForm
from .service import forms_for_session


@dataclass(frozen=True)
class SessionPoster:
    """The form a session's printed poster leads to."""

    url: str
    code: str


@dataclass(frozen=True)
class SessionReflections:
    """A session's reflection forms as its planner page shows them."""

    forms: list[ReflectionForm]
    now: datetime
    poster: ReflectionForm | None

    def made_from(self, question_set: str) -> ReflectionForm | None:
        """The newest form made from a shipped question set, so the page offers to open it
        instead of making a second one with the same title and a new code."""
        return next((form for form in reversed(self.forms) if question_set and form.question_set == question_set), None)


def poster_form(forms: list[ReflectionForm], now: datetime) -> ReflectionForm | None:
    """Which form a session's poster shows: the open one, else the newest (forms oldest first)."""
    if not forms:
        return None
    return next((form for form in forms if form.status(now) == "open"), forms[-1])


def session_reflections(session_id: int) -> SessionReflections:
    forms = forms_for_session(session_id)
    now = utcnow()
    return SessionReflections(forms=forms, now=now, poster=poster_form(forms, now))


def session_poster(session_id: int) -> SessionPoster | None:
    """The address and code a session's print pack puts on its poster page, if it has a form."""
    form = poster_form(forms_for_session(session_id), utcnow())
    return SessionPoster(participant_url(form.code), form.code) if form else None


__all__ = ["SessionPoster", "SessionReflections", "poster_form", "reachable_only_here", "session_poster", "session_reflections"]
