"""Which template makes which document, with what context and title: the one list of printable things."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from flask import abort, current_app, request

from .. import support
from . import engine, qr
from .engine import PAPER_SIZES, PrintOptions
from .parts import Part, join_pdfs, pdf_reader, render_parts
from ..library.files import Library, Template, week_label
from .data import (
    GROUP_AGREEMENTS,
    WELCOME,
    PrintExercise,
    PrintHandout,
    PrintProgramme,
    PrintSession,
    template_data,
    vocabulary_handout,
)


@dataclass(frozen=True)
class SessionDocument:
    template: str
    label: str


POSTER_VARIANTS = ("poster", "card")

SESSION_DOCUMENTS = {
    "handout": SessionDocument("participant.html", "Participant handout"),
    "run-sheet": SessionDocument("run_sheet.html", "Run sheet"),
    "partners": SessionDocument("partners.html", "Partner handouts"),
    "pack": SessionDocument("session_pack.html", "Session pack"),
}


def print_options(paper: str, large_print: bool, practice_name: str = "") -> PrintOptions:
    """Options for a download; the author is the practice, else the app's PRACTICE_NAME."""
    author = practice_name.strip() or current_app.config.get("PRACTICE_NAME", "")
    return PrintOptions(paper=paper, large_print=large_print, author=author)


def request_print_options(facilitator) -> PrintOptions:  # noqa: ANN001 (a models.User)
    """The options a download asks for: ?paper=A4|Letter (else the facilitator's setting, else
    PAPER_SIZE) and ?large=1 for large print; an unknown paper size is a 400."""
    paper = request.args.get("paper") or facilitator.paper_size or current_app.config["PAPER_SIZE"]
    if paper not in PAPER_SIZES:
        abort(400, description=f"paper must be {' or '.join(PAPER_SIZES)}")
    large = request.args.get("large", "") in ("1", "on", "true", "yes")
    return print_options(paper, large, facilitator.practice_name)


def base_context() -> dict:
    """What every handout may show: welcome, group agreements and the support list."""
    return {
        "welcome": WELCOME,
        "agreements": GROUP_AGREEMENTS,
        "support": support.support_resources(),
        "localise_note": support.LOCALISE_NOTE if support.uses_default_support() else "",
        "vocabulary": None,
    }


def session_pdf(document: str, session: PrintSession, library: Library, options: PrintOptions) -> bytes:
    """One of SESSION_DOCUMENTS for a session; the pack adds the feelings vocabulary sheet."""
    kind = SESSION_DOCUMENTS[document]
    context = {**base_context(), "session": session}
    if document == "pack":
        context["vocabulary"] = vocabulary_handout(library)
    return engine.render_pdf(kind.template, context, replace(options, title=f"{session.title}: {kind.label}"))


@dataclass(frozen=True)
class ProgrammePack:
    """A programme pack as parts (each week, then the vocabulary sheet) and the key its joined PDF
    is cached under; building it is Jinja only, rendering it is `render()`."""

    programme: PrintProgramme
    parts: tuple[Part, ...]
    cover_context: dict
    options: PrintOptions
    key: str

    def render(self) -> bytes:
        """Render the missing parts side by side, then the cover with the page each week starts on, then join."""
        readers = [pdf_reader(pdf) for pdf in render_parts(self.parts)]
        counts = [len(reader.pages) for reader in readers]
        cover_pages = 1
        for _ in range(2):  # a cover that runs to two pages moves every start by one
            starts = [cover_pages + 1 + sum(counts[:index]) for index in range(len(counts))]
            cover = Part(engine.render_html("programme_pack.html", {**self.cover_context, "start_pages": starts}, self.options),
                         self.options, "Contents")  # fmt: skip
            [cover_pdf] = render_parts([cover])
            cover_reader = pdf_reader(cover_pdf)
            if len(cover_reader.pages) == cover_pages:
                break
            cover_pages = len(cover_reader.pages)
        return join_pdfs([cover_reader, *readers], [cover.label, *(part.label for part in self.parts)])


