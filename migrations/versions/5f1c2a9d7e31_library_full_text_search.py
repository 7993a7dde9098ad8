"""Library full-text search: an FTS5 table kept by triggers on SQLite, a weighted tsvector index on PostgreSQL

Title weighs most, then the summary, then the exercise's sections. The SQL is written out here (not
imported from facilitator.library.search) so this step of history never changes; the app runs the
same statements when it creates the tables itself.

Note for later migrations: on SQLite a batch migration that recreates `exercises` drops its
triggers; run this revision's `upgrade()` statements again after such a step.

Revision ID: 5f1c2a9d7e31
Revises: 8e4a7319eb3c
Create Date: 2026-12-02 12:05:00
"""

from alembic import op

revision = "5f1c2a9d7e31"
down_revision = "8e4a7319eb3c"
branch_labels = None
depends_on = None

SECTIONS_TEXT = "(SELECT group_concat(value, ' ') FROM json_each({}.sections))"
SQLITE_UP = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS exercises_fts USING fts5(title, summary, body, tokenize='porter unicode61')",
    f"""CREATE TRIGGER IF NOT EXISTS exercises_fts_insert AFTER INSERT ON exercises BEGIN
        INSERT INTO exercises_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, {SECTIONS_TEXT.format('new')});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS exercises_fts_update AFTER UPDATE OF title, summary, sections ON exercises BEGIN
        DELETE FROM exercises_fts WHERE rowid = old.id;
        INSERT INTO exercises_fts(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, {SECTIONS_TEXT.format('new')});
    END""",
    """CREATE TRIGGER IF NOT EXISTS exercises_fts_delete AFTER DELETE ON exercises BEGIN
        DELETE FROM exercises_fts WHERE rowid = old.id;
    END""",
    f"""INSERT INTO exercises_fts(rowid, title, summary, body)
        SELECT id, title, summary, {SECTIONS_TEXT.format('exercises')} FROM exercises
        WHERE id NOT IN (SELECT rowid FROM exercises_fts)""",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS exercises_fts_insert",
    "DROP TRIGGER IF EXISTS exercises_fts_update",
    "DROP TRIGGER IF EXISTS exercises_fts_delete",
    "DROP TABLE IF EXISTS exercises_fts",
)
POSTGRES_UP = (
    "CREATE INDEX IF NOT EXISTS ix_exercises_search ON exercises USING gin (("
    "setweight(to_tsvector('english'::regconfig, coalesce(exercises.title, '')), 'A')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(exercises.summary, '')), 'B')"
    " || setweight(to_tsvector('english'::regconfig, coalesce(exercises.sections, '{}'::json)), 'D')))",
)
POSTGRES_DOWN = ("DROP INDEX IF EXISTS ix_exercises_search",)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def upgrade():
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def downgrade():
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})
