"""Who the user is: official or not, admin, desk, account manager, the municipality they act
for. Rules (rules.py) and scopes (scopes.py) are built on these; neither is imported here.

`user` may be Flask-Login's anonymous user or None (residents, the CLI's "nobody").
"""


def _is_official(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_official(user) -> bool:
    """Logged-in officers, liaison-desk members and admins may see officials-only content."""
    return _is_official(user)


def is_admin(user) -> bool:
    return _is_official(user) and user.role == "admin"


def is_officer(user) -> bool:
    """A municipality's officer (not a liaison desk, not an admin)."""
    return _is_official(user) and user.role == "officer"


def acting_municipality_id(user) -> int | None:
    """The municipality whose postings the user manages: an officer's own, or a ward desk's ward."""
    if not _is_official(user):
        return None
    if user.role == "officer":
        officer = user.officer
        if officer is not None and not officer.active:
            return None  # transferred (人事異動): the handover took the old municipality's work away
        return user.municipality_id
    if user.role == "liaison" and user.desk is not None:
        return user.desk.municipality_id  # None for the central desk: it manages no postings
    return None


def account_municipality_id(user) -> int | None:
    """The municipality whose staff an account counts as: an officer's own, a ward desk's ward
    (the central desk, admins and anonymous users have none). Whether or not it may log in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.role == "officer":
        return user.municipality_id
    if user.role == "liaison" and user.desk is not None:
        return user.desk.municipality_id
    return None


def managed_municipality_id(user) -> int | None:
    """The municipality whose accounts the user manages (an account manager), else None."""
    if _is_official(user) and getattr(user, "manages_accounts", False):
        return account_municipality_id(user)
    return None


def is_central_desk(user) -> bool:
    return (_is_official(user) and user.role == "liaison" and user.desk is not None
            and user.desk.is_central)


def can_moderate_board(user) -> bool:
    """Liaison desks and admins hide answers, close topics and handle reports."""
    return _is_official(user) and user.role in ("liaison", "admin")


def has_account(officer) -> bool:
    """The officer can log in (so the thread waits for them, not for a desk)."""
    return officer is not None and officer.user is not None and officer.user.is_active
