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
