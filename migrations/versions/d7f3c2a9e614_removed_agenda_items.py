"""The item a facilitator removed last, kept on the server for "Put it back" (issue 14.3)

Revision ID: d7f3c2a9e614
Revises: c4e8a1f0b912
Create Date: 2026-12-02 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7f3c2a9e614'
down_revision = 'c4e8a1f0b912'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('removed_agenda_items',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('item', sa.JSON(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('removed_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_agenda_items_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('removed_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_agenda_items_session_id'))
    op.drop_table('removed_agenda_items')
