"""Who may do what: every rule and every list scope, in one place.

- roles.py: who the user is (`is_admin(user)`, `acting_municipality_id(user)` …);
- rules.py: one object at a time (`can_edit_posting(user, posting)` …), True or False;
- scopes.py: what a user may list (`visible_postings(user)` …), as SELECTs to build on.

Views and services ask these and nothing else. A refusal is `Forbidden`, turned into a 403
(or a 404 where the object's existence is not to be revealed) by one error handler.
"""

from app.permissions.roles import (
    account_municipality_id,
    acting_municipality_id,
    can_moderate_board,
    has_account,
    is_admin,
    is_central_desk,
    is_officer,
    is_official,
    managed_municipality_id,
)
from app.permissions.rules import (
    can_answer_topic,
    can_be_account_manager,
    can_choose_municipality,
    can_contact_board_author,
    can_convert_topic,
    can_create_posting,
    can_create_posting_for,
    can_declare_disaster,
    can_edit_board_item,
    can_edit_event,
    can_edit_posting,
    can_follow,
    can_forward_thread,
    can_forward_to,
    can_grant_manager,
    can_hand_over,
    can_list_officers,
    can_manage_account,
    can_manage_domains,
    can_manage_follow,
    can_manage_mail,
    can_mark_answer,
    can_read_answer,
    can_read_notice,
    can_read_thread,
    can_record_outcome,
    can_report_board_item,
    can_suspend_account,
    can_transfer,
    can_use_board,
    can_view_event,
    can_view_posting,
    can_view_staff_accounts,
    can_view_topic,
    handles_thread,
    municipality_has_manager,
)
from app.permissions.scopes import (
    account_managers,
    blocked_senders,
    forward_targets,
    inbox_notices,
    inbox_threads,
    left_to_desk,
    manageable_accounts,
    officers_for_handover,
    officers_with_account,
    own_digests,
    own_follows,
    pending_signups,
    public_board_topics,
    visible_events,
    visible_postings,
    visible_topics,
)


class Forbidden(Exception):
    """The acting user may not do this. `hide=True` answers 404, as for a missing object, so
    that ids cannot be probed; the message (Japanese) is shown when given."""

    def __init__(self, message: str = "", *, hide: bool = False):
        super().__init__(message)
        self.message = message
        self.hide = hide


def require(allowed: bool, message: str = "", *, hide: bool = False) -> None:
    """Raise Forbidden unless allowed (views and services call this after loading the object)."""
    if not allowed:
        raise Forbidden(message, hide=hide)


__all__ = [
    "Forbidden", "require",
    "account_municipality_id", "acting_municipality_id", "can_create_posting",
    "can_create_posting_for", "can_edit_event", "can_edit_posting", "can_follow",
    "can_forward_thread", "can_manage_follow",
    "can_grant_manager", "can_hand_over", "can_manage_account", "can_manage_mail", "can_manage_domains",
    "can_read_thread", "can_suspend_account", "can_view_event", "can_view_posting", "can_view_staff_accounts",
    "handles_thread", "has_account", "is_admin", "is_central_desk", "is_officer", "is_official",
    "managed_municipality_id", "municipality_has_manager",
    "can_answer_topic", "can_contact_board_author", "can_convert_topic", "can_edit_board_item",
    "can_mark_answer", "can_moderate_board", "can_read_answer", "can_report_board_item",
    "can_use_board", "can_view_topic",
    "account_managers", "blocked_senders", "inbox_threads", "manageable_accounts",
    "officers_with_account", "own_digests", "own_follows", "pending_signups", "visible_events", "visible_postings",
    "public_board_topics", "visible_topics",
    "can_read_notice", "inbox_notices",
    "can_be_account_manager", "can_choose_municipality", "can_forward_to", "can_list_officers", "can_transfer",
    "forward_targets", "left_to_desk", "officers_for_handover", "can_declare_disaster", "can_record_outcome",
]
