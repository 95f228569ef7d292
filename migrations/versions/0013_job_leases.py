"""job runs: a lease, so that a job runs on one worker at a time

Revision ID: 0013_job_leases
Revises: 0012_listing_order_index
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_job_leases'
down_revision = '0012_listing_order_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_runs') as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('job_runs') as batch_op:
        batch_op.drop_column('lease_owner')
        batch_op.drop_column('lease_until')
