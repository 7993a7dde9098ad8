"""How printed pages look, read back from real PDFs: emoji in colour, no heading at the foot of a
page, no near-empty last page, a prompt kept with its writing box (issue 17 items 10 and 11)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from tests.reflections_helpers import ALL_KINDS, answer, form_code, make_form, question_ids

pytestmark = pytest.mark.pdf

EMOJI = "\N{SLIGHTLY SMILING FACE}\N{SUN WITH FACE}\N{SPARKLES}"


def word_boxes(pdf_path: Path, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points, from poppler's pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf_path), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout  # fmt: skip
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)
    return [(word, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, word in found]


def page_image(pdf_path: Path, page: int, dpi: int, out: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", str(pdf_path), str(out)],
                   check=True, timeout=60)  # fmt: skip
    return Image.open(f"{out}.png").convert("RGB")


def coloured_pixels(image: Image.Image) -> int:
    """Pixels that are clearly not grey: the print CSS itself uses only black and greys."""
    data = image.tobytes()
    return sum(1 for i in range(0, len(data), 3) if max(data[i:i + 3]) - min(data[i:i + 3]) > 60)


def test_emoji_in_an_answer_print_in_colour_in_the_results_pdf(app, signed_in, client, user, tmp_path):
    form_id = make_form(app, user.id, kinds=ALL_KINDS, title="Week 4 check-out")
    code, ids = form_code(app, form_id), question_ids(app, form_id)
    for n in range(3):  # three people, so the answers are shown (k = 3)
        answer(client, code, {ids["scale5"]: "4", ids["long"]: f"Feeling {EMOJI} tonight {n}"})
    response = signed_in.get(f"/reflections/{form_id}/results.pdf")
    assert response.status_code == 200
    path = tmp_path / "results.pdf"
    path.write_bytes(response.data)

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    fonts = fonts.replace("-", "").replace(" ", "")
    assert "NotoColorEmoji" in fonts  # embedded, found by fontconfig fallback
    assert "DejaVuSans" in fonts  # the text font is unchanged: the emoji font is not named in the CSS

    reader = PdfReader(io.BytesIO(response.data))
    page_number = next(n for n, page in enumerate(reader.pages, start=1) if "tonight 0" in page.extract_text())
    words = word_boxes(path, page_number)
    feeling = next(w for w in words if w[0] == "Feeling")
    tonight = next(w for w in words if w[0] == "tonight" and abs(w[2] - feeling[2]) < 3)
    dpi = 96
    scale = dpi / 72
    image = page_image(path, page_number, dpi, tmp_path / "page")
    # The emoji sit on the same line between "Feeling" and "tonight".
    area = image.crop((int(feeling[3] * scale), int(feeling[2] * scale), int(tonight[1] * scale), int(feeling[4] * scale)))
    assert area.width > 10 and coloured_pixels(area) > 20, "the emoji printed without colour (or as empty boxes)"
    # The digits of the same answer still print in DejaVu Sans, as text.
    assert "tonight 0" in reader.pages[page_number - 1].extract_text()


# --- no near-empty pages (item 10) -------------------------------------------------------------

TOP_MM, BOTTOM_MM = 24, 22  # print.css @page margins: the running header and footer sit outside


def page_fills(pdf: bytes, tmp_path: Path) -> list[float]:
    """Per page, the share of the text area (between header and footer) down to its lowest ink."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-gray", "-r", "36", str(path), str(tmp_path / "p")], check=True, timeout=120)
    fills = []
    for png in sorted(tmp_path.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])):
        image = Image.open(png).convert("L")
        per_mm = image.height / 297 if image.height / image.width > 1.35 else image.height / 279.4
        top, bottom = int(TOP_MM * per_mm) + 1, image.height - int(BOTTOM_MM * per_mm) - 1
        body = image.crop((0, top, image.width, bottom))
        inked = [y for y in range(body.height) if min(body.crop((0, y, body.width, y + 1)).tobytes()) < 200]
        fills.append((inked[-1] + 1) / body.height if inked else 0.0)
        png.unlink()
    return fills


@pytest.fixture
def library_context(app):
    from facilitator.extensions import db
    from facilitator.library import shipped

    with app.test_request_context():
        db.create_all()
        yield shipped.library()


@pytest.mark.parametrize("large", [False, True])
def test_the_love_map_worksheet_has_no_page_with_only_its_last_prompt(library_context, tmp_path, large):
    from facilitator.printing import documents
    from facilitator.printing.data import exercise_data

    pdf = documents.worksheet_pdf(exercise_data(library_context.exercises["updating-the-love-map"]),
                                  documents.print_options("A4", large))  # fmt: skip
    fills = page_fills(pdf, tmp_path)
    assert all(fill >= 0.2 for fill in fills), fills


@pytest.mark.parametrize(("week", "document"), [(2, "run-sheet"), (4, "run-sheet"), (2, "handout")])
def test_six_week_group_documents_have_no_nearly_empty_page(library_context, tmp_path, week, document):
    from facilitator.printing import documents
    from facilitator.printing.data import template_data

    programme = template_data(library_context.templates["six-week-mens-group"], library_context)
    pdf = documents.session_pdf(document, programme.sessions[week - 1], library_context, documents.print_options("A4", False))
    fills = page_fills(pdf, tmp_path)
    assert len(fills) > 1 and all(fill >= 0.2 for fill in fills), fills
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    if document == "run-sheet":  # the note about the default support list is near the top, not alone at the end
        first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert "Support list on the participant handout" in first
    else:
        assert "Go easy" in text  # the take-home practice is all there

