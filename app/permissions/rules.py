"""Rules on one object: plain functions of (user, object) that answer True or False.

`user` may be Flask-Login's anonymous user or None (residents, the CLI's "nobody"). Who the
user is comes from roles.py; what they may list from scopes.py (a rule that needs a query asks
a scope, so the two can never disagree).
"""

from app.extensions import db
from app.models import Officer
from app.permissions import scopes
from app.permissions.roles import (
    _is_official,
    account_municipality_id,
    acting_municipality_id,
    can_moderate_board,
    has_account,
    is_admin,
    is_central_desk,
    is_officer,
    managed_municipality_id,
)


def can_manage_mail(user) -> bool:
    """Resend or drop mail the outbox gave up on (it may hold private reply links)."""
    return is_admin(user)


def can_view_posting(user, posting) -> bool:
    if posting.is_public:
        return True
    if not _is_official(user):
        return False
    if posting.status == "draft":
        return can_edit_posting(user, posting)
    return True  # published/archived officials-only postings: any official


def can_create_posting(user) -> bool:
    return is_admin(user) or acting_municipality_id(user) is not None


def can_create_posting_for(user, municipality_id: int) -> bool:
    return is_admin(user) or (
        municipality_id is not None and acting_municipality_id(user) == municipality_id
    )


def can_edit_posting(user, posting) -> bool:
    return can_create_posting_for(user, posting.municipality_id)


def can_hand_over(user, officer) -> bool:
    """Admins, and liaison desks for officers of their own ward (the central desk for all)."""
    if is_admin(user):
        return True
    if not _is_official(user) or user.role != "liaison" or user.desk is None:
        return False
    return user.desk.is_central or user.desk.municipality_id == officer.municipality_id


def can_suspend_account(user, account) -> bool:
    """Suspending a login is for admins (never one's own)."""
    return is_admin(user) and account is not None and account.id != user.id


def can_list_officers(user) -> bool:
    """The officers page (handovers): desks and admins; which officers: scopes.officers_for_handover."""
    return is_admin(user) or (_is_official(user) and user.role == "liaison" and user.desk is not None)


def can_read_thread(user, thread) -> bool:
    """The recipient officer, members of the desk handling it, and admins."""
    if is_admin(user):
        return True
    if not _is_official(user):
        return False
    officer = getattr(user, "officer", None)
    if officer is not None and thread.officer_id == officer.id:
        return True
    if user.role == "liaison" and user.desk is not None:
        if user.desk.is_central:
            return True
        if thread.desk_id == user.desk_id:
            return True
        # A ward desk also looks after threads of its own ward's officers (escalation).
        return thread.municipality_id == user.desk.municipality_id
    return False


def can_forward_thread(user, thread) -> bool:
    """Desks (and admins) route threads on to a named officer; officers answer their own."""
    if is_admin(user):
        return True
    return _is_official(user) and user.role == "liaison" and can_read_thread(user, thread)


def can_forward_to(user, thread, officer) -> bool:
    """Forward this thread to this officer: one of scopes.forward_targets."""
    if officer is None or not can_forward_thread(user, thread):
        return False
    targets = scopes.forward_targets(user, thread).where(Officer.id == officer.id)
    return db.session.scalar(targets.with_only_columns(Officer.id)) is not None


def handles_thread(user, thread) -> bool:
    """The user is who the thread is waiting for (not merely allowed to look): its officer
    when they have an account, else the desk holding it."""
    officer = getattr(user, "officer", None)
    if thread.officer is not None and has_account(thread.officer):
        return officer is not None and thread.officer_id == officer.id
    return bool(getattr(user, "desk_id", None) and thread.desk_id == user.desk_id)


def can_view_event(user, event) -> bool:
    if event.posting is not None and not can_view_posting(user, event.posting):
        return False
    return event.visibility == "public" or _is_official(user)


def can_edit_event(user, event) -> bool:
    return can_create_posting_for(user, event.municipality_id)


# --- the officials' exchange board ---------------------------------------------------------
# Residents have no account: for them the board does not exist (404 everywhere).


def can_use_board(user) -> bool:
    return _is_official(user)


def _is_author(user, item) -> bool:
    return _is_official(user) and item.author_id == user.id


def can_view_topic(user, topic) -> bool:
    """Any official; a hidden topic only its author and the moderators."""
    if not _is_official(user):
        return False
    return not topic.is_hidden or _is_author(user, topic) or can_moderate_board(user)


