"""Who may open what: owners, and colleagues a session or programme was shared with.

Every feature looks rows up through access_or_404 (or owned_or_404 for things that are never
shared). Someone with no part in a row gets 404, so ids reveal nothing; someone who can see a
row but asks for more than their role allows gets 403. The check reads the shares table on every
request, so a revoked share stops working on the next one.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from flask import abort
from sqlalchemy import or_, select

from .extensions import db
from .models import Share

T = TypeVar("T")
Need = Literal["view", "edit", "own"]

OWNER = "owner"
COFACILITATOR = "cofacilitator"
VIEWER = "viewer"
ROLES = (COFACILITATOR, VIEWER)
ROLE_LABELS = {OWNER: "Owner", COFACILITATOR: "Co-facilitator", VIEWER: "Viewer"}
# What each role may do: view (read and print), edit (the plan, its forms and results), own (delete, share).
_ALLOWED: dict[str, set[str]] = {OWNER: {"view", "edit", "own"}, COFACILITATOR: {"view", "edit"}, VIEWER: {"view"}}


def owned_or_404(model: type[T], object_id: int, owner_id: int) -> T:
    """The row when `owner_id` owns it; 404 otherwise, so ids of others reveal nothing (not even 403)."""
    row = db.session.get(model, object_id)
    if row is None or getattr(row, "owner_id") != owner_id:
        abort(404)
    return row


def shared_role(user_id: int, *, session_id: int | None = None, programme_id: int | None = None) -> str | None:
    """The strongest role a share gives `user_id` on a session (directly or through its programme) or a programme."""
    conditions = []
    if session_id is not None:
        conditions.append(Share.session_id == session_id)
    if programme_id is not None:
        conditions.append(Share.programme_id == programme_id)
    if not conditions:
        return None
    roles = set(db.session.scalars(select(Share.role).where(Share.user_id == user_id, or_(*conditions))))
    return COFACILITATOR if COFACILITATOR in roles else (VIEWER if VIEWER in roles else None)


def role_of(row: object, user_id: int) -> str | None:
    """owner, cofacilitator, viewer, or None when the user has no part in the row.

    Sessions and programmes are shared directly (a programme's share covers its weeks). A
    reflection form is reached through its session: whoever may edit the session may run its form;
    a viewer reads and prints the plan but does not see what participants wrote.
    """
    if getattr(row, "owner_id", None) == user_id:
        return OWNER
    table = getattr(row, "__tablename__", "")
    if table == "group_sessions":
        return shared_role(user_id, session_id=row.id, programme_id=row.programme_id)  # type: ignore[attr-defined]
    if table == "programmes":
        return shared_role(user_id, programme_id=row.id)  # type: ignore[attr-defined]
    if table == "reflection_forms" and row.session is not None:  # type: ignore[attr-defined]
        return COFACILITATOR if role_of(row.session, user_id) in (OWNER, COFACILITATOR) else None  # type: ignore[attr-defined]
    return None


def allows(role: str | None, need: Need) -> bool:
    return role is not None and need in _ALLOWED[role]


def check_access(row: T | None, user_id: int, need: Need = "view") -> T:
    """The row itself when `user_id` may do `need` with it; 404 when they have no part in it, else 403."""
    if row is None:
        abort(404)
    role = role_of(row, user_id)
    if role is None:
        abort(404)
    if not allows(role, need):
        abort(403)
    return row


def access_or_404(model: type[T], object_id: int, user_id: int, need: Need = "view", **get_options: object) -> T:
    """Look a row up by id and check that `user_id` may do `need` with it (see check_access)."""
    return check_access(db.session.get(model, object_id, **get_options), user_id, need)
