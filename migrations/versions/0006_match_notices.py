"""inbox notices (new postings that fit an officer's open request)

Revision ID: 0006_match_notices
Revises: 0005_signup
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_match_notices'
down_revision = '0005_signup'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_notices_officer_id_officers')),
    sa.ForeignKeyConstraint(['posting_id'], ['postings.id'], name=op.f('fk_notices_posting_id_postings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('kind', 'posting_id', 'day', name=op.f('uq_notices_kind'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_posting_id'), ['posting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_posting_id'))
        batch_op.drop_index(batch_op.f('ix_notices_officer_id'))
        batch_op.drop_index(batch_op.f('ix_notices_created_at'))
    op.drop_table('notices')
