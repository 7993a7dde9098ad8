"""The wall's moderation: typed answers reach the projector only after the facilitator reads them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select, update

from ..extensions import db
from .models import TEXT_TYPES, ReflectionAnswer, ReflectionForm


@dataclass(frozen=True)
class HeldAnswer:
    id: str
    text: str
    approved: bool


def moderation_queue(form: ReflectionForm, k: int) -> list[tuple[object, list[HeldAnswer]]]:
    """Each typed question with its released answers (random order), approved or not yet; none under k."""
    queue = []
    for question in form.questions:
        if question.type not in TEXT_TYPES:
            continue
        rows = db.session.execute(
            select(ReflectionAnswer.id, ReflectionAnswer.text, ReflectionAnswer.approved)
            .where(ReflectionAnswer.question_id == question.id, ReflectionAnswer.released.is_(True))
            .order_by(ReflectionAnswer.id)
        )
        held = [HeldAnswer(*row) for row in rows]
        queue.append((question, held if len(held) >= k else []))
    return queue


def set_approved(form: ReflectionForm, reviewed: Iterable[str], approved: Iterable[str]) -> int:
    """Of the answers the facilitator reviewed, show the approved ones on the wall and hide the rest."""
    reviewed, approved = set(reviewed), set(approved)
    approved &= reviewed
    changed = 0
    for ids, value in ((approved, True), (reviewed - approved, False)):
        if ids:
            changed += db.session.execute(
                update(ReflectionAnswer)
                .where(ReflectionAnswer.form_id == form.id, ReflectionAnswer.released.is_(True),
                       ReflectionAnswer.id.in_(sorted(ids)))
                .values(approved=value)
            ).rowcount  # fmt: skip
    db.session.commit()
    return changed
