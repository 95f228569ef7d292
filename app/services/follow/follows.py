"""Saving searches and following things: create, describe, rename, pause, delete."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import permissions
from app.extensions import db
from app.i18n import translated
from app.models import Follow, Municipality
from app.models.base import utcnow
from app.models.follows import FREQUENCIES, TARGETS
from app.models.geo import PREFECTURES, REGIONS
from app.models.postings import KINDS, REQUEST_STATUSES
from app.services.data import municipalities

# Search filters a saved search keeps (status and year make no sense for new postings).
from app.services.follow.matching import SEARCH_FILTER_NAMES as SEARCH_FILTERS
from app.services.search import query

FOLLOW_TARGETS = tuple(t for t in TARGETS if t != "search")
MAX_FOLLOWS = 100


class FollowError(ValueError):
    """A follow that cannot be saved; the message says why (Japanese)."""


def value_label(name: str, value: str) -> str:
    """How a filter value reads in lists and in 「なぜ届いたか」 lines: as on the search page,
    and a municipality by its name."""
    if name == "municipality":
        muni = db.session.scalar(select(Municipality).where(Municipality.code == value))
        return muni.display_name if muni else value
    return query.value_label(name, value)


# The search page's own filter names, plus the one only follows have.
FILTER_LABELS = {**query.FACET_LABELS, "municipality": _l("自治体")}


def describe(follow: Follow) -> str:
    """What the follow matches, in words: 検索語「防災 東北」、種類: 連携の募集 (in the
    visitor's language on pages, Japanese in digests)."""
    parts = []
    if follow.q:
        parts.append(_("検索語「%(q)s」", q=follow.q))
    for name, value in (follow.filters or {}).items():
        parts.append(f"{FILTER_LABELS.get(name, name)}: {value_label(name, value)}")
    return _("、").join(parts) or _("すべての新着")


def _kind_key(value: str) -> str:
    """A kind by its key or its label, in Japanese or in the visitor's language."""
    for key, label in KINDS.items():
        if value in (key, label, translated(label)):
            return key
    return value


def _municipality_code(value: str) -> str:
    """A municipality by code, name, prefecture + name or reading (the shared picker's lookup)."""
    try:
        return municipalities.pick(value).code
    except ValueError as exc:
        raise FollowError(str(exc)) from None


def _check_value(name: str, value: str) -> str:
    value = (value or "").strip()
    allowed = {
        "kind": KINDS, "category": query.category_labels(), "prefecture": PREFECTURES, "region": REGIONS,
        "request_status": REQUEST_STATUSES,
    }
    if name == "municipality":
        return _municipality_code(value)
    if name == "kind":
        value = _kind_key(value)
    if name == "field":
        if not value or len(value) > 40:
            raise FollowError(_("分野は40文字以内で指定してください。"))
    elif value not in allowed.get(name, ()):
        raise FollowError(_("%(name)sの指定「%(v)s」は使えません。", name=FILTER_LABELS.get(name, name), v=value))
    return value


def _check_room(user) -> None:
    permissions.require(permissions.can_follow(user), _("フォローするにはログインしてください。"))
    count = len(db.session.scalars(permissions.own_follows(user).with_only_columns(Follow.id)).all())
    if count >= MAX_FOLLOWS:
        raise FollowError(_("保存できるのは%(n)s件までです。使っていないものを削除してください。", n=MAX_FOLLOWS))


def save_search(user, q: str, filters: dict[str, str], name: str = "") -> Follow:
    _check_room(user)
    q = " ".join((q or "").split())
    if len(q) > 200:
        raise FollowError(_("検索語は200文字以内で指定してください。"))
    clean = {k: _check_value(k, v) for k, v in filters.items() if k in SEARCH_FILTERS and v}
    if not q and not clean:
        raise FollowError(_("検索語か絞り込みを指定してから保存してください。"))
    follow = Follow(user_id=user.id, target="search", q=q, filters=clean, frequency="daily")
    follow.name = (name.strip() or _default_name(follow))[:100]
    db.session.add(follow)
    db.session.commit()
    return follow


def follow_value(user, target: str, value: str) -> Follow:
    """Follow a category, region, prefecture, municipality or kind (once: again returns it)."""
    _check_room(user)
    if target not in FOLLOW_TARGETS:
        raise FollowError(_("フォローできる対象ではありません。"))
    value = _check_value(target, value)
    for existing in db.session.scalars(permissions.own_follows(user).where(Follow.target == target)):
        if (existing.filters or {}).get(target) == value:
            return existing
    follow = Follow(user_id=user.id, target=target, q="", filters={target: value}, frequency="daily")
    follow.name = _default_name(follow)[:100]
    db.session.add(follow)
    db.session.commit()
    return follow


def _default_name(follow: Follow) -> str:
    if follow.is_search:
        extra = [value_label(k, v) for k, v in (follow.filters or {}).items()]
        return " ".join([follow.q, *(f"［{e}］" for e in extra)]).strip()
    ((name, value),) = follow.filters.items()
    return value_label(name, value)


def update(user, follow: Follow, *, name: str | None = None, frequency: str | None = None,
           paused: bool | None = None) -> Follow:
    permissions.require(permissions.can_manage_follow(user, follow), hide=True)
    if name is not None:
        name = name.strip()
        if not name or len(name) > 100:
            raise FollowError(_("名前は1〜100文字で付けてください。"))
        follow.name = name
    if frequency is not None:
        if frequency not in FREQUENCIES:
            raise FollowError(_("お知らせの頻度を選んでください。"))
        follow.frequency = frequency
    if paused is not None and paused != follow.paused:
        follow.paused = paused
        follow.paused_at = utcnow() if paused else None
    db.session.commit()
    return follow


def delete(user, follow: Follow) -> None:
    permissions.require(permissions.can_manage_follow(user, follow), hide=True)
    db.session.delete(follow)
    db.session.commit()


def pause_all(user_id: int, follow_ids: list[int]) -> list[Follow]:
    """One-click unsubscribe (signed link, no login): pause these follows of this user."""
    follows = db.session.scalars(
        select(Follow).where(Follow.user_id == user_id, Follow.id.in_(follow_ids))
    ).all()
    now = utcnow()
    for follow in follows:
        if not follow.paused:
            follow.paused, follow.paused_at = True, now
    db.session.commit()
    return list(follows)


def resume_all(user_id: int, follow_ids: list[int]) -> list[Follow]:
    follows = db.session.scalars(
        select(Follow).where(Follow.user_id == user_id, Follow.id.in_(follow_ids))
    ).all()
    for follow in follows:
        follow.paused, follow.paused_at = False, None
    db.session.commit()
    return list(follows)
