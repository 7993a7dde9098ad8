"""The poster and the table card print a form's code in two groups of three, as the screen shows it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in
from tests.reflections_helpers import form_code, make_set_form
from tests.test_printing_engine import page_texts


@pytest.mark.pdf
@pytest.mark.parametrize("variant", ["poster", "card"])
def test_the_poster_and_card_print_the_code_grouped_as_the_screen_shows_it(app, client, user, synced, variant):
    form_id = make_set_form(app, user.id, "closing-weekly")
    code = form_code(app, form_id)
    grouped = f"{code[:3]} {code[3:]}"
    screen = sign_in(client, user).get(f"/reflections/{form_id}").text
    assert f">{grouped}<" in screen  # the form page's code, as the facilitator reads it out
    pdf = client.get(f"/reflections/{form_id}/poster.pdf", query_string={"variant": variant}).data
    text = " ".join(page_texts(pdf))
    printed = re.findall(r"Code\s+(\S+(?: \S+)?)", text)
    assert printed and all(found == grouped for found in printed), printed
    assert len(printed) == (2 if variant == "card" else 1)  # both faces of the folded card
