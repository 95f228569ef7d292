"""Creating, editing and archiving postings (the one write path: forms, API, importer, demo).

Views and the importer hand over a `PostingInput` (already validated for shape); the rules
that depend on who acts and on the database live here. A save commits, brings the search
index up to date and tells the officers of open requests about a newly published posting; in
a `Batch` (the importer, the demo loader) the caller commits many saves and `finish()` does
the rest once.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from app import permissions
from app.after_response import after_response
from app.cleantext import single_line
from app.extensions import db
from app.models import Category, Municipality, Officer, Posting, Tag
from app.models.base import utcnow
from app.models.geo import normalize_coverage
from app.models.kinds import DETAIL_FIELDS
from app.models.postings import POSTING_CLASSES, PartnershipRequest
from app.services.matching import notices
from app.services.postings import dates
from app.services.search import indexing


@dataclass
class ContactInput:
    name: str
    email: str
    department: str = ""
    title: str = ""
    phone: str = ""


@dataclass
class PostingInput:
    kind: str
    title: str
    municipality: Municipality
    summary: str = ""
    body: str = ""
    partners: list[Municipality] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    contact: ContactInput | None = None
    officer: Officer | None = None
    status: str = "draft"
    visibility: str = "public"
    published_at: datetime | None = None
    image_url: str | None = None
    external_id: str | None = None
    details: dict = field(default_factory=dict)


def find_or_create_officer(municipality: Municipality, contact: ContactInput,
                           current: Officer | None = None) -> Officer:
    """The officer record for a contact: same municipality and e-mail means the same person.

    A contact without an address (as in the open-data files, which never carry one) is the
    posting's current officer if the name matches, else the municipality's officer of that
    name, else a new record without an address (messages then go to the liaison desk)."""
    email = contact.email.strip().lower()
    if not email:
        return _officer_by_name(municipality, contact, current)
    officer = db.session.scalar(
        select(Officer).where(Officer.municipality_id == municipality.id, Officer.email == email)
    )
    if officer is None:
        officer = Officer(municipality=municipality, email=email, name=contact.name.strip())
        db.session.add(officer)
    officer.name = contact.name.strip()
    officer.department = contact.department.strip()
    officer.title = contact.title.strip()
    officer.phone = contact.phone.strip()
    return officer


def _officer_by_name(municipality: Municipality, contact: ContactInput,
                     current: Officer | None) -> Officer:
    name = contact.name.strip()
    if current is not None and current.municipality_id == municipality.id and current.name == name:
        return current  # keep the address and phone the record already has
    officer = db.session.scalar(
        select(Officer)
        .where(Officer.municipality_id == municipality.id, Officer.name == name)
        .order_by(Officer.active.desc(), (Officer.department == contact.department.strip()).desc(),
                  Officer.id)
        .limit(1)
    )
    if officer is None:
        officer = Officer(municipality=municipality, email="", name=name,
                          department=contact.department.strip(), title=contact.title.strip(),
                          phone=contact.phone.strip())
        db.session.add(officer)
    return officer


def tags_for(names: list[str]) -> list[Tag]:
    cleaned = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    if not cleaned:
        return []
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(cleaned)))}
    return [existing.get(name) or _new_tag(name) for name in cleaned]


def _new_tag(name: str) -> Tag:
    """Insert a tag under a savepoint of its own (Core, so the half-built posting is not
    flushed): if another process inserted the same tag first, use theirs."""
    connection = db.session.connection()
    try:
        with connection.begin_nested():
            connection.execute(insert(Tag).values(name=name))
    except IntegrityError:
        pass
    with db.session.no_autoflush:
        return db.session.scalar(select(Tag).where(Tag.name == name))


def apply_input(posting: Posting, data: PostingInput) -> Posting:
    """Copy `data` onto `posting`; dates outside their window raise dates.InvalidDates."""
    dates.check(data.kind, data.details, dates.reference_date(posting, data.published_at))
    # No autoflush: a half-filled posting must not be flushed by the lookups below.
    with db.session.no_autoflush:
        _apply(posting, data)
    return posting


def _apply(posting: Posting, data: PostingInput) -> None:
    posting.title = single_line(data.title)
    posting.summary = data.summary.strip()
    posting.body = data.body
    posting.municipality = data.municipality
    # Each once: a partner named twice would be a duplicate row in posting_partners.
    posting.partners = list(dict.fromkeys(m for m in data.partners if m.id != data.municipality.id))
    posting.categories = list(dict.fromkeys(data.categories))
    posting.tags = tags_for(data.fields)
    posting.status = data.status
    posting.visibility = data.visibility
    posting.image_url = data.image_url or None
    if data.external_id:
        posting.external_id = data.external_id
    if data.officer is not None:
        posting.officer = data.officer
    elif data.contact is not None:
        posting.officer = find_or_create_officer(data.municipality, data.contact, posting.officer)
    if data.published_at is not None:
        posting.published_at = data.published_at
    elif data.status == "published" and posting.published_at is None:
        posting.published_at = utcnow()
    for name in DETAIL_FIELDS[posting.kind]:
        if name in data.details:
            setattr(posting, name, data.details[name])
    if posting.kind == "disaster_offer":
        posting.regions_covered = normalize_coverage(posting.regions_covered)


@dataclass
class Batch:
    """Saves the caller commits together (the importer, the demo loader): each is flushed and
    queued for the index in the caller's transaction, nothing more, until `finish()`."""

    published: list[int] = field(default_factory=list)  # new to the officers of open requests

    def finish(self) -> int:
        """Commit, bring the index up to date, then tell the officers of open requests about
        the postings published now (only once the index has them: their fit is searched).
        Returns the index changes still pending."""
        db.session.commit()
        pending = indexing.sync()
        if self.published and not pending:
            notices.notify_fits(self.published)
        return pending


