"""Tables shared by every feature: facilitator accounts and the exercises they plan with.

Feature tables live beside their feature (planner/models.py, reflections/models.py).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .clock import utcnow
from .extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    practice_name: Mapped[str] = mapped_column(String(120), default="")
    paper_size: Mapped[str] = mapped_column(String(10), default="A4")
    # Bumped on password change: it is part of the login cookie, so old cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    # Set when an admin gave a temporary password: the next sign-in leads to choosing a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    exercises: Mapped[list[Exercise]] = relationship(back_populates="owner", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def name(self) -> str:
        return self.display_name or self.username


class Exercise(db.Model):
    """A shipped exercise mirrored from session_plans/ (owner_id is None) or a facilitator's own."""

    __tablename__ = "exercises"
    __table_args__ = (UniqueConstraint("owner_id", "slug", name="uq_exercises_owner_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100), index=True)
    forked_from: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(40), index=True)
    summary: Mapped[str] = mapped_column(String(400), default="")
    minutes: Mapped[int]
    min_minutes: Mapped[int]
    max_minutes: Mapped[int]
    format: Mapped[str] = mapped_column(String(20))
    group_min: Mapped[int]
    group_max: Mapped[int]
    intensity: Mapped[str] = mapped_column(String(10))
    stage: Mapped[str] = mapped_column(String(10))
    grounding: Mapped[bool] = mapped_column(default=False)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    materials: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(400), default="")
    licence: Mapped[str] = mapped_column(String(400), default="")
    worksheet: Mapped[bool] = mapped_column(default=False)
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The Markdown file as written; the sections above are parsed from it.
    text: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # A shipped file that was removed: hidden from the library, kept for the sessions using it.
    hidden: Mapped[bool] = mapped_column(default=False)
    # An own exercise the author offers to the whole practice (read and fork); private otherwise.
    shared: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User | None] = relationship(back_populates="exercises")

    @property
    def is_custom(self) -> bool:
        return self.owner_id is not None


class Share(db.Model):
    """A session or a programme (never both) shared with a colleague as co-facilitator or viewer.

    The foreign keys cascade, so deleting the plan deletes its shares and a reused id grants nothing.
    """

    __tablename__ = "shares"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_shares_session_user"),
        UniqueConstraint("programme_id", "user_id", name="uq_shares_programme_user"),
        CheckConstraint("(session_id IS NULL) <> (programme_id IS NULL)", name="ck_shares_one_plan"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(14))  # cofacilitator | viewer
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class AccountLink(db.Model):
    """A one-time link an admin made: an invitation to create an account, or a password reset.

    Only a digest of the token is stored, so a copy of the database cannot be used to sign in.
    """

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))  # invite | reset
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)  # reset
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(120), default="")  # who an invitation is for, as the admin wrote it
    is_admin: Mapped[bool] = mapped_column(default=False)  # an invitation to an admin account
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])


class SupportLine(db.Model):
    """One support or crisis line of the practice, shown to participants and printed on every handout."""

    __tablename__ = "support_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(400), default="")
    checked: Mapped[date]  # the day someone last checked the line works
    source: Mapped[str] = mapped_column(String(300), default="")  # where the number was checked
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
