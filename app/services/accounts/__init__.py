"""Accounts: users, passwords, activation."""
