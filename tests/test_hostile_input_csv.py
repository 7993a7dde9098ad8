"""Spreadsheet cells that hide a formula behind invisible or bidirectional characters: a byte-order
mark, a zero-width space or a right-to-left override before `=` used to get no apostrophe."""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest

from facilitator.reflections.export import inert

INVISIBLE = ["\ufeff", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u00ad", "\u061c", "\u180e"]
INVISIBLE += [chr(code) for code in range(0x202A, 0x202F)] + [chr(code) for code in range(0x2060, 0x206A) if unicodedata.category(chr(code)) == "Cf"]
SPACES = [" ", "\u00a0", "\u3000", "\u2007"]
FORMULAS = ["=HYPERLINK(\"https://evil.example\",\"click\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "＝1+1"]


@pytest.mark.parametrize("hidden", INVISIBLE + SPACES)
@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_behind_an_invisible_character_is_made_inert(hidden, formula):
    assert inert(hidden + formula).startswith("'")


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_behind_many_invisible_characters_and_spaces_is_made_inert(formula):
    assert inert(" \ufeff\u200b \u202e\u2066" + formula).startswith("'")


@pytest.mark.parametrize("text", ["\u200bhello", "\u202eolleh", "I felt -- tired", "5 = five", "", "\ufeff"])
def test_plain_text_keeps_exactly_what_was_typed(text):
    assert inert(text) == text


def test_a_csv_row_with_hidden_formulas_reads_back_as_text():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([inert(hidden + "=1+1") for hidden in INVISIBLE])
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert all(cell.startswith("'") for cell in cells)
    assert len(INVISIBLE) >= 20