def create_posting(data: PostingInput, actor, batch: Batch | None = None) -> Posting:
    """Create a posting for `data.municipality`; `actor=None` is the trusted CLI."""
    if actor is not None and not permissions.can_create_posting_for(actor, data.municipality.id):
        raise permissions.Forbidden
    posting = POSTING_CLASSES[data.kind]()
    posting.created_by_id = getattr(actor, "id", None)
    apply_input(posting, data)
    db.session.add(posting)
    return _saved(posting, published_now=posting.status == "published", batch=batch)


def update_posting(posting: Posting, data: PostingInput, actor, batch: Batch | None = None) -> Posting:
    if actor is not None and not (
        permissions.can_edit_posting(actor, posting)
        and permissions.can_create_posting_for(actor, data.municipality.id)
    ):
        raise permissions.Forbidden
    was_published = posting.status == "published"
    apply_input(posting, data)
    return _saved(posting, published_now=posting.status == "published" and not was_published, batch=batch)


def archive_posting(posting: Posting, actor) -> Posting:
    if actor is not None and not permissions.can_edit_posting(actor, posting):
        raise permissions.Forbidden
    posting.status = "archived"
    return _saved(posting, published_now=False)


def restore_posting(posting: Posting, actor) -> Posting:
    """Undo an archive: back to published if it had been published, else to draft."""
    if actor is not None and not permissions.can_edit_posting(actor, posting):
        raise permissions.Forbidden
    if posting.status == "archived":
        posting.status = "published" if posting.published_at is not None else "draft"
    return _saved(posting, published_now=False)


def set_request_status(posting: PartnershipRequest, status: str, actor, batch: Batch | None = None) -> Posting:
    if actor is not None and not permissions.can_edit_posting(actor, posting):
        raise permissions.Forbidden
    posting.request_status = status
    return _saved(posting, published_now=False, batch=batch)


def _saved(posting: Posting, published_now: bool, batch: Batch | None = None) -> Posting:
    # The index change is queued in the same transaction; the index itself is only touched
    # after the commit (and after the response: the officer does not wait for the index
    # writer), so a failed or lost index write can never lose the posting.
    db.session.flush()
    indexing.queue(posting.id)
    if batch is not None:
        if published_now and notices.is_new(posting):  # an import of old postings tells nobody
            batch.published.append(posting.id)
        return posting
    db.session.commit()
    indexing.apply_soon()
    if published_now:  # it may fit others' open requests: tell their officers once it is indexed
        after_response(notices.notify_fits, (posting.id,))
    return posting
