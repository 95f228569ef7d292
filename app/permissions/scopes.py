"""Query scopes: what a user may list. Each returns a SELECT (or a WHERE clause) that pages,
feeds, counts, the API and search re-checks all build on, so a list can never show what the
object rules in rules.py would refuse."""

from sqlalchemy import Select, and_, false, or_, select, true, union

from app.models import (
    Block,
    BoardTopic,
    Desk,
    Digest,
    Event,
    Follow,
    Municipality,
    Notice,
    Officer,
    Posting,
    Thread,
    User,
)
from app.permissions.roles import (
    acting_municipality_id,
    can_moderate_board,
    is_admin,
    is_central_desk,
    is_official,
    managed_municipality_id,
)


def visible_postings(user) -> Select:
    """Postings the user may see in lists. Drafts only for those who may edit them."""
    stmt = select(Posting)
    if not is_official(user):
        return stmt.where(Posting.status == "published", Posting.visibility == "public")
    if is_admin(user):
        return stmt
    own = acting_municipality_id(user)
    shown = Posting.status.in_(["published", "archived"])
    if own is not None:
        shown = or_(shown, Posting.municipality_id == own)
    return stmt.where(shown)


def visible_events(user) -> Select:
    """Events are public only when marked public AND their posting (if any) is visible."""
    posting_ids = visible_postings(user).with_only_columns(Posting.id)
    stmt = select(Event).where(or_(Event.posting_id.is_(None), Event.posting_id.in_(posting_ids)))
    if not is_official(user):
        stmt = stmt.where(Event.visibility == "public")
    return stmt


def inbox_threads(user):
    """WHERE clause of the threads waiting in the user's inbox: an officer's own, a desk's,
    or all (admin). Narrower than can_read_thread, which also lets a ward desk look at its
    officers' threads and the central desk at every thread."""
    if is_admin(user):
        return Thread.id.is_not(None)
    if getattr(user, "officer", None) is not None:
        return Thread.officer_id == user.officer.id
    if is_official(user) and user.role == "liaison" and user.desk_id is not None:
        return Thread.desk_id == user.desk_id
    return false()


def left_to_desk(user):
    """WHERE clause narrowing the user's inbox to the threads they must answer themselves
    (rules.handles_thread): for a desk, not those waiting for an officer who can log in;
    everyone else answers every thread of their inbox."""
    if is_official(user) and user.role == "liaison":
        return Thread.officer_id.is_(None) | Thread.officer_id.not_in(officers_with_account())
    return true()


def officers_for_handover(user) -> Select:
    """Officers whose transfer the user may record (rules.can_hand_over): a ward desk its own
    ward's, the central desk and admins everyone's, nobody else any."""
    stmt = select(Officer)
    if is_admin(user) or is_central_desk(user):
        return stmt
    if is_official(user) and user.role == "liaison" and user.desk is not None:
        return stmt.where(Officer.municipality_id == user.desk.municipality_id)
    return stmt.where(false())


def forward_targets(user, thread) -> Select:
    """Officers in post that the user may forward the thread to (once rules.can_forward_thread
    allows forwarding it at all): a ward desk its own ward's; the central desk and admins
    those of the thread's municipality, or of the special wards for a thread to no one town."""
    stmt = (select(Officer).join(Municipality, Officer.municipality_id == Municipality.id)
            .where(Officer.active.is_(True)))
    desk = getattr(user, "desk", None)
    if desk is not None and not desk.is_central:
        return stmt.where(Officer.municipality_id == desk.municipality_id)
    if thread.municipality_id is not None:
        return stmt.where(Officer.municipality_id == thread.municipality_id)
    return stmt.where(Municipality.kind == "special_ward")


def inbox_notices(user):
    """WHERE clause of the platform's notices in the user's inbox: those to their officer record."""
    officer = getattr(user, "officer", None)
    if is_official(user) and officer is not None:
        return Notice.officer_id == officer.id
    return false()


def blocked_senders(user) -> Select:
    """Addresses the user has blocked (their messages stay stored but out of the inbox)."""
    return select(Block.sender_email).where(Block.user_id == user.id)


def officers_with_account() -> Select:
    """Ids of officers who can log in (roles.has_account): threads for them wait for them,
    not for a desk."""
    return select(Officer.id).join(User, Officer.user_id == User.id).where(
        User.active.is_(True), User.approval == "approved")


def visible_topics(user) -> Select:
    """Board topics the user may list: none for residents, hidden ones only for their author
    and the moderators."""
    stmt = select(BoardTopic)
    if not is_official(user):
        return stmt.where(false())
    if can_moderate_board(user):
        return stmt
    return stmt.where(or_(BoardTopic.hidden_at.is_(None), BoardTopic.author_id == user.id))


def public_board_topics(user):
    """WHERE clause for lists and counts that everybody reads alike (category counts, related
    topics, digests): hidden topics never, whoever asks; nothing at all for residents."""
    if not is_official(user):
        return false()
    return BoardTopic.hidden_at.is_(None)


# --- accounts ------------------------------------------------------------------------------


def _usable_managers():
    return and_(User.manages_accounts.is_(True), User.active.is_(True), User.approval == "approved")


def account_managers(municipality_id: int) -> Select:
    """The usable account managers of a municipality: its officers with the role, and the
    members of its ward desk with it."""
    return (
        select(User).outerjoin(Desk, User.desk_id == Desk.id)
        .where(_usable_managers(), or_(
            and_(User.role == "officer", User.municipality_id == municipality_id),
            and_(User.role == "liaison", Desk.municipality_id == municipality_id),
        ))
        .order_by(User.id)
    )


def municipalities_with_manager():
    """Ids of municipalities that have at least one usable account manager."""
    return union(
        select(User.municipality_id).where(_usable_managers(), User.role == "officer",
                                           User.municipality_id.is_not(None)),
        select(Desk.municipality_id).join(User, User.desk_id == Desk.id)
        .where(_usable_managers(), User.role == "liaison", Desk.municipality_id.is_not(None)),
    )


def manageable_accounts(user) -> Select:
    """Officer accounts the user may approve, refuse, suspend or reactivate (see
    rules.can_manage_account): all for admins, their municipality's for an account manager,
    those of municipalities without a manager for the central desk."""
    stmt = select(User).where(User.role == "officer", User.municipality_id.is_not(None))
    if is_admin(user):
        return stmt
    own = managed_municipality_id(user)
    if own is not None:
        return stmt.where(User.municipality_id == own)
    if is_central_desk(user):
        return stmt.where(User.municipality_id.not_in(municipalities_with_manager()))
    return stmt.where(false())


def pending_signups(user) -> Select:
    """Verified sign-ups waiting for the user's decision (unverified ones are not shown)."""
    return manageable_accounts(user).where(User.approval == "pending",
                                           User.email_verified_at.is_not(None))


def own_follows(user) -> Select:
    """The user's own saved searches and follows (nobody sees another's)."""
    if not is_official(user):
        return select(Follow).where(false())
    return select(Follow).where(Follow.user_id == user.id)


def own_digests(user) -> Select:
    if not is_official(user):
        return select(Digest).where(false())
    return select(Digest).where(Digest.user_id == user.id)
