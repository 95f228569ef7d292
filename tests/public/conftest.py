import pytest

from app.extensions import db
from app.models import Event


@pytest.fixture
def world(postings, muni):
    """A public story (Suginami × Minamisoma), an officials-only one, a draft, and events."""
    public = postings(code="131156", partners=["072125"], title="公開の交流物語", categories=["B-5"])
    secret = postings(code="131041", partners=["042056"], title="職員だけの内部調整", visibility="officials",
                      categories=["B-5"])
    draft = postings(code="131041", partners=["172049"], title="下書きの交流", status="draft",
                     categories=["A-2"])
    from datetime import datetime

    from app.timestamps import JST

    def event(title, posting=None, visibility="public", code="131156",
              when=datetime(2026, 12, 5, 1, 0, tzinfo=JST)):
        e = Event(title=title, posting=posting, visibility=visibility, municipality=muni(code),
                  starts_at=when, ends_at=when.replace(hour=3), place="区役所", kind="fair",
                  description="説明, です; 改行\nあり")
        db.session.add(e)
        db.session.commit()
        return e

    return {
        "public": public,
        "secret": secret,
        "draft": draft,
        "event": event("公開イベント", posting=public),
        "event_officials": event("職員向けイベント", visibility="officials"),
        "event_of_secret": event("内部投稿のイベント", posting=secret, code="131041"),
        "event_of_draft": event("下書き投稿のイベント", posting=draft, code="131041"),
    }


SECRETS = ("職員だけの内部調整", "下書きの交流", "職員向けイベント", "内部投稿のイベント", "下書き投稿のイベント")


def assert_no_secrets(text: str, where: str = "") -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked in {where}"
