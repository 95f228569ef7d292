"""self sign-up: official domains, approval, session version

Revision ID: 0005_signup
Revises: 0004_board
Create Date: 2026-12-01 20:14:39.600816

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_signup'
down_revision = '0004_board'
branch_labels = None
depends_on = None


def upgrade():
    # Official domains per municipality; user columns for sign-up, approval and sessions
    # (existing accounts were made by admins: approved, session version 0).
    op.create_table('municipality_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_municipality_domains_created_by_id_users')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_municipality_domains_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality_domains')),
    sa.UniqueConstraint('domain', name=op.f('uq_municipality_domains_domain'))
    )
    with op.batch_alter_table('municipality_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_domains_municipality_id'), ['municipality_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('title', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('approval', sa.String(length=20), server_default='approved', nullable=False))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('manages_accounts', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('previous_municipality_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('moved_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_approval'), ['approval'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_previous_municipality_id'), ['previous_municipality_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_previous_municipality_id_municipalities'), 'municipalities', ['previous_municipality_id'], ['id'])




def downgrade():
    # Back to admin-made accounts only.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_previous_municipality_id_municipalities'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_previous_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_users_approval'))
        batch_op.drop_column('moved_at')
        batch_op.drop_column('previous_municipality_id')
        batch_op.drop_column('session_version')
        batch_op.drop_column('manages_accounts')
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('approval')
        batch_op.drop_column('title')
        batch_op.drop_column('department')

    with op.batch_alter_table('municipality_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_domains_municipality_id'))

    op.drop_table('municipality_domains')

