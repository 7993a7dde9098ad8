"""What an admin does for a colleague's account: invite them with a one-time link, reset a password.

An invitation reserves a username the admin chose, so the person invited only picks a name and a
password: trying usernames on the invitation page would otherwise tell which accounts exist. A
reset is either a one-time link or a temporary password that must be changed at the next sign-in.
Only a SHA-256 digest of each token is stored; a link works once and until it expires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import AccountLink, User
from . import service

INVITE_DAYS = 7
RESET_HOURS = 24
INVITE, RESET = "invite", "reset"
# No 0/O, 1/l/I: a temporary password is read out or copied from a screen.
_READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


class LinkError(ValueError):
    """A link that cannot be used; `status` is 404 for one that never existed, 410 for a spent one."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_link(purpose: str, lifetime: timedelta, now: datetime, **fields: object) -> tuple[AccountLink, str]:
    token = secrets.token_urlsafe(32)
    link = AccountLink(purpose=purpose, token_digest=_digest(token), expires_at=now + lifetime, created_at=now, **fields)
    db.session.add(link)
    return link, token


def invite(username: str, *, is_admin: bool, made_by_id: int, now: datetime) -> str:
    """A one-time link for a colleague to create the account `username`; returns the token (shown once)."""
    username = username.strip()
    if service.find_user(username) is not None or _pending_invite(username, now) is not None:
        raise service.AccountError(f"The username {username!r} is already taken or invited.", field="username")
    _, token = _new_link(INVITE, timedelta(days=INVITE_DAYS), now, note=username, is_admin=is_admin, made_by_id=made_by_id)
    db.session.commit()
    return token


def _pending_invite(username: str, now: datetime) -> AccountLink | None:
    return db.session.scalar(
        select(AccountLink).where(
            AccountLink.purpose == INVITE, AccountLink.used_at.is_(None), AccountLink.expires_at > now,
            db.func.lower(AccountLink.note) == username.lower(),
        )
    )  # fmt: skip


def pending_invites(now: datetime) -> list[AccountLink]:
    query = select(AccountLink).where(AccountLink.purpose == INVITE, AccountLink.used_at.is_(None), AccountLink.expires_at > now)
    return list(db.session.scalars(query.order_by(AccountLink.created_at)))


def withdraw_invite(link_id: int, now: datetime) -> AccountLink:
    """Make a pending invitation unusable at once."""
    link = db.session.get(AccountLink, link_id)
    if link is None or link.purpose != INVITE or link.used_at is not None:
        raise LookupError(link_id)
    link.expires_at = now
    db.session.commit()
    return link


def reset_link(username: str, *, made_by_id: int, now: datetime) -> str:
    """A one-time link for `username` to choose a new password; earlier unused reset links stop working."""
    user = _colleague(username)
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.purpose == RESET, AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
        .values(expires_at=now)
    )
    _, token = _new_link(RESET, timedelta(hours=RESET_HOURS), now, user_id=user.id, made_by_id=made_by_id)
    db.session.commit()
    return token


def temporary_password(username: str) -> str:
    """Give `username` a temporary password they must change at the next sign-in; signs them out everywhere."""
    user = _colleague(username)
    password = "-".join("".join(secrets.choice(_READABLE) for _ in range(4)) for _ in range(3))
    user.password_hash = service.hash_password(password)
    user.must_change_password = True
    user.session_version += 1  # whoever is signed in as them now is signed out
    db.session.commit()
    return password


def _colleague(username: str) -> User:
    user = service.find_user(username)
    if user is None:
        raise LookupError(username)
    return user


def usable_link(token: str, purpose: str, now: datetime) -> AccountLink:
    """The link a token names, if it can still be used; LinkError with a message for the person holding it."""
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_digest == _digest(token[:100])))
    if link is None or link.purpose != purpose:
        raise LinkError("This link is not valid. Check it was copied in full, or ask your admin for a new one.", 404)
    if link.used_at is not None:
        raise LinkError("This link has already been used. Sign in, or ask your admin for a new link.", 410)
    if link.expires_at <= now:
        raise LinkError("This link has expired. Ask your admin for a new one.", 410)
    return link


def _spend(link: AccountLink, now: datetime) -> None:
    """Mark a link used; a second request racing with this one finds it spent and stores nothing."""
    spent = db.session.execute(
        update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None)).values(used_at=now)
    )
    if spent.rowcount != 1:
        db.session.rollback()
        raise LinkError("This link has already been used. Sign in, or ask your admin for a new link.", 410)


def accept_invite(token: str, *, display_name: str, password: str, now: datetime) -> User:
    """Create the invited account; the link is spent in the same transaction."""
    link = usable_link(token, INVITE, now)
    if len(password) < service.MIN_PASSWORD_LENGTH:
        raise service.AccountError(f"Use a password of at least {service.MIN_PASSWORD_LENGTH} characters.", field="password")
    if service.find_user(link.note) is not None:
        raise LinkError("The username this link was for has since been taken. Ask your admin for a new link.", 410)
    _spend(link, now)
    user = User(username=link.note, display_name=display_name.strip(), password_hash=service.hash_password(password),
                is_admin=link.is_admin)  # fmt: skip
    db.session.add(user)
    db.session.commit()
    return user


def use_reset_link(token: str, *, password: str, now: datetime) -> User:
    """Set the new password chosen through a reset link, and sign out every browser signed in as them."""
    link = usable_link(token, RESET, now)
    if len(password) < service.MIN_PASSWORD_LENGTH:
        raise service.AccountError(f"Use a password of at least {service.MIN_PASSWORD_LENGTH} characters.", field="password")
    _spend(link, now)
    user = db.session.get(User, link.user_id)
    user.password_hash = service.hash_password(password)
    user.must_change_password = False
    user.session_version += 1
    db.session.commit()
    return user
