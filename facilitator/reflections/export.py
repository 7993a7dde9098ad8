"""CSV export of released answers, safe to open in a spreadsheet.

One row per answer (a long, tidy table). A spreadsheet runs a cell that starts with = + - @ (or a
tab or carriage return) as a formula, and a formula can start programs or leak data; such cells
are written with a leading apostrophe, which every spreadsheet shows as plain text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from .models import ReflectionAnswer, ReflectionForm

HEADER = ("question_number", "question_key", "question", "answer", "person")
# Full-width look-alikes too: some spreadsheets normalise them into the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def inert(cell: object) -> str:
    """A cell value no spreadsheet will evaluate."""
    text = "" if cell is None else str(cell)
    if _visible_start(text).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _visible_start(text: str) -> str:
    """The text from its first visible character: spreadsheets may drop a leading byte-order mark,
    zero-width or bidirectional-control character (Unicode category Cf) or space, so "\u202e=1" can
    still run as =1. Tab, CR and LF are formula starts themselves and are kept."""
    start = 0
    while start < len(text) and text[start] not in "\t\r\n" and (
        unicodedata.category(text[start]) == "Cf" or text[start].isspace()
    ):
        start += 1
    return text[start:]


def answer_rows(form: ReflectionForm) -> Iterable[tuple]:
    """Released answers, question by question, in random order. Linked answers share a short
    person label (P1, P2, ...) in that column; unlinked answers leave it empty."""
    labels: dict[str, str] = {}
    for number, question in enumerate(form.questions, start=1):
        rows = db.session.execute(
            select(ReflectionAnswer.response_id, ReflectionAnswer.number, ReflectionAnswer.text)
            .where(ReflectionAnswer.question_id == question.id, ReflectionAnswer.released.is_(True))
            .order_by(ReflectionAnswer.id)
        )
        for response_id, value, text in rows:
            person = ""
            if response_id:
                person = labels.setdefault(response_id, f"P{len(labels) + 1}")
            answer = value if value is not None else text.replace("\n", "; ") if question.type == "multi" else text
            yield number, question.key, question.prompt, answer, person


def csv_text(form: ReflectionForm, k: int) -> str:
    """The export, with questions under k released answers left out entirely."""
    counts: dict[int, int] = {}
    rows = list(answer_rows(form))
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so Excel reads the file as UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        if counts[row[0]] >= k:
            writer.writerow([inert(cell) for cell in row])
    return buffer.getvalue()
