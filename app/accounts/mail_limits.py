"""Rate limits of the account pages that send a mail to the address typed in (sign-up, reset,
change of address)."""

from flask import current_app

from app.extensions import limiter
from app.ratelimits import address_key


def _mail_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_MAIL"]


def _mail_address_limit() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_MAIL_ADDRESS"]


def _mail_sent(response) -> bool:
    return response.status_code in (302, 303)


# Forms that send a mail to the address typed in: every POST counts per client address; per
# address typed, only the submissions that sent (or answered "we sent") a mail count, so
# correcting a typo does not use up the few mails an address may be sent.
limit_mail_by_client = limiter.shared_limit(_mail_limit, scope="account-mail-client", methods=["POST"])
limit_mail_by_address = limiter.shared_limit(_mail_address_limit, scope="account-mail-address",
                                             methods=["POST"], key_func=address_key,
                                             deduct_when=_mail_sent)
