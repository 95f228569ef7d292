"""cache generation of the anonymous pages (bumped with every change to what they show)

Revision ID: 0011_cache_generation
Revises: 0010_partnerships
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_cache_generation'
down_revision = '0010_partnerships'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_generations',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_generations'))
    )


def downgrade():
    op.drop_table('cache_generations')
