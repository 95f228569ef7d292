"""postings: an index in the lists' order (newest first by coalesce(published_at, created_at)), partners by town

Revision ID: 0012_listing_order_index
Revises: 0011_cache_generation

Every list, feed and the related stories order by coalesce(published_at, created_at), id and
take a page: with this index the database reads the newest rows in order and stops at the
page's end instead of sorting every visible posting. A town's page finds the postings it is a partner of through
the second index. ANALYZE gives SQLite the row counts that
make it prefer this index to the status and visibility ones (it has no statistics otherwise;
the app runs PRAGMA optimize later on, see app/__init__.py).
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_listing_order_index'
down_revision = '0011_cache_generation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_postings_shown_at', 'postings',
                    [sa.text('coalesce(published_at, created_at)'), 'id'])
    op.create_index('ix_posting_partners_municipality_id', 'posting_partners', ['municipality_id'])
    op.execute('ANALYZE')


def downgrade():
    op.drop_index('ix_posting_partners_municipality_id', table_name='posting_partners')
    op.drop_index('ix_postings_shown_at', table_name='postings')