def programme_pack(programme: PrintProgramme, library: Library, options: PrintOptions) -> ProgrammePack:
    """Every week's run sheet, participant and partner handouts and posters, then the vocabulary sheet."""
    context = base_context()
    vocabulary = vocabulary_handout(library)
    parts = []
    for number, session in enumerate(programme.sessions, start=1):
        week = session.week or number
        html = engine.render_html("programme_week.html", {**context, "session": session, "week": number, "page_label": f"Week {week}"},
                                  replace(options, title=f"{programme.title}: week {week}"))  # fmt: skip
        parts.append(Part(html, replace(options, title=f"{programme.title}: week {week}"), week_label(week, session.title)))
    if vocabulary:
        vocabulary_options = replace(options, title=vocabulary.title)
        html = engine.render_html("vocabulary.html", {**context, "handout": vocabulary}, vocabulary_options)
        parts.append(Part(html, vocabulary_options, vocabulary.title))
    cover_options = replace(options, title=f"{programme.title}: Programme pack")
    cover_context = {**context, "programme": programme, "vocabulary": vocabulary}
    # The cover's page numbers follow from the parts, so the parts' keys and the cover's words decide the pack.
    words = engine.render_html("programme_pack.html", {**cover_context, "start_pages": [""] * len(parts)}, cover_options)
    key = engine.combined_key("programme pack", cover_options, words, *(part.key for part in parts))
    return ProgrammePack(programme, tuple(parts), cover_context, cover_options, key)


def programme_pdf(programme: PrintProgramme, library: Library, options: PrintOptions) -> bytes:
    """The programme pack, from the cache or rendered now (in the request: see jobs.py for the background)."""
    pack = programme_pack(programme, library, options)
    pdf = engine.cached_pdf(pack.key)
    if pdf is None:
        pdf = pack.render()
        engine.store_pdf(pack.key, pdf)
    return pdf


def template_pack_pdf(template: Template, library: Library, options: PrintOptions) -> bytes:
    """A shipped template's session or programme pack, straight from the library files."""
    data = template_data(template, library)
    if isinstance(data, PrintProgramme):
        return programme_pdf(data, library, options)
    return session_pdf("pack", data, library, options)


def worksheet_pdf(exercise: PrintExercise, options: PrintOptions) -> bytes:
    context = {**base_context(), "exercise": exercise}
    return engine.render_pdf("worksheet.html", context, replace(options, title=f"{exercise.title}: Worksheet"))


def vocabulary_pdf(handout: PrintHandout, options: PrintOptions) -> bytes:
    context = {**base_context(), "handout": handout}
    return engine.render_pdf("vocabulary.html", context, replace(options, title=handout.title))


def sheet_pdf(handout: PrintHandout, options: PrintOptions) -> bytes:
    """One shipped handout on its own (an information sheet, a partner or practice sheet); the
    vocabulary sheet keeps its own layout of feeling families."""
    if handout.kind == "vocabulary":
        return vocabulary_pdf(handout, options)
    context = {**base_context(), "handout": handout}
    return engine.render_pdf("sheet.html", context, replace(options, title=handout.title))


def poster_data(url: str, code: str, session_title: str) -> dict:
    """What a poster or card shows; packs reuse it to add the poster as a page."""
    return {"url": url, "code": code, "session_title": session_title, "qr": qr.qr_svg(url)}


def poster_pdf(url: str, code: str, session_title: str, options: PrintOptions, variant: str = "poster") -> bytes:
    """A wall poster or a folding table card leading participants to a reflection form."""
    if variant not in POSTER_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(POSTER_VARIANTS)}, not {variant!r}")
    context = {"poster": poster_data(url, code, session_title), "variant": variant}
    return engine.render_pdf("poster.html", context, replace(options, title=f"Reflection: {session_title}"))


def results_pdf(results, form_title: str, options: PrintOptions) -> bytes:  # noqa: ANN001 (reflections' FormResults)
    """A reflection form's released results, as the results page shows them."""
    return engine.render_pdf("results.html", {"results": results}, replace(options, title=f"Results: {form_title}"))


def download_name(*parts: str) -> str:
    """'2026-03-03', 'Behind the mask', 'handout' -> '2026-03-03-behind-the-mask-handout.pdf'."""
    words = []
    for part in parts:
        ascii_text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii")
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
        if slug:
            words.append(slug[:60].strip("-"))
    return "-".join(words or ["handout"]) + ".pdf"
