"""partnerships made (outcomes of partnership requests)

Revision ID: 0010_partnerships
Revises: 0009_disaster_declarations
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_partnerships'
down_revision = '0009_disaster_declarations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('case_study_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_study_id'], ['postings.id'], name=op.f('fk_partnerships_case_study_id_postings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_partnerships_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['postings.id'], name=op.f('fk_partnerships_request_id_postings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_partnerships_thread_id_threads'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships')),
    sa.UniqueConstraint('request_id', name=op.f('uq_partnerships_request_id'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_case_study_id'), ['case_study_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_recorded_at'), ['recorded_at'], unique=False)
    op.create_table('partnership_partners',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_partnership_partners_municipality_id_municipalities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_partners_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', 'municipality_id', name=op.f('pk_partnership_partners'))
    )


def downgrade():
    op.drop_table('partnership_partners')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerships_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_partnerships_case_study_id'))
    op.drop_table('partnerships')
