"""HTML to PDF: the only module that calls WeasyPrint.

Templates in templates/handouts/ receive plain data and render to one HTML string; that string
becomes a PDF through a URL fetcher that serves nothing but allow-listed files of the app's own
static folder and data: URIs. PDFs are cached under PDF_CACHE_DIR by a hash of the final HTML and
the options, so an unchanged document is rendered once and any change gives a new one.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from flask import current_app, render_template

PAPER_SIZES = ("A4", "Letter")
# Tagged PDF with a readable structure tree; WeasyPrint 70 supports PDF/UA-1 directly.
PDF_VARIANT = "pdf/ua-1"
# Bump when the way HTML becomes a PDF changes, so cached files made the old way are not served.
RENDERER_REVISION = "2"  # 2: a second, tighter layout when a page is nearly empty
CACHE_MAX_BYTES = 256 * 1024 * 1024
NEVER_CACHED = frozenset({"results.html"})  # a reflection form's results: participants' answers
# What print templates may load from static/: images and fonts, never code or data files.
STATIC_SUFFIXES = frozenset({".css", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".ttf", ".otf"})


@dataclass(frozen=True)
class PrintOptions:
    """How a document is printed; title, author and lang become the PDF's metadata."""

    paper: str = "A4"
    large_print: bool = False
    title: str = ""
    author: str = ""
    lang: str = "en"

    def __post_init__(self) -> None:
        if self.paper not in PAPER_SIZES:
            raise ValueError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {self.paper!r}")


def render_html(template_name: str, context: dict, options: PrintOptions) -> str:
    """The final HTML of a handout template (a name inside templates/handouts/)."""
    name = template_name if template_name.startswith("handouts/") else f"handouts/{template_name}"
    return render_template(name, options=options, **context)


def render_pdf(template_name: str, context: dict, options: PrintOptions) -> bytes:
    """Render a handout template with plain data to PDF bytes, from the cache when unchanged.

    Documents that hold participants' answers are never written to the cache: a cached file would
    outlive "Delete all answers" (docs/privacy.md).
    """
    html = render_html(template_name, context, options)
    if template_name.removeprefix("handouts/") in NEVER_CACHED:
        return write_pdf(html, current_app.static_folder or "")
    return pdf_from_html(html, options)


# --- the PDF cache -------------------------------------------------------------------------


def pdf_from_html(html: str, options: PrintOptions) -> bytes:
    """The PDF of a final HTML string: read from the cache, or rendered once and stored."""
    key = cache_key(html, options)
    pdf = cached_pdf(key)
    if pdf is None:
        pdf = write_pdf(html, current_app.static_folder or "")
        store_pdf(key, pdf)
    return pdf


def cache_path(key: str) -> Path:
    return Path(current_app.config["PDF_CACHE_DIR"]) / f"{key}.pdf"


def cached_pdf(key: str) -> bytes | None:
    """The cached PDF stored under `key`, or None; a hit marks the file as recently used."""
    path = cache_path(key)
    try:
        pdf = path.read_bytes()
    except OSError:
        return None
    if not pdf.startswith(b"%PDF"):
        return None
    with contextlib.suppress(OSError):  # pruned by another worker meanwhile: the bytes are read
        os.utime(path)  # recently used files are the last to be pruned
    return pdf


def store_pdf(key: str, pdf: bytes) -> None:
    path = cache_path(key)
    try:
        _store(path.parent, path, pdf)
    except OSError as error:  # a full or read-only disk costs speed, never the download
        current_app.logger.warning("PDF cache not written (%s): %s", path.parent, error)


def cache_key(html: str, options: PrintOptions) -> str:
    return combined_key(options, html)


