"""Ranked library search with the database's own full-text engine: SQLite FTS5 or PostgreSQL tsvector.

Title counts most, then the summary, then the exercise's sections (never the file's front matter,
where every exercise written for couples says "couples"). The index follows the exercises table by
itself, so every way of writing an exercise (sync, write, fork, edit, delete) keeps it in step:
on SQLite an FTS5 table kept by triggers, on PostgreSQL an expression index over the table.
The DDL runs when `exercises` is created (tests, `db.create_all`) and in the Alembic migration.
"""

from __future__ import annotations

import re
from sqlalchemy import Float, Integer, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Subquery

from ..models import Exercise

MAX_WORDS = 8
# bm25 weights for SQLite's title, summary and body columns; PostgreSQL uses weights A, B and D.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS exercises_fts USING fts5(title, summary, body, tokenize='porter unicode61')",
    """CREATE TRIGGER IF NOT EXISTS exercises_fts_insert AFTER INSERT ON exercises BEGIN
        INSERT INTO exercises_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, (SELECT group_concat(value, ' ') FROM json_each(new.sections)));
    END""",
    """CREATE TRIGGER IF NOT EXISTS exercises_fts_update AFTER UPDATE OF title, summary, sections ON exercises BEGIN
        DELETE FROM exercises_fts WHERE rowid = old.id;
        INSERT INTO exercises_fts(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, (SELECT group_concat(value, ' ') FROM json_each(new.sections)));
    END""",
    """CREATE TRIGGER IF NOT EXISTS exercises_fts_delete AFTER DELETE ON exercises BEGIN
        DELETE FROM exercises_fts WHERE rowid = old.id;
    END""",
    # Rows written before the index existed (an upgraded database) are indexed once here.
    """INSERT INTO exercises_fts(rowid, title, summary, body)
       SELECT id, title, summary, (SELECT group_concat(value, ' ') FROM json_each(sections)) FROM exercises
       WHERE id NOT IN (SELECT rowid FROM exercises_fts)""",
)
SQLITE_DROP = ("DROP TABLE IF EXISTS exercises_fts",)  # its triggers go with the exercises table or here:
SQLITE_DROP_TRIGGERS = tuple(f"DROP TRIGGER IF EXISTS exercises_fts_{name}" for name in ("insert", "update", "delete"))

# The same expression in the index and in every query, so PostgreSQL uses the index.
POSTGRES_VECTOR = (
    "(setweight(to_tsvector('english'::regconfig, coalesce(exercises.title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(exercises.summary, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(exercises.sections, '{}'::json)), 'D'))"
)
POSTGRES_HEADLINE_VECTOR = (
    "(to_tsvector('english'::regconfig, coalesce(exercises.title, ''))"
    " || to_tsvector('english'::regconfig, coalesce(exercises.summary, '')))"
)
POSTGRES_DDL = (f"CREATE INDEX IF NOT EXISTS ix_exercises_search ON exercises USING gin ({POSTGRES_VECTOR})",)
POSTGRES_DROP = ("DROP INDEX IF EXISTS ix_exercises_search",)

# What Alembic's model comparison must leave alone: the search index is not a model.
SEARCH_OBJECTS = re.compile(r"^(exercises_fts(_\w+)?|ix_exercises_search)$")


def is_not_search_index(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic `include_name` hook: compare everything except the full-text index."""
    return not (name and SEARCH_OBJECTS.match(name))


def install(connection: Connection) -> None:
    """Create the search index for this database, and fill it from the rows already there."""
    for statement in {"sqlite": SQLITE_DDL, "postgresql": POSTGRES_DDL}.get(connection.dialect.name, ()):
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    for statement in {"sqlite": SQLITE_DROP_TRIGGERS + SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(
        connection.dialect.name, ()
    ):
        connection.execute(text(statement))


@event.listens_for(Exercise.__table__, "after_create")
def _install_after_create(target, connection: Connection, **kw) -> None:  # noqa: ANN001
    install(connection)


@event.listens_for(Exercise.__table__, "after_drop")
def _uninstall_after_drop(target, connection: Connection, **kw) -> None:  # noqa: ANN001
    uninstall(connection)


def words_of(query: str) -> list[str]:
    """The searchable words of what a person typed; punctuation and search syntax are dropped."""
    return re.findall(r"\w+", query.lower())[:MAX_WORDS]


def ranked(dialect: str, query: str) -> Subquery | None:
    """Matching exercises as rows (id, score, strong): a higher score is a better match, and strong
    is 1 where the words are in the title or summary, not only in the text. None when the query
    has no searchable word."""
    words = words_of(query)
    if not words:
        return None
    if dialect == "sqlite":
        # Each word quoted (so FTS5 syntax a person types is only text) and matched as a prefix.
        match = " ".join(f'"{word}"*' for word in words)
        weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
        sql = text(
            f"SELECT rowid AS id, -bm25(exercises_fts, {weights}) AS score,"
            " rowid IN (SELECT rowid FROM exercises_fts WHERE exercises_fts MATCH :strong) AS strong"
            " FROM exercises_fts WHERE exercises_fts MATCH :match"
        ).bindparams(match=match, strong=f"{{title summary}} : ({match})")
    else:
        tsquery = "to_tsquery('english'::regconfig, :tsquery)"
        sql = text(
            f"SELECT exercises.id AS id, ts_rank_cd({POSTGRES_VECTOR}, {tsquery}) AS score,"
            f" ({POSTGRES_HEADLINE_VECTOR} @@ {tsquery})::int AS strong"
            f" FROM exercises WHERE {POSTGRES_VECTOR} @@ {tsquery}"
        ).bindparams(tsquery=" & ".join(f"{word}:*" for word in words))
    return sql.columns(id=Integer, score=Float, strong=Integer).subquery("ranked")
