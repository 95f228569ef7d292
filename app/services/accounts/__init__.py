"""Accounts: users and sessions (users.py), sign-up and approval (signup.py), official
e-mail domains (domains.py), signed links (tokens.py), password reset (reset.py), change of
address and transfer (address_change.py)."""