def can_read_answer(user, answer) -> bool:
    """A hidden answer's text: its author and the moderators (others see a placeholder)."""
    if not _is_official(user):
        return False
    return not answer.is_hidden or _is_author(user, answer) or can_moderate_board(user)


def can_answer_topic(user, topic) -> bool:
    return can_view_topic(user, topic) and not topic.is_hidden and not topic.is_closed


def can_edit_board_item(user, item, now, window) -> bool:
    """Authors edit their own topic or answer within `window` (a timedelta) of writing it,
    unless a moderator hid it."""
    return _is_author(user, item) and not item.is_hidden and now - item.created_at <= window


def can_mark_answer(user, answer) -> bool:
    """The topic's author marks answers 参考になった / 解決 (not their own)."""
    topic = answer.topic
    return (_is_author(user, topic) and not topic.is_hidden and not answer.is_hidden
            and answer.author_id != user.id)


def can_report_board_item(user, item) -> bool:
    return _is_official(user) and item.author_id != user.id and not item.is_hidden


def can_contact_board_author(user, item) -> bool:
    """Officials write to the author through the contact routing (never to an address)."""
    return _is_official(user) and item.author_id != user.id and item.author is not None


def can_convert_topic(user, topic) -> bool:
    """The author turns their topic into a partnership request (or a case study) of their own
    municipality; admins may do it for any topic."""
    if topic.is_hidden or not _is_official(user):
        return False
    return is_admin(user) or (_is_author(user, topic) and can_create_posting(user))


# --- accounts: sign-up approval, suspension, official domains ----------------------------


def municipality_has_manager(municipality_id: int | None) -> bool:
    if municipality_id is None:
        return False
    return db.session.scalar(scopes.account_managers(municipality_id).limit(1)) is not None


def can_manage_account(user, account) -> bool:
    """Approve or refuse a sign-up, suspend or reactivate an officer's account: admins; the
    account managers of the account's municipality; the central desk where that municipality
    has no account manager yet. Desk and admin accounts are the admins' business."""
    if account is None:
        return False
    if is_admin(user):
        return True
    if account.role != "officer" or account.municipality_id is None:
        return False
    if managed_municipality_id(user) == account.municipality_id:
        return True
    return is_central_desk(user) and not municipality_has_manager(account.municipality_id)


def can_view_staff_accounts(user) -> bool:
    """The staff-accounts pages: whoever may manage some municipality's accounts."""
    return is_admin(user) or managed_municipality_id(user) is not None or is_central_desk(user)


def can_manage_domains(user, municipality) -> bool:
    """Official e-mail domains decide who may sign up: admins and the own account managers."""
    return municipality is not None and (
        is_admin(user) or managed_municipality_id(user) == municipality.id)


def can_grant_manager(user, account) -> bool:
    """Only admins make (or unmake) account managers."""
    return is_admin(user) and account is not None


def can_read_notice(user, notice) -> bool:
    """A notice is for the officer it names (the platform's message to them), and admins."""
    if is_admin(user):
        return True
    officer = getattr(user, "officer", None)
    return _is_official(user) and officer is not None and notice.officer_id == officer.id


def can_transfer(user) -> bool:
    """Moving one's account to another municipality (人事異動) is for officer accounts."""
    return is_officer(user)


def can_choose_municipality(user) -> bool:
    """Admins and the central desk work for every municipality: they pick one on the staff
    and officers pages; an account manager or a ward desk sees their own."""
    return is_admin(user) or is_central_desk(user)


def can_be_account_manager(account) -> bool:
    """Only an approved account that counts as some municipality's staff (an officer, a ward
    desk member) can be made its account manager (see can_grant_manager for who makes it)."""
    return account is not None and (account_municipality_id(account) is not None
                                    and account.approval == "approved")


def can_follow(user) -> bool:
    """Saved searches, follows and digests are for logged-in officials."""
    return _is_official(user)


def can_manage_follow(user, follow) -> bool:
    """A follow (and its digests) belong to the one who made it, and nobody else."""
    return _is_official(user) and follow.user_id == user.id


def can_declare_disaster(user) -> bool:
    """Liaison desks and admins declare, change and end disasters (disaster mode)."""
    return is_admin(user) or (_is_official(user) and user.role == "liaison")


def can_record_outcome(user, request) -> bool:
    """Whoever may edit a partnership request records the partnership it led to."""
    return request.kind == "partnership_request" and can_edit_posting(user, request)
