"""The planner blueprint and the lookups every planner view shares: always the signed-in owner's rows."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from sqlalchemy.orm import selectinload

from ..access import owned_or_404
from ..extensions import db
from .models import AgendaItem, GroupSession, Programme

blueprint = Blueprint("planner", __name__)


@blueprint.before_request
@login_required
def require_login():
    return None


def own_session(session_id: int) -> GroupSession:
    """The signed-in facilitator's session with its agenda and exercises loaded in three queries, not forty."""
    session = db.session.get(
        GroupSession, session_id, options=[selectinload(GroupSession.items).joinedload(AgendaItem.exercise)]
    )
    if session is None or session.owner_id != current_user.id:
        abort(404)
    return session


def own_item(session: GroupSession, item_id: int) -> AgendaItem:
    item = next((i for i in session.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def own_programme(programme_id: int) -> Programme:
    return owned_or_404(Programme, programme_id, current_user.id)


def own_week(programme: Programme, session_id: int) -> GroupSession:
    week = next((w for w in programme.sessions if w.id == session_id), None)
    if week is None:
        abort(404)
    return week


def wants_fragment() -> bool:
    """planner.js asks for just the agenda back, to swap it in place without a page load."""
    return request.headers.get("X-Requested-With") == "planner"
