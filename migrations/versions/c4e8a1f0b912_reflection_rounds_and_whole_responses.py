"""reflection rounds and whole-response release

Revision ID: c4e8a1f0b912
Revises: 5f1c2a9d7e31
Create Date: 2026-12-02 10:00:00

A form gets a round (a reopened form starts a new one) and a held_back flag; a response records
whether it has been released in a group of k. Responses stored before this change were released
question by question, so they are marked released; their waiting answers join the next group.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e8a1f0b912'
down_revision = '5f1c2a9d7e31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reflection_forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('held_back', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('reflection_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_reflection_responses_form_released', ['form_id', 'released'], unique=False)
    op.execute(sa.text("UPDATE reflection_responses SET released = true"))


def downgrade():
    with op.batch_alter_table('reflection_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_reflection_responses_form_released')
        batch_op.drop_column('released')
    with op.batch_alter_table('reflection_forms', schema=None) as batch_op:
        batch_op.drop_column('held_back')
        batch_op.drop_column('round')
