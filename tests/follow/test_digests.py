"""Digests: one per person per period, grouped, newest first, each item with its reason, never
empty, an item at most once per person, visibility re-checked when sent, RFC 8058 headers."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Digest, DigestItem, OutboxMail
from app.models.base import utcnow
from app.services.follow import follows
from app.services.postings import editing


def _setup(users):
    officer = users.officer("131041", email="bousai@example.jp")
    search = follows.save_search(officer, "防災 東北", {})
    category = follows.follow_value(officer, "category", "A-1")
    return officer, search, category


def _mail_to(smtp, addr):
    found = smtp.mailbox.to(addr)
    assert len(found) == 1, [m["Subject"] for m in found]
    return found[0], smtp.mailbox.body(found[0])


def test_one_digest_grouped_with_reasons_then_nothing_more(users, postings, run_digests, deliver, smtp):
    officer, search, category = _setup(users)
    old = postings(title="防災訓練の合同実施（宮城）", code="042056", categories=["B-5"])
    new = postings(title="防災備蓄の相互融通（宮城）", code="042056", categories=["B-5"])
    both = postings(title="防災と移住の連携（宮城）", code="042056", categories=["A-1"])
    other = postings(title="移住体験ツアー", code="131041", categories=["A-1"])
    postings(title="関係のない観光の事例", code="131041", categories=["A-4"])
    for offset, p in enumerate([old, new, both, other]):
        p.published_at = utcnow() - timedelta(minutes=10 - offset)
    db.session.commit()

    reports = run_digests()
    assert reports["daily"].digests == 1 and reports["daily"].items == 4
    deliver()
    mail, body = _mail_to(smtp, officer.email)
    assert "毎日のまとめ（4件）" in str(mail["Subject"])
    # Grouped by follow (in the order they were made), newest first within a group.
    search_part, category_part = body.split("■ 防災 東北")[1].split("■ A-1")
    assert search_part.index(both.title) < search_part.index(new.title) < search_part.index(old.title)
    assert other.title in category_part and both.title not in category_part  # at most once
    assert "関係のない観光の事例" not in body
    assert "なぜ届いたか: 保存した検索「防災 東北」（検索語「防災 東北」）に一致しました。" in body
    assert "フォロー中のカテゴリ「A-1" in body  # both: matched by the two follows, says so
    assert f"http://kakehashi.test/postings/{other.id}" in body
    # RFC 8058 one-click unsubscribe, an HTTPS-or-site link and a mailto.
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link, mailto = [part.strip(" <>") for part in str(mail["List-Unsubscribe"]).split(",")]
    assert link.startswith("http://kakehashi.test/follows/unsubscribe/") and mailto.startswith("mailto:")
    # As sent: plain <URL>s, not RFC 2047 encoded words (no mail client reads those as links).
    sent = dict(mail.raw_items())["List-Unsubscribe"]
    assert sent.startswith("<http://kakehashi.test/follows/unsubscribe/") and "=?" not in sent

    # Same day again: nothing (one per period); next day with nothing new: nothing (never empty).
    assert run_digests()["daily"].digests == 0
    assert run_digests(utcnow() + timedelta(days=1))["daily"].digests == 0
    deliver(now=utcnow() + timedelta(days=1))
    assert len(smtp.mailbox.to(officer.email)) == 1
    assert db.session.scalar(select(func.count(DigestItem.id))) == 4


def test_next_digest_carries_only_what_is_new(users, postings, run_digests):
    officer, search, category = _setup(users)
    first = postings(title="移住相談会の共同開催", categories=["A-1"])
    run_digests()
    later = postings(title="移住者向け住宅の紹介", categories=["A-1"])
    tomorrow = utcnow() + timedelta(days=1)
    assert run_digests(tomorrow)["daily"].digests == 1
    digests = db.session.scalars(select(Digest).order_by(Digest.id)).all()
    assert [[i.ref_id for i in d.items] for d in digests] == [[first.id], [later.id]]


def test_visibility_is_rechecked_when_sent(users, postings, run_digests, deliver, smtp):
    officer, search, category = _setup(users)
    hidden = postings(title="あとで職員限定になった移住の投稿", categories=["A-1"])
    archived = postings(title="あとでアーカイブされた移住の投稿", categories=["A-1"])
    kept = postings(title="公開のままの移住の投稿", categories=["A-1"])
    hidden.visibility = "officials"
    editing.archive_posting(archived, actor=None)
    db.session.commit()
    run_digests()
    deliver()
    _mail, body = _mail_to(smtp, officer.email)
    assert kept.title in body and hidden.title not in body and archived.title not in body


def test_nothing_left_after_the_recheck_sends_nothing(users, postings, run_digests, smtp, deliver):
    officer, search, category = _setup(users)
    gone = postings(title="取り下げられた移住の投稿", categories=["A-1"])
    gone.visibility = "officials"
    db.session.commit()
    assert run_digests()["daily"].digests == 0
    deliver()
    assert smtp.mailbox.to(officer.email) == []
    assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def test_paused_follows_send_nothing(users, postings, run_digests):
    officer, search, category = _setup(users)
    follows.update(officer, category, paused=True)
    postings(title="移住の新しい募集", categories=["A-1"])
    assert run_digests()["daily"].digests == 0


def test_immediate_only_for_requests_and_disaster_offers(users, postings, run_digests):
    officer, search, category = _setup(users)
    follows.update(officer, category, frequency="immediate")
    follows.update(officer, search, paused=True)
    request = postings(kind="partnership_request", title="移住体験の受け入れ先を募集", categories=["A-1"])
    case = postings(title="移住体験の事例", categories=["A-1"])
    reports = run_digests()
    assert reports["immediate"].items == 1  # the request at once …
    assert reports["daily"].items == 1  # … the case study in the day's digest
    immediate = db.session.scalar(select(Digest).where(Digest.frequency == "immediate"))
    assert [i.ref_id for i in immediate.items] == [request.id]
    daily = db.session.scalar(select(Digest).where(Digest.frequency == "daily"))
    assert [i.ref_id for i in daily.items] == [case.id]


def test_weekly_waits_for_the_week(app, users, postings, run_digests):
    officer, search, category = _setup(users)
    follows.update(officer, category, frequency="weekly")
    follows.update(officer, search, paused=True)
    app.config["DIGEST_WEEKDAY"] = 3  # Thursday
    postings(title="移住の事例", categories=["A-1"])
    # The next Monday 12:00 JST (03:00 UTC) after now, and that week's Thursday.
    start = utcnow() + timedelta(days=1)
    monday = (start + timedelta(days=(7 - start.weekday()) % 7)).replace(hour=3, minute=0)
    thursday = monday + timedelta(days=3)
    assert "weekly" not in run_digests(monday)
    reports = run_digests(thursday)
    assert reports["weekly"].digests == 1
    assert run_digests(thursday + timedelta(days=1))["weekly"].digests == 0  # once a week


def test_job_run_is_recorded_for_admins(client, users, postings, run_digests, monkeypatch):
    from app.models import JobRun
    from app.services.mail import jobs

    _setup(users)
    postings(title="移住の募集", categories=["A-1"])
    admin = users.admin()
    client.login(admin.email)
    page = client.get("/admin/").get_data(as_text=True)
    assert "まとめの処理はまだ一度も動いていません" in page
    run_digests()
    first = db.session.get(JobRun, "follow_digests").finished_at
    run_digests()  # a quiet pass right after: not written (see jobs.HEARTBEAT)
    db.session.expire_all()
    assert db.session.get(JobRun, "follow_digests").finished_at == first
    page = client.get("/admin/").get_data(as_text=True)
    assert "最後に動いた時刻" in page and "これまでに送ったまとめ</th><td>1通" in page
    assert "そのとき送ったまとめ</th><td>1通" in page and "動いていません" not in page
    monkeypatch.setattr(jobs, "HEARTBEAT", 0)
    run_digests()  # a quiet pass after the heartbeat: recorded
    page = client.get("/admin/").get_data(as_text=True)
    assert "そのとき送ったまとめ</th><td>0通" in page and "これまでに送ったまとめ</th><td>1通" in page


def test_a_saved_search_needs_every_word(users, postings, run_digests):
    """The search page lists partial matches after full ones; a digest carries full ones only."""
    officer = users.officer()
    follows.save_search(officer, "防災 東北", {})
    full = postings(title="防災の協定（宮城）", code="042056")
    postings(title="防災の協定（新宿）", code="131041")  # 防災 only
    postings(title="観光の交流（宮城）", code="042056")  # 東北 only
    run_digests()
    (digest,) = db.session.scalars(select(Digest)).all()
    assert [i.ref_id for i in digest.items] == [full.id]
