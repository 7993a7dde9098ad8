"""Which template makes which document, with what context and title: the one list of printable things."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from flask import current_app

from .. import handouts, support
from ..handouts import PrintOptions
from ..library import Library, Template
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
    return handouts.render_pdf(kind.template, context, replace(options, title=f"{session.title}: {kind.label}"))


def programme_pdf(programme: PrintProgramme, library: Library, options: PrintOptions) -> bytes:
    """Every week's run sheet, participant and partner handouts and posters, then the vocabulary sheet."""
    context = {**base_context(), "programme": programme, "vocabulary": vocabulary_handout(library)}
    return handouts.render_pdf("programme_pack.html", context, replace(options, title=f"{programme.title}: Programme pack"))


def template_pack_pdf(template: Template, library: Library, options: PrintOptions) -> bytes:
    """A shipped template's session or programme pack, straight from the library files."""
    data = template_data(template, library)
    if isinstance(data, PrintProgramme):
        return programme_pdf(data, library, options)
    return session_pdf("pack", data, library, options)


def worksheet_pdf(exercise: PrintExercise, options: PrintOptions) -> bytes:
    context = {**base_context(), "exercise": exercise}
    return handouts.render_pdf("worksheet.html", context, replace(options, title=f"{exercise.title}: Worksheet"))


def vocabulary_pdf(handout: PrintHandout, options: PrintOptions) -> bytes:
    context = {**base_context(), "handout": handout}
    return handouts.render_pdf("vocabulary.html", context, replace(options, title=handout.title))


def download_name(*parts: str) -> str:
    """'2026-03-03', 'Behind the mask', 'handout' -> '2026-03-03-behind-the-mask-handout.pdf'."""
    words = []
    for part in parts:
        ascii_text = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode("ascii")
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
        if slug:
            words.append(slug[:60].strip("-"))
    return "-".join(words or ["handout"]) + ".pdf"
