"""PDF downloads for facilitators: session documents, programme packs, worksheets, the vocabulary sheet.

Every route takes ?paper=A4|Letter (default: the facilitator's setting) and ?large=1 for large print.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, abort, current_app, has_app_context, render_template, request, url_for
from flask_login import current_user, login_required

from .. import support

from ..library import shipped
from ..access import access_or_404
from ..library.service import can_view
from ..extensions import db
from .documents import poster_data
from .engine import PrintOptions
from ..models import Exercise, User
from ..planner.models import AgendaItem, GroupSession, Programme
from ..reflections.session_links import session_poster
from . import documents, engine, jobs
from .markup import print_markdown
from .data import exercise_data, handout_data, programme_data, session_data, vocabulary_handout

blueprint = Blueprint("printing", __name__, url_prefix="/print")
blueprint.add_app_template_filter(print_markdown, "print_markdown")

@blueprint.record_once
def check_support_resources(state) -> None:  # noqa: ANN001
    """A malformed SUPPORT_RESOURCES stops the app at start-up, not on a participant's printed page."""
    support.support_resources(state.app.config)


@blueprint.record_once
def render_packs_when_plans_change(state) -> None:  # noqa: ANN001
    """After a commit that changed a programme, a session in one or an agenda item, render that
    programme's pack in the background, so the first click on "Print" finds it ready. An ORM event,
    not a call from the planner, so every path that changes a plan (undo, reorder, import) counts.
    Listened to once per process; each commit asks the app it runs in."""
    global _listening
    if _listening:
        return
    _listening = True
    from sqlalchemy import event

    event.listen(db.session, "after_flush", _note_changed_programmes)
    event.listen(db.session, "after_commit", _render_changed_programmes)
    event.listen(db.session, "after_rollback", lambda session: session.info.pop("print_programmes", None))


_listening = False


def _note_changed_programmes(session, flush_context) -> None:  # noqa: ANN001
    ids = session.info.setdefault("print_programmes", set())
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Programme):
            ids.add(row.id)
        elif isinstance(row, GroupSession):
            ids.add(row.programme_id)
        elif isinstance(row, AgendaItem) and row.session is not None:
            ids.add(row.session.programme_id)


def _render_changed_programmes(session) -> None:  # noqa: ANN001
    ids = {i for i in session.info.pop("print_programmes", set()) if i}
    if ids and has_app_context() and jobs.workers():
        jobs.plan_changed(current_app._get_current_object(), ids, _prerender_programme)


def _prerender_programme(programme_id: int) -> None:
    """The pack as its owner downloads it by default (their paper, regular print), in the background."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        return
    owner = db.session.get(User, programme.owner_id)
    paper = owner.paper_size or current_app.config["PAPER_SIZE"]
    library = shipped.library()
    posters = {s.id: poster for s in programme.sessions if (poster := _poster_for(s))}
    options = documents.print_options(paper, False, owner.practice_name)
    pack = documents.programme_pack(programme_data(programme, library, posters), library, options)
    jobs.start(pack.key, pack.render)


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


# How long the first click waits for a pack being rendered before it shows the "preparing" page.
FIRST_CLICK_WAIT_SECONDS = 0.8


def _programme_pack(programme_id: int) -> tuple[Programme, documents.ProgrammePack]:
    programme = access_or_404(Programme, programme_id, current_user.id, "view")
    library = shipped.library()
    posters = {s.id: poster for s in programme.sessions if (poster := _poster_for(s))}
    return programme, documents.programme_pack(programme_data(programme, library, posters), library, _options())


@blueprint.get("/programmes/<int:programme_id>/pack.pdf")
def programme_pack(programme_id: int):
    """The pack from the cache; else rendered in the background while a page says so and turns
    into the download (rendered in the request when PRINT_WORKERS is 0)."""
    programme, pack = _programme_pack(programme_id)
    filename = documents.download_name(programme.title, _suffix(pack.options, "pack"))
    pdf = engine.cached_pdf(pack.key)
    if pdf is None and jobs.workers() == 0:
        pdf = pack.render()
        engine.store_pdf(pack.key, pdf)
    if pdf is None:
        jobs.start(pack.key, pack.render)
        pdf = jobs.wait(pack.key, FIRST_CLICK_WAIT_SECONDS)
    if pdf is None:
        status_url = url_for("printing.programme_pack_status", programme_id=programme_id, **request.args)
        html = render_template("handouts/preparing.html", programme=programme, download_url=request.full_path.rstrip("?"),
                               status_url=status_url)  # fmt: skip
        return Response(html, status=202, headers={"Cache-Control": "no-store"})
    return _pdf(pdf, filename)


@blueprint.get("/programmes/<int:programme_id>/pack-status")
def programme_pack_status(programme_id: int):
    """Whether the pack is ready to download, for the preparing page's script."""
    _, pack = _programme_pack(programme_id)
    ready = engine.cached_pdf(pack.key) is not None
    if not ready and not jobs.in_progress(pack.key):
        jobs.start(pack.key, pack.render)  # its renderer died, or the cache was cleared meanwhile
    return {"ready": ready}, 200, {"Cache-Control": "no-store"}


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


@blueprint.get("/handouts/<slug>.pdf")
def handout_sheet(slug: str):
    """Any shipped handout sheet on its own: the intake guide, the information sheet for a man
    thinking of joining, a partner or practice sheet (listed on the templates page)."""
    handout = handout_data(shipped.library(), slug) or abort(404)
    options = _options()
    return _pdf(documents.sheet_pdf(handout, options), documents.download_name(_suffix(options, handout.slug)))
