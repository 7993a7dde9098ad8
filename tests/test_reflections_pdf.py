"""The results PDF, rendered for real through handouts.render_pdf."""

from __future__ import annotations

import io
import subprocess

import pytest
from pypdf import PdfReader

from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids

pytestmark = pytest.mark.pdf


def test_results_pdf_prints_what_the_page_shows_and_nothing_under_k(app, signed_in, client, user, tmp_path):
    form_id = make_form(app, user.id, kinds=ALL_KINDS, title="Week 4 check-out")
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for n, value in enumerate((2, 4, 4)):
        sent = {ids["scale5"]: str(value), ids["single"]: "Talking", ids["word"]: "steady", ids["long"]: f"long thought {n}"}
        if n < 2:
            sent[ids["short"]] = f"short note {n}"  # two answers only: under k
        answer(client, code, sent)
    response = signed_in.get(f"/reflections/{form_id}/results.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert reader.metadata.title == "Results: Week 4 check-out"
    assert "Week 4 check-out" in text and "How settled do you feel?" in text
    for n in range(3):
        assert f"long thought {n}" in text
    assert "short note" not in text and "Nothing is shown for this question until at least 3" in " ".join(text.split())
    assert "Median 4" in text
    path = tmp_path / "results.pdf"
    path.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True)
    assert next(tmp_path.glob("page*.png")).stat().st_size > 2000  # a rendered page, charts and all


def test_large_print_results_pdf_is_longer(app, signed_in, client, user):
    form_id = make_form(app, user.id, kinds=ALL_KINDS[:2])
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for value in (1, 2, 3):
        answer(client, code, {ids["scale5"]: str(value), ids["scale10"]: str(value)})
    regular = PdfReader(io.BytesIO(signed_in.get(f"/reflections/{form_id}/results.pdf").data))
    large = PdfReader(io.BytesIO(signed_in.get(f"/reflections/{form_id}/results.pdf?large=1").data))
    assert len(large.pages) > len(regular.pages)
