"""The short codes participants type or scan: made, normalised and recognised in one place.

Both sides need them: the facilitator's service makes a code for a new form, the participant
views read what a phone typed.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from ..extensions import db
from .models import ReflectionForm

# Six characters people can read off a screen and type on a phone: no 0/O/D/Q, 1/I/L, 2/Z,
# 5/S, 6/G, 8/B or U/V pairs. 20 ** 6 is 64 million codes.
CODE_ALPHABET = "ACEFHJKMNPRTVWXY3479"
CODE_LENGTH = 6


def new_code() -> str:
    """A short code no other form uses (the unique index is the final guard)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(ReflectionForm.id).where(ReflectionForm.code == code)) is None:
            return code


def normalise_code(typed: str) -> str:
    """What a participant typed, as a code: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]+", "", typed or "").upper()[:20]


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)
