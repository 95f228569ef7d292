"""event times in UTC like every other timestamp (they were stored as naive Japan time)

Revision ID: 0003_event_times_utc
Revises: 0002_capacity_people
Create Date: 2026-12-01 21:00:00

Japan has no daylight saving time: Japan time is always UTC+9, both ways.
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = '0003_event_times_utc'
down_revision = '0002_capacity_people'
branch_labels = None
depends_on = None

events = sa.table('events', sa.column('id', sa.Integer), sa.column('starts_at', sa.DateTime),
                  sa.column('ends_at', sa.DateTime))


def _shift(delta: timedelta) -> None:
    conn = op.get_bind()
    for row in conn.execute(sa.select(events.c.id, events.c.starts_at, events.c.ends_at)).all():
        conn.execute(events.update().where(events.c.id == row.id).values(
            starts_at=row.starts_at + delta,
            ends_at=row.ends_at + delta if row.ends_at is not None else None))


def upgrade():
    _shift(timedelta(hours=-9))


def downgrade():
    _shift(timedelta(hours=9))
