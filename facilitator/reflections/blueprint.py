"""The facilitator's reflections blueprint and the lookups its views share: always the owner's rows."""

from __future__ import annotations

from flask import Blueprint, abort
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
