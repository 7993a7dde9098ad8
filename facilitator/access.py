"""Ownership checks shared by every feature: another facilitator's things are simply not found."""

from __future__ import annotations

from typing import TypeVar

from flask import abort

from .extensions import db

T = TypeVar("T")


def owned_or_404(model: type[T], object_id: int, owner_id: int) -> T:
    """The row when `owner_id` owns it; 404 otherwise, so ids of others reveal nothing (not even 403)."""
    row = db.session.get(model, object_id)
    if row is None or getattr(row, "owner_id") != owner_id:
        abort(404)
    return row
