"""The planner blueprint and the lookups every planner view shares: the owner's rows, and those shared with them."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from sqlalchemy.orm import selectinload

from ..access import Need, access_or_404, role_of
from ..extensions import db
from ..models import User
from .models import AgendaItem, GroupSession, Programme

blueprint = Blueprint("planner", __name__)


@blueprint.before_request
@login_required
def require_login():
    return None


def own_session(session_id: int, need: Need) -> GroupSession:
    """A session the signed-in facilitator may `need` (view, edit, own), with its agenda and exercises
    loaded in three queries, not forty; 404 when it is not theirs nor shared with them, 403 when the
    share does not allow `need`."""
    options = [selectinload(GroupSession.items).joinedload(AgendaItem.exercise)]
    return access_or_404(GroupSession, session_id, current_user.id, need, options=options)


def own_item(session: GroupSession, item_id: int) -> AgendaItem:
    item = next((i for i in session.items if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


def own_programme(programme_id: int, need: Need) -> Programme:
    return access_or_404(Programme, programme_id, current_user.id, need)


def plan_access(row: GroupSession | Programme) -> dict:
    """What the signed-in facilitator may do with a plan, for templates to show only the buttons that work."""
    role = role_of(row, current_user.id)
    owner = current_user if role == "owner" else db.session.get(User, row.owner_id)
    return {
        "role": role, "can_edit": role in ("owner", "cofacilitator"), "is_owner": role == "owner",
        "owner_name": owner.name if owner else "A colleague",
    }  # fmt: skip


def own_week(programme: Programme, session_id: int) -> GroupSession:
    week = next((w for w in programme.sessions if w.id == session_id), None)
    if week is None:
        abort(404)
    return week


def wants_fragment() -> bool:
    """planner.js asks for just the agenda back, to swap it in place without a page load."""
    return request.headers.get("X-Requested-With") == "planner"
