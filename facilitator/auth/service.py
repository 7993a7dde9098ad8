"""Facilitator accounts: creating them, checking passwords, loading them from the login cookie."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from ..extensions import db
from ..models import User

# argon2-cffi's defaults follow RFC 9106's second recommended option (t=3, m=64 MiB, p=4),
# above OWASP's current minimum for Argon2id.
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def any_user_exists() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def create_user(
    username: str, password: str, *, display_name: str = "", practice_name: str = "",
    is_admin: bool = False, paper_size: str = "A4",
) -> User:  # fmt: skip
    """Create an account; usernames are unique regardless of case."""
    username = username.strip()
    if find_user(username) is not None:
        raise AccountError(f"The username {username!r} is already taken.", field="username")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    user = User(
        username=username, display_name=display_name.strip(), practice_name=practice_name.strip(),
        password_hash=hash_password(password), is_admin=is_admin, paper_size=paper_size,
    )  # fmt: skip
    db.session.add(user)
    db.session.commit()
    return user


def create_first_user(username: str, password: str, **details: str) -> User:
    """The one-time setup: the first account is an admin, and only while no account exists."""
    if any_user_exists():
        raise AccountError("Setup is already done; sign in instead.")
    return create_user(username, password, is_admin=True, **details)


def authenticate(username: str, password: str) -> User | None:
    """The user whose password this is, or None; spends the same time whether or not they exist."""
    user = find_user(username)
    stored = user.password_hash if user else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.is_disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password and sign out every other browser (the cookie carries session_version)."""
    try:
        _hasher.verify(user.password_hash, current_password)
    except (VerificationError, InvalidHashError):
        raise AccountError("That is not your current password.", field="current_password") from None
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.", field="new_password")
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.must_change_password = False  # a temporary password an admin gave is now replaced
    db.session.commit()


def end_every_sign_in(user: User) -> None:
    """Sign out: every cookie naming the current session version, wherever it was copied, stops working."""
    user.session_version += 1
    db.session.commit()


def all_facilitators() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.username))))


def set_disabled(username: str, disabled: bool, *, acting_user_id: int) -> User:
    """Disable an account (or enable it again). Disabling signs it out of every browser at once."""
    user = find_user(username)
    if user is None:
        raise LookupError(username)
    if disabled and user.id == acting_user_id:
        raise AccountError("You cannot disable your own account; ask another admin.")
    if disabled and not user.is_disabled:
        user.session_version += 1  # old cookies stay dead even if the account is enabled again
    user.is_disabled = disabled
    db.session.commit()
    return user


def load_user_from_cookie_id(cookie_id: str) -> User | None:
    """Flask-Login's loader: the id and session version must both match."""
    user_id, _, version = cookie_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or user.is_disabled:
        return None
    return user


_DUMMY_HASH = _hasher.hash("not a real password, only used to spend the same time")
