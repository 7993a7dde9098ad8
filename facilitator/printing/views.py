"""PDF downloads for facilitators: session documents, programme packs, worksheets, the vocabulary sheet.

Every route takes ?paper=A4|Letter (default: the facilitator's setting) and ?large=1 for large print.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, abort
from flask_login import current_user, login_required

from .. import support

from ..library import shipped
from ..access import access_or_404
from ..library.service import can_view
from ..extensions import db
from .documents import poster_data
from .engine import PrintOptions
from ..models import Exercise
from ..planner.models import GroupSession, Programme
from ..reflections.session_links import session_poster
from . import documents
from .markup import print_markdown
from .data import exercise_data, programme_data, session_data, vocabulary_handout

blueprint = Blueprint("printing", __name__, url_prefix="/print")
blueprint.add_app_template_filter(print_markdown, "print_markdown")

@blueprint.record_once
def check_support_resources(state) -> None:  # noqa: ANN001
    """A malformed SUPPORT_RESOURCES stops the app at start-up, not on a participant's printed page."""
    support.support_resources(state.app.config)


@blueprint.before_request
@login_required
def require_login():
    return None


def _options() -> PrintOptions:
    return documents.request_print_options(current_user)


def _pdf(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Run sheets carry the facilitator's own notes: no shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _poster_for(session: GroupSession) -> Mapping | None:
    found = session_poster(session.id)
    return poster_data(found.url, found.code, session.title) if found else None


def _suffix(options: PrintOptions, name: str) -> str:
    return f"{name}-large-print" if options.large_print else name


def _session_download(session_id: int, document: str) -> Response:
    session = access_or_404(GroupSession, session_id, current_user.id, "view")  # viewers print too
    if document == "partners" and not session.partner_handouts:
        abort(404)
    library = shipped.library()
    weeks = len(session.programme.sessions) if session.programme else None
    data = session_data(session, library, weeks=weeks, poster=_poster_for(session) if document == "pack" else None)
    options = _options()
    pdf = documents.session_pdf(document, data, library, options)
    date = session.date.isoformat() if session.date else ""
    return _pdf(pdf, documents.download_name(date, session.title, _suffix(options, document)))


@blueprint.get("/sessions/<int:session_id>/handout.pdf")
def session_handout(session_id: int):
    return _session_download(session_id, "handout")


@blueprint.get("/sessions/<int:session_id>/run-sheet.pdf")
def run_sheet(session_id: int):
    return _session_download(session_id, "run-sheet")


@blueprint.get("/sessions/<int:session_id>/partners.pdf")
def partner_handouts(session_id: int):
    return _session_download(session_id, "partners")


@blueprint.get("/sessions/<int:session_id>/pack.pdf")
def session_pack(session_id: int):
    return _session_download(session_id, "pack")


@blueprint.get("/programmes/<int:programme_id>/pack.pdf")
def programme_pack(programme_id: int):
    programme = access_or_404(Programme, programme_id, current_user.id, "view")
    library = shipped.library()
    posters = {s.id: poster for s in programme.sessions if (poster := _poster_for(s))}
    options = _options()
    pdf = documents.programme_pdf(programme_data(programme, library, posters), library, options)
    return _pdf(pdf, documents.download_name(programme.title, _suffix(options, "pack")))


@blueprint.get("/exercises/<int:exercise_id>/worksheet.pdf")
def worksheet(exercise_id: int):
    exercise = db.get_or_404(Exercise, exercise_id)
    if not can_view(exercise, current_user.id):
        abort(404)
    options = _options()
    pdf = documents.worksheet_pdf(exercise_data(exercise), options)
    return _pdf(pdf, documents.download_name(exercise.title, _suffix(options, "worksheet")))


@blueprint.get("/templates/<slug>/pack.pdf")
def template_pack(slug: str):
    """A shipped template's pack, to read before planning with it."""
    library = shipped.library()
    template = library.templates.get(slug) or abort(404)
    options = _options()
    pdf = documents.template_pack_pdf(template, library, options)
    return _pdf(pdf, documents.download_name(template.title, _suffix(options, "pack")))


@blueprint.get("/vocabulary.pdf")
def vocabulary():
    handout = vocabulary_handout(shipped.library()) or abort(404)
    options = _options()
    return _pdf(documents.vocabulary_pdf(handout, options), documents.download_name(_suffix(options, "feelings-vocabulary")))
