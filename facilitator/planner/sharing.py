"""Sharing a session or a programme with a colleague in the same installation.

A co-facilitator edits the plan, prints it and runs its reflection forms; a viewer reads and
prints it. Only the owner shares, changes a role or stops sharing (the views check that with
access_or_404(..., "own")). Who may open what is decided in facilitator/access.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..access import COFACILITATOR, ROLES, VIEWER
from ..extensions import db
from ..models import Share, User
from .models import GroupSession, Programme

Plan = GroupSession | Programme
ROLE_CHOICES = [
    SelectChoice(COFACILITATOR, "Co-facilitator: edit, print, run its reflection forms"),
    SelectChoice(VIEWER, "Viewer: read and print"),
]


class ShareError(ValueError):
    """A share that cannot be made; the message is for the person sharing."""


def _plan_filter(plan: Plan):  # noqa: ANN202
    return Share.session_id == plan.id if isinstance(plan, GroupSession) else Share.programme_id == plan.id


def shares_of(plan: Plan) -> list[Share]:
    """Who a plan is shared with, by username."""
    query = select(Share).join(User, Share.user_id == User.id).where(_plan_filter(plan)).order_by(func.lower(User.username))
    return list(db.session.scalars(query))


def _colleague(username: str) -> User | None:
    """An active account by username (any case); disabled and unknown ones are the same to the person sharing."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    return user if user is not None and not user.is_disabled else None


def share_plan(plan: Plan, username: str, role: str) -> Share:
    """Share `plan` with the colleague called `username` as `role`, or change their role if already shared."""
    if role not in ROLES:
        raise ShareError("Choose co-facilitator or viewer.")
    colleague = _colleague(username)
    if colleague is None:
        raise ShareError(
            f"No active colleague signs in as {username.strip()!r} here. Check the spelling, or ask your admin to add or invite them."
        )
    if colleague.id == plan.owner_id:
        raise ShareError("This is already yours: share it with a colleague.")
    share = db.session.scalar(select(Share).where(_plan_filter(plan), Share.user_id == colleague.id))
    if share is None:
        share = Share(user_id=colleague.id, role=role)
        if isinstance(plan, GroupSession):
            share.session_id = plan.id
        else:
            share.programme_id = plan.id
        db.session.add(share)
    share.role = role
    db.session.commit()
    return share


def stop_sharing(plan: Plan, username: str) -> bool:
    """Stop sharing `plan` with `username`; their next request no longer finds it. False if it was not shared."""
    share = db.session.scalar(
        select(Share).join(User, Share.user_id == User.id).where(
            _plan_filter(plan), func.lower(User.username) == username.strip().lower()
        )
    )
    if share is None:
        return False
    db.session.delete(share)
    db.session.commit()
    return True


@dataclass(frozen=True)
class SharedWithMe:
    """Plans colleagues shared with one facilitator, each with the role it was shared with."""

    sessions: list[tuple[GroupSession, str]]
    programmes: list[tuple[Programme, str]]
    owner_names: dict[int, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.programmes)


def shared_with(user_id: int) -> SharedWithMe:
    """Sessions and programmes shared with `user_id` that their owner has not archived.

    A programme is listed once (its weeks are reached through it); a session shared on its own is
    listed as a session.
    """
    sessions = db.session.execute(
        select(GroupSession, Share.role)
        .join(Share, Share.session_id == GroupSession.id)
        .where(Share.user_id == user_id, GroupSession.archived.is_(False))
        .order_by(GroupSession.date.is_(None), GroupSession.date, GroupSession.title)
    ).all()
    programmes = db.session.execute(
        select(Programme, Share.role)
        .join(Share, Share.programme_id == Programme.id)
        .where(Share.user_id == user_id, Programme.archived.is_(False))
        .order_by(Programme.title)
    ).all()
    owner_ids = {plan.owner_id for plan, _ in [*sessions, *programmes]}
    owners = db.session.scalars(select(User).where(User.id.in_(owner_ids))) if owner_ids else []
    return SharedWithMe(
        sessions=[tuple(row) for row in sessions], programmes=[tuple(row) for row in programmes],
        owner_names={owner.id: owner.name for owner in owners},
    )  # fmt: skip
