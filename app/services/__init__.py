"""Business rules as plain functions, called by views and the CLI alike, one package per
domain: postings, events, contact, mail, search, public, accounts, data."""
