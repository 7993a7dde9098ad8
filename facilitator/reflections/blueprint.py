"""The facilitator's reflections blueprint and the lookups its views share: the owner's rows, and forms
of sessions shared with the facilitator as co-facilitator (access.role_of)."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..access import COFACILITATOR, Need, access_or_404
from ..models import Share
from ..extensions import db
from ..planner.models import GroupSession
from .models import ReflectionForm, ReflectionQuestion

blueprint = Blueprint("reflections", __name__, url_prefix="/reflections")


@blueprint.before_request
@login_required
def require_login():
    return None


def own_form(form_id: int, need: Need) -> ReflectionForm:
    """A form the signed-in facilitator made, or one on a session they co-facilitate (need "own" to delete)."""
    return access_or_404(ReflectionForm, form_id, current_user.id, need)


def own_question(form: ReflectionForm, question_id: int) -> ReflectionQuestion:
    question = next((q for q in form.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def own_sessions() -> list[GroupSession]:
    """The sessions the facilitator may attach a form to (their own and those they co-facilitate), newest first."""
    cofacilitated = select(Share.session_id, Share.programme_id).where(
        Share.user_id == current_user.id, Share.role == COFACILITATOR
    ).subquery()
    return list(
        db.session.scalars(
            select(GroupSession)
            .where(
                or_(
                    GroupSession.owner_id == current_user.id,
                    GroupSession.id.in_(select(cofacilitated.c.session_id)),
                    GroupSession.programme_id.in_(select(cofacilitated.c.programme_id)),
                ),
                GroupSession.archived.is_(False),
            )
            .order_by(GroupSession.date.desc().nulls_last(), GroupSession.id.desc())
        )
    )


def own_session_or_none(session_id: int | None) -> GroupSession | None:
    """A session id from a form, checked to be one the facilitator may edit (404 for anyone else's)."""
    if session_id is None:
        return None
    return access_or_404(GroupSession, session_id, current_user.id, "edit")
