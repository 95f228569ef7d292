"""Follows fixtures: an officer with a saved search and a follow, a real SMTP server, and a
helper that runs the digest job at a given time."""

from datetime import timedelta

import pytest

from app.models.base import utcnow
from tests.contact.conftest import deliver, new_client, smtp  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def digest_hours(app):
    """Daily digests due at any hour of the day, weekly ones from Monday 00:00 (JST)."""
    app.config.update(DIGEST_HOUR_JST=0, DIGEST_WEEKDAY=0, SITE_URL="http://kakehashi.test")


@pytest.fixture
def run_digests(app):
    from app.services.follow import digests

    def run(now=None):
        return digests.run(now or utcnow() + timedelta(seconds=1))

    return run
