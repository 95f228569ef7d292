"""Who may do what: one place, used by views, services, search and the API.

Each rule is a plain function of (user, object). `user` may be Flask-Login's anonymous user or
None (residents, the CLI's "nobody"). Views turn a False into a 403 with `require`.
"""

from flask import abort


def _is_official(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_official(user) -> bool:
    """Logged-in officers, liaison-desk members and admins may see officials-only content."""
    return _is_official(user)


def is_admin(user) -> bool:
    return _is_official(user) and user.role == "admin"


def acting_municipality_id(user) -> int | None:
    """The municipality whose postings the user manages: an officer's own, or a ward desk's ward."""
    if not _is_official(user):
        return None
    if user.role == "officer":
        return user.municipality_id
    if user.role == "liaison" and user.desk is not None:
        return user.desk.municipality_id  # None for the central desk: it manages no postings
    return None


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


def can_manage_users(user) -> bool:
    return is_admin(user)


def can_manage_desk(user, desk) -> bool:
    """Desk members (and admins) triage the desk's inbox; the central desk sees every ward's."""
    if is_admin(user):
        return True
    if not _is_official(user) or user.role != "liaison" or user.desk is None:
        return False
    return user.desk.is_central or user.desk_id == desk.id


def can_hand_over(user, officer) -> bool:
    """Admins, and liaison desks for officers of their own ward (the central desk for all)."""
    if is_admin(user):
        return True
    if not _is_official(user) or user.role != "liaison" or user.desk is None:
        return False
    return user.desk.is_central or user.desk.municipality_id == officer.municipality_id


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


def can_edit_event(user, event) -> bool:
    return can_create_posting_for(user, event.municipality_id)


def require(allowed: bool) -> None:
    """Abort with 403 unless allowed (views call this after loading the object)."""
    if not allowed:
        abort(403)
