"""printing/engine.py, printing/qr.py and support.py: real PDFs read back with pypdf, posters scanned with zbarimg,
and the locked-down fetcher tried with local files and a listening socket."""

from __future__ import annotations

import base64
import io
import select
import socket
import subprocess
from pathlib import Path

import pytest
import qrcode
from pypdf import PdfReader

from facilitator import create_app, support
from facilitator.printing import engine, qr
from facilitator.printing.engine import PrintOptions
from facilitator.printing import documents
from facilitator.printing.data import PrintExercise

MM = 72 / 25.4
PAPER_POINTS = {"A4": (210 * MM, 297 * MM), "Letter": (8.5 * 72, 11 * 72)}


# --- helpers shared with test_printing.py ----------------------------------------------------


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def page_size(pdf: bytes, index: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[index].mediabox
    return float(box.width), float(box.height)


def font_sizes(pdf: bytes, index: int = 0) -> dict[str, float]:
    """Each line of text on a page with the point size it is drawn at."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size):  # noqa: ANN001
        if text.strip():
            sizes.setdefault(text.strip(), abs(size * (tm[3] or 1) * (cm[3] or 1)))

    PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_text=visit)
    return sizes


def assert_page_x_of_y(pdf: bytes, wall_sheets: list[int] = ()) -> None:
    """Every page but posters and table cards (indexes in `wall_sheets`) says "Page X of Y"."""
    texts = page_texts(pdf)
    for index, text in enumerate(texts):
        footer = f"Page {index + 1} of {len(texts)}"
        assert (footer not in text) if index in wall_sheets else (footer in text), f"page {index + 1}: footer"


def sample_exercise(participant: str, title: str = "Hearing the feeling under the facts") -> PrintExercise:
    return PrintExercise(
        slug="sample", title=title, summary="", minutes=20, format="pairs", intensity="low", grounding=False,
        materials=(), source="", licence="", worksheet=True, sections={"Participant handout": participant},
    )  # fmt: skip


def tiny_png(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


def parsed_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element a browser or WeasyPrint would build from `html`, with its attributes."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):  # noqa: ANN001
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def decoded_qr_codes(pdf: bytes, tmp_path: Path, dpi: int = 100) -> list[str]:
    """Rasterise the first page as a printer would and scan it like a phone camera would."""
    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "page.pdf"), str(tmp_path / "page")], check=True)  # fmt: skip
    result = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if line]


# --- options, QR codes, support list (no rendering) ---------------------------------------


def test_print_options_refuse_a_paper_size_we_cannot_print():
    with pytest.raises(ValueError, match="A4, Letter"):
        PrintOptions(paper="A5")
    assert PrintOptions(paper="Letter").paper == "Letter"


def test_qr_code_is_inline_svg_that_scales_and_names_its_url():
    url = 'https://groups.example.org/r/K7QX4M?a=1&b="2"'
    svg = str(qr.qr_svg(url))
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and "width=" not in svg.split(">")[0]
    assert "&amp;b=&#34;2&#34;" in svg and '"2"' not in svg  # the URL cannot break out of the attribute
    size = int(svg.split('viewBox="0 0 ')[1].split()[0])
    assert size == len(qr.qr_matrix(url))
    assert qr.ERROR_CORRECTION in (qrcode.constants.ERROR_CORRECT_M, qrcode.constants.ERROR_CORRECT_Q,
                                   qrcode.constants.ERROR_CORRECT_H)  # fmt: skip
    assert qr.qr_data_uri(url).startswith("data:image/svg+xml;base64,")


def test_default_support_list_holds_crisis_lines_each_checked():
    resources = support.default_support_resources()
    contacts = " ".join(r.contact for r in resources)
    assert "116 123" in contacts and "988" in contacts
    assert all(r.name and r.contact and r.purpose and r.checked == "2026-11-24" for r in resources)
    assert support.support_resources({"SUPPORT_RESOURCES": []}) == resources
    assert support.uses_default_support({"SUPPORT_RESOURCES": []})


def test_practice_replaces_support_list_in_config_and_mistakes_are_named():
    from datetime import date

    configured = {"SUPPORT_RESOURCES": [{"name": "Leeds Mind", "contact": "0113 305 5800", "checked": date(2026, 11, 1)}]}
    (resource,) = support.support_resources(configured)
    assert (resource.name, resource.contact, resource.checked) == ("Leeds Mind", "0113 305 5800", "2026-11-01")
    assert not support.uses_default_support(configured)
    with pytest.raises(ValueError, match="entry 2: contact is missing"):
        support.support_resources({"SUPPORT_RESOURCES": [{"name": "A", "contact": "1"}, {"name": "B"}]})
    with pytest.raises(ValueError, match="unknown keys phone"):
        support.support_resources({"SUPPORT_RESOURCES": [{"name": "A", "phone": "1"}]})


def test_app_refuses_to_start_with_a_malformed_support_list(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(ValueError, match="SUPPORT_RESOURCES entry 1"):
        create_app({**app_config, "SUPPORT_RESOURCES": [{"name": "No number"}]})


# --- the locked-down fetcher -----------------------------------------------------------------


def test_fetcher_serves_only_allow_listed_files_inside_the_static_folder(tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "logo.svg").write_text("<svg/>")
    (static / "notes.py").write_text("secret = 1")
    secret = tmp_path / "secret.css"
    secret.write_text("body{}")
    (static / "img" / "escape.svg").symlink_to(secret)
    base = engine.static_base_url(static)

    assert engine.allowed_static_file(base + "img/logo.svg", static) == (static / "img" / "logo.svg").resolve()
    for url in (
        base + "notes.py",  # not an asset type
        base + "../secret.css",  # climbs out
        base + "img/%2e%2e/%2e%2e/secret.css",  # climbs out, encoded
        base + "img/escape.svg",  # a symlink leading out
        base + "img/missing.svg",
        "file:///etc/passwd",
        "http://127.0.0.1/static/img/logo.svg",
        "file://evil.example/" + str(static / "img" / "logo.svg"),
    ):
        assert engine.allowed_static_file(url, static) is None, url


# --- rendering -------------------------------------------------------------------------------


@pytest.fixture
def listener():
    """A socket on a free local port that records whether anything ever connected."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)

    def connections() -> int:
        count = 0
        while select.select([server], [], [], 0.2)[0]:
            connection, _ = server.accept()
            connection.close()
            count += 1
        return count

    yield server.getsockname()[1], connections
    server.close()


def _pdf_bytes_decoded(pdf: bytes) -> bytes:
    """Every stream of the PDF decompressed, so a smuggled file's content could not hide in one."""
    reader = PdfReader(io.BytesIO(pdf))
    parts = [pdf]
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if hasattr(obj, "get_data"):
            parts.append(obj.get_data())
    return b"".join(parts)


@pytest.mark.pdf
def test_facilitator_markdown_cannot_read_local_files_or_reach_the_network(app, listener):
    port, connections = listener
    markdown = (
        "Write here.\n\n![passwd](file:///etc/passwd)\n\n[a link](file:///etc/passwd)\n\n"
        f"![beacon](http://127.0.0.1:{port}/beacon.png)\n\n<img src=\"http://127.0.0.1:{port}/raw.png\">\n\n"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">\n\n[[write 2]]\n'
    )
    with app.app_context():
        html = engine.render_html("worksheet.html", {**documents.base_context(), "exercise": sample_exercise(markdown)},
                                    PrintOptions())  # fmt: skip
        pdf = documents.worksheet_pdf(sample_exercise(markdown), PrintOptions())
    assert "<img" not in html and "<link" not in html and 'href="file:' not in html
    assert connections() == 0
    assert b"root:x:0:0" not in _pdf_bytes_decoded(pdf)
    assert "Write here." in page_texts(pdf)[0]


@pytest.mark.pdf
def test_fetcher_refuses_files_and_network_even_in_raw_html_but_serves_data_and_static(app, listener, tmp_path):
    port, connections = listener
    static = tmp_path / "static"
    static.mkdir()
    (static / "dot.png").write_bytes(tiny_png((0, 0, 0)))
    app.static_folder = str(static)
    pixel = "data:image/png;base64," + base64.b64encode(tiny_png((90, 90, 90))).decode()
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{port}/a.css">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url(http://127.0.0.1:{port}/b.css); body {{ background: url(file:///etc/passwd); }}</style>
      </head><body><p>Body text</p>
      <img src="file:///etc/passwd"><img src="../../../../../../etc/passwd"><img src="http://127.0.0.1:{port}/c.png">
      <img src="https://127.0.0.1:{port}/d.png"><object data="file:///etc/passwd"></object>
      <img src="{pixel}" alt="data ok"><img src="dot.png" alt="static ok">
      </body></html>"""
    with app.app_context():
        pdf = engine.pdf_from_html(html, PrintOptions())
    assert connections() == 0
    reader = PdfReader(io.BytesIO(pdf))
    assert not reader.attachments
    assert b"root:x:0:0" not in _pdf_bytes_decoded(pdf)
    # The two images the fetcher may serve (a data: URI and an allow-listed static file) are drawn.
    assert len(reader.pages[0].images) == 2


@pytest.mark.pdf
def test_script_tags_and_event_handlers_in_markdown_come_out_inert(app):
    markdown = (
        "<script>document.title='owned'</script>\n\n<p onclick=\"steal()\">click</p>\n\n"
        "[tap me](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\nPlain words.\n"
    )
    with app.app_context():
        html = engine.render_html("worksheet.html", {**documents.base_context(), "exercise": sample_exercise(markdown)},
                                    PrintOptions())  # fmt: skip
        pdf = documents.worksheet_pdf(sample_exercise(markdown), PrintOptions())
    tags = parsed_tags(html.split("<body>", 1)[1])
    assert "script" not in {tag for tag, _ in tags} and "img" not in {tag for tag, _ in tags}
    assert not [name for _, attributes in tags for name, _ in attributes if name.startswith("on")]
    assert not [value for _, attributes in tags for name, value in attributes if "javascript" in (value or "")]
    assert "Plain words." in page_texts(pdf)[0]


@pytest.mark.pdf
def test_repeat_download_comes_from_cache_and_any_change_renders_anew(app):
    cache = Path(app.config["PDF_CACHE_DIR"])
    exercise = sample_exercise("What do you notice?\n\n[[write 3]]\n")
    with app.app_context():
        first = documents.worksheet_pdf(exercise, PrintOptions())
        (cached,) = cache.glob("*.pdf")
        # Stand-in bytes prove the second download is read from the cache, not rendered again.
        cached.write_bytes(b"%PDF-1.7 from the cache")
        assert documents.worksheet_pdf(exercise, PrintOptions()) == b"%PDF-1.7 from the cache"
        changed = documents.worksheet_pdf(sample_exercise("What do you notice now?\n\n[[write 3]]\n"), PrintOptions())
        letter = documents.worksheet_pdf(exercise, PrintOptions(paper="Letter"))
    assert first.startswith(b"%PDF") and changed.startswith(b"%PDF") and letter.startswith(b"%PDF")
    assert "What do you notice now?" in page_texts(changed)[0]
    assert page_size(letter) == pytest.approx(PAPER_POINTS["Letter"], abs=0.5)
    assert len(list(cache.glob("*.pdf"))) == 3
    assert not list(cache.glob("*.part"))


def test_cache_prunes_least_recently_used_files_past_its_bound(tmp_path):
    import os

    for age, name in enumerate(["old", "middle", "new"]):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(b"%PDF" + b"x" * 996)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    engine.prune_cache(tmp_path, max_bytes=2000)
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == ["middle", "new"]


@pytest.mark.pdf
def test_large_print_sets_body_text_at_16pt_or_more(app):
    exercise = sample_exercise("Think of a moment this week when you said fine.\n\n[[write 2]]\n")
    with app.app_context():
        regular = documents.worksheet_pdf(exercise, PrintOptions())
        large = documents.worksheet_pdf(exercise, PrintOptions(large_print=True))
    line = "Think of a moment this week when you said fine."
    assert font_sizes(regular)[line] < 12
    assert font_sizes(large)[line] >= 16
    body_sizes = [size for text, size in font_sizes(large).items() if not text.startswith(("Page ", "Worksheet"))]
    assert min(body_sizes) >= 16


@pytest.mark.pdf
def test_worksheet_pdf_has_metadata_tags_paper_size_and_page_footer(app):
    options = PrintOptions(paper="A4", author="Northside Counselling")
    with app.app_context():
        pdf = documents.worksheet_pdf(sample_exercise("Name one.\n\n[[write 20]]\n\nAnd another.\n\n[[write 20]]\n"), options)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Hearing the feeling under the facts: Worksheet"
    assert reader.metadata.author == "Northside Counselling"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert page_size(pdf) == pytest.approx(PAPER_POINTS["A4"], abs=0.5)
    # Two twenty-line boxes cannot share a page, and neither is split: each page holds one prompt.
    texts = page_texts(pdf)
    assert len(texts) == 2 and "Name one." in texts[0] and "And another." in texts[1]
    assert_page_x_of_y(pdf)


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("variant", "paper", "expected_codes"), [("poster", "A4", 1), ("poster", "Letter", 1), ("card", "A4", 2), ("card", "Letter", 2)]
)
def test_poster_qr_scans_to_the_forms_exact_url(app, tmp_path, variant, paper, expected_codes):
    url = "https://groups.example.org/r/KM47RX"
    with app.app_context():
        pdf = documents.poster_pdf(url, "KM47RX", "Week 2: Finding the words", PrintOptions(paper=paper), variant)
    assert decoded_qr_codes(pdf, tmp_path) == [url] * expected_codes  # a card shows it on both faces
    (text,) = page_texts(pdf)
    assert url in text and "KM47RX" in text and "Anonymous" in text
    assert page_size(pdf) == pytest.approx(PAPER_POINTS[paper], abs=0.5)


@pytest.mark.pdf
def test_a_heading_and_a_prompt_never_end_a_page_without_their_writing_box(app):
    """Push a section across the page end step by step: it breaks before the heading, never inside."""
    pages_of_heading = set()
    with app.app_context():
        for filler in range(15, 28, 3):
            markdown = "".join(f"Line {n} of the introduction, long enough to fill some width.\n\n" for n in range(filler))
            markdown += "## Second part\n\nPrompt one?\n\n[[write 3]]\n\nPrompt two?\n\n[[write 3]]\n"
            texts = page_texts(documents.worksheet_pdf(sample_exercise(markdown), PrintOptions()))
            heading_page = next(i for i, t in enumerate(texts) if "Second part" in t)
            assert "Prompt one?" in texts[heading_page], f"{filler} lines: heading left alone"
            pages_of_heading.add(heading_page)
    assert pages_of_heading == {0, 1}  # the boundary was crossed within the range tried


@pytest.mark.pdf
def test_an_unwritable_cache_costs_speed_but_never_the_download(app, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    app.config["PDF_CACHE_DIR"] = str(blocker / "cache")
    with app.app_context():
        pdf = documents.worksheet_pdf(sample_exercise("Still printed.\n"), PrintOptions())
    assert "Still printed." in page_texts(pdf)[0]
