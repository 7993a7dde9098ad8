"""The facilitator's reflections blueprint and the lookups its views share: always the owner's rows."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import owned_or_404
from ..extensions import db
from ..planner.models import GroupSession
from .models import ReflectionForm, ReflectionQuestion

blueprint = Blueprint("reflections", __name__, url_prefix="/reflections")


@blueprint.before_request
@login_required
def require_login():
    return None


def own_form(form_id: int) -> ReflectionForm:
    return owned_or_404(ReflectionForm, form_id, current_user.id)


def own_question(form: ReflectionForm, question_id: int) -> ReflectionQuestion:
    question = next((q for q in form.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def own_sessions() -> list[GroupSession]:
    """The facilitator's sessions to attach a form to, newest first."""
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(GroupSession.owner_id == current_user.id, GroupSession.archived.is_(False))
            .order_by(GroupSession.date.desc().nulls_last(), GroupSession.id.desc())
        )
    )


def own_session_or_none(session_id: int | None) -> GroupSession | None:
    """A session id from a form, checked to be the facilitator's own (404 for anyone else's)."""
    if session_id is None:
        return None
    return owned_or_404(GroupSession, session_id, current_user.id)


def reachable_only_here(url: str) -> bool:
    """True for an address only this computer can open (a phone in the room cannot)."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def participant_url(form: ReflectionForm) -> str:
    """The address the QR code and the poster lead to: PUBLIC_BASE_URL, or this request's host."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for("reflections_public.form", code=form.code)
