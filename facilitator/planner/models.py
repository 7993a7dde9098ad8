"""What facilitators plan: sessions, their agenda items, multi-week programmes, saved templates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..models import Exercise


class Programme(db.Model):
    """A multi-week group: an ordered set of sessions, one a week."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    audience: Mapped[str] = mapped_column(String(10), default="men")
    summary: Mapped[str] = mapped_column(Text, default="")
    group_size: Mapped[int | None]
    template_slug: Mapped[str] = mapped_column(String(100), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sessions: Mapped[list[GroupSession]] = relationship(
        back_populates="programme", order_by="GroupSession.week_number", cascade="all, delete-orphan"
    )


class GroupSession(db.Model):
    """One group meeting: its details and its agenda."""

    __tablename__ = "group_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    week_number: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")  # carried from a template; shown on the plan
    date: Mapped[date | None]
    start_time: Mapped[str] = mapped_column(String(5), default="19:00")  # "HH:MM", local to the room
    target_minutes: Mapped[int] = mapped_column(default=90)
    audience: Mapped[str] = mapped_column(String(10), default="men")  # men | couples | mixed
    group_size: Mapped[int | None]
    room_notes: Mapped[str] = mapped_column(Text, default="")
    reflection_opening: Mapped[str] = mapped_column(String(100), default="")  # question set slugs
    reflection_closing: Mapped[str] = mapped_column(String(100), default="")
    take_home: Mapped[str] = mapped_column(String(100), default="")  # handout slug
    partner_handouts: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Arc warnings the facilitator dismissed for this session, by warning key.
    dismissed_warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Warnings a shipped template accepts, with its reason: [{"rule": ..., "why": ...}].
    accepted_warnings: Mapped[list[dict]] = mapped_column(JSON, default=list)
    template_slug: Mapped[str] = mapped_column(String(100), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programme: Mapped[Programme | None] = relationship(back_populates="sessions")
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="session", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )


class AgendaItem(db.Model):
    """One line of an agenda: an exercise, a break or a free block."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))  # exercise | break | block
    exercise_id: Mapped[int | None] = mapped_column(ForeignKey("exercises.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(120), default="")  # for breaks and blocks
    minutes: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    pin: Mapped[str] = mapped_column(String(5), default="")  # "HH:MM" when pinned to a clock time

    session: Mapped[GroupSession] = relationship(back_populates="items")
    exercise: Mapped[Exercise | None] = relationship()


class SavedTemplate(db.Model):
    """A facilitator's own template ("save as my template"), kept as the same YAML as shipped ones."""

    __tablename__ = "saved_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))  # session | programme
    yaml_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RemovedAgendaItem(db.Model):
    """The item a facilitator removed last, so "Put it back" can undo it: kept here, not in the
    signed (readable) cookie, because a note can hold client details. It belongs to one sign-in
    (the user's session_version when it was removed) and is deleted when they sign out."""

    __tablename__ = "removed_agenda_items"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_sessions.id", ondelete="CASCADE"), index=True)
    session_version: Mapped[int]
    label: Mapped[str] = mapped_column(String(120), default="")
    item: Mapped[dict] = mapped_column(JSON)
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
