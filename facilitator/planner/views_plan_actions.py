"""Archive, delete, export and save-as-template: the same four actions for a session and a programme.

Each action is written once and registered for both kinds of plan, with the endpoint names the
templates use (`planner.archive_session`, `planner.archive_programme`, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from ..access import Need
from . import exchange, programmes, service
from .blueprint import blueprint, own_programme, own_session
from .models import GroupSession, Programme
from .views_files import export_plan, save_template_page

Plan = GroupSession | Programme


@dataclass(frozen=True)
class PlanKind:
    name: str  # "session" or "programme": the URL's id is `<name>_id`, its page `planner.<name>`
    plural: str  # the URL segment and the list page, `planner.<plural>`
    find: Callable[[int, Need], Plan]
    weeks: Callable[[Plan], list[GroupSession]]
    document: Callable[[Plan], dict]
    delete: Callable[[Plan], None]

    def page(self, row: Plan) -> str:
        return url_for(f"planner.{self.name}", **{f"{self.name}_id": row.id})


KINDS = (
    PlanKind("session", "sessions", own_session, lambda s: [s], exchange.session_document, service.delete_session),
    PlanKind("programme", "programmes", own_programme, lambda p: p.sessions, exchange.programme_document,
             programmes.delete_programme),
)  # fmt: skip


def archive_or_restore(kind: PlanKind, row_id: int):  # noqa: ANN201
    """Archive a plan (nothing is lost), or bring it back when the form says restore. Owner only."""
    row = kind.find(row_id, "own")
    restore = request.form.get("action") == "restore"
    service.set_archived(row, not restore)
    flash(f"“{row.title}” is {'back in the list' if restore else 'archived; find it under Archived'}.", "success")
    return redirect(url_for(f"planner.{kind.plural}", archived=None if restore else "1"))


def confirm_then_delete(kind: PlanKind, row_id: int):  # noqa: ANN201
    """GET asks (a page that works without JavaScript); POST deletes. Owner only."""
    row = kind.find(row_id, "own")
    if request.method == "GET":
        return render_template("planner/confirm_delete.html", thing=row, kind=kind.name, cancel=kind.page(row))
    title = row.title
    kind.delete(row)
    flash(f"“{title}” is deleted.", "success")
    return redirect(url_for(f"planner.{kind.plural}"))


def export(kind: PlanKind, row_id: int):  # noqa: ANN201
    row = kind.find(row_id, "view")
    return export_plan(kind.weeks(row), kind.document(row), kind.page(row))


def save_template(kind: PlanKind, row_id: int):  # noqa: ANN201
    row = kind.find(row_id, "view")
    return save_template_page(row, kind.weeks(row), kind.document(row), kind.page(row))


def _register(kind: PlanKind) -> None:
    base = f"/{kind.plural}/<int:{kind.name}_id>"
    routes = (
        ("archive", f"archive_{kind.name}", archive_or_restore, ["POST"]),
        ("delete", f"delete_{kind.name}", confirm_then_delete, ["GET", "POST"]),
        ("export", f"export_{kind.name}", export, ["GET"]),
        ("save-template", f"save_{kind.name}_template", save_template, ["GET", "POST"]),
    )
    for path, endpoint, action, methods in routes:

        def view(_action=action, **ids: int):  # noqa: ANN001, ANN202 (defaults bind this loop's action)
            return _action(kind, ids[f"{kind.name}_id"])

        blueprint.add_url_rule(f"{base}/{path}", endpoint, view, methods=methods)


for _kind in KINDS:
    _register(_kind)
