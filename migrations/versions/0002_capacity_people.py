"""disaster offers: capacity_people (people an offer can take in)

Revision ID: 0002_capacity_people
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_capacity_people'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disaster_offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity_people', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('disaster_offers', schema=None) as batch_op:
        batch_op.drop_column('capacity_people')
