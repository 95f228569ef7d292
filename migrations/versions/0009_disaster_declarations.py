"""disaster declarations (disaster mode)

Revision ID: 0009_disaster_declarations
Revises: 0008_outbox_failed
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_disaster_declarations'
down_revision = '0008_outbox_failed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disaster_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('prefectures', sa.JSON(), nullable=False),
    sa.Column('needs', sa.JSON(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_disaster_declarations_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disaster_declarations'))
    )
    with op.batch_alter_table('disaster_declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disaster_declarations_starts_on'), ['starts_on'], unique=False)


def downgrade():
    with op.batch_alter_table('disaster_declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disaster_declarations_starts_on'))
    op.drop_table('disaster_declarations')