def combined_key(*parts: object) -> str:
    """One SHA-256 over the renderer's version and every part (HTML strings, options, other keys)."""
    digest = hashlib.sha256()
    for part in (_renderer_signature(), *(_key_text(part) for part in parts)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _key_text(part: object) -> str:
    return repr(sorted(asdict(part).items())) if isinstance(part, PrintOptions) else str(part)


@lru_cache(maxsize=1)
def _renderer_signature() -> str:
    return f"weasyprint {version('weasyprint')} {PDF_VARIANT} r{RENDERER_REVISION}"


def _store(cache_dir: Path, path: Path, pdf: bytes) -> None:
    """Write atomically (a parallel download never reads half a file), then keep the folder bounded."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=cache_dir, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pdf)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    prune_cache(cache_dir, CACHE_MAX_BYTES)


def prune_cache(cache_dir: Path, max_bytes: int) -> None:
    """Remove the least recently used PDFs until the folder holds at most `max_bytes`."""
    entries = []
    for entry in os.scandir(cache_dir):
        if entry.name.endswith(".pdf"):
            with contextlib.suppress(FileNotFoundError):  # another worker pruned it first
                stat = entry.stat()
                entries.append((stat.st_mtime, stat.st_size, entry.path))
    total = sum(size for _, size, _ in entries)
    for _, size, file_path in sorted(entries):
        if total <= max_bytes:
            break
        Path(file_path).unlink(missing_ok=True)
        total -= size


# --- WeasyPrint, locked down ------------------------------------------------------------------


# A page whose text area is used less than this (a line or two) is worth a second layout.
NEARLY_EMPTY = 0.2
# The second layout: a little less space between things, and the take-home practice follows on
# instead of starting a fresh page. Used only when it leaves fewer nearly empty pages.
TIGHT_CSS = """
html.regular-print { --line-gap: 7.5mm; } html.large-print { --line-gap: 11mm; }
h2 { margin-top: 5mm; } p { margin-bottom: 1.8mm; } .doc-head { margin-bottom: 4mm; }
.write-box { margin-bottom: 3mm; } .boxed { margin-bottom: 3.5mm; }
.exercise-part + .exercise-part { margin-top: 4mm; }
.take-home { break-before: auto; margin-top: 6mm; border-top: 1.2pt solid #1b1b1b; padding-top: 2mm; }
"""


def write_pdf(html: str, static_folder: str | Path) -> bytes:
    """Render HTML to PDF with the locked-down fetcher; `import weasyprint` is slow, so it happens here.

    Print CSS keeps headings with what follows and prompts with their boxes, which can push a line
    or two onto a page of their own; then the document is laid out once more with TIGHT_CSS and
    the layout with fewer nearly empty pages (then fewer pages) wins."""
    document = _layout(html, static_folder)
    empty = nearly_empty_pages(document)
    if empty:
        tight = _layout(html.replace("</head>", f"<style>{TIGHT_CSS}</style></head>", 1), static_folder)
        if (len(nearly_empty_pages(tight)), len(tight.pages)) < (len(empty), len(document.pages)):
            document = tight
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def _layout(html: str, static_folder: str | Path):  # noqa: ANN202 (a weasyprint Document)
    import weasyprint

    fetcher = fetcher_class()(static_folder)
    document = weasyprint.HTML(string=html, base_url=static_base_url(static_folder), url_fetcher=fetcher)
    return document.render(pdf_variant=PDF_VARIANT)


def nearly_empty_pages(document) -> list[int]:  # noqa: ANN001 (a weasyprint Document)
    """Numbers (from 1) of the pages, in a document of more than one, whose text area is less than
    NEARLY_EMPTY used: the lowest line, image or bordered box, header and footer not counted."""
    if len(document.pages) < 2:
        return []
    return [number for number, page in enumerate(document.pages, start=1) if page_fill(page) < NEARLY_EMPTY]


def page_fill(page) -> float:  # noqa: ANN001 (a weasyprint Page)
    """The share of a laid-out page's text area, top down, that holds something."""
    from weasyprint.formatting_structure import boxes

    page_box = page._page_box  # WeasyPrint keeps the layout here; no public API says where boxes sit
    top, height = page_box.content_box_y(), page_box.height
    lowest = top
    stack = [child for child in page_box.children if not isinstance(child, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)) or (isinstance(box, boxes.BlockBox) and box.border_bottom_width):
            lowest = max(lowest, box.position_y + box.margin_height())
        stack.extend(getattr(box, "children", None) or ())
    return (lowest - top) / height if height else 1.0


def static_base_url(static_folder: str | Path) -> str:
    """Relative URLs in print templates resolve inside the static folder, and nowhere else."""
    return Path(static_folder).resolve().as_uri() + "/"


def allowed_static_file(url: str, static_folder: str | Path) -> Path | None:
    """The file a URL names when it is an allow-listed file inside `static_folder`, else None.

    Checked on the resolved path, so `..` segments and symlinks cannot lead out of the folder.
    """
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    root = Path(static_folder).resolve()
    try:
        path = Path(url2pathname(unquote(parts.path))).resolve()
    except (OSError, ValueError):
        return None
    if not path.is_relative_to(root) or path.suffix.lower() not in STATIC_SUFFIXES or not path.is_file():
        return None
    return path


@lru_cache(maxsize=1)
def fetcher_class() -> type:
    """The one URLFetcher subclass, built on first use so that WeasyPrint loads only when printing."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves allow-listed static files and data: URIs; refuses files, networks and redirects."""

        def __init__(self, static_folder: str | Path):
            super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
            self.static_folder = static_folder

        def fetch(self, url, headers=None):  # noqa: ANN001, ANN201
            path = allowed_static_file(url, self.static_folder)
            if path is None:
                return super().fetch(url, headers)  # raises for every scheme but data:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher
