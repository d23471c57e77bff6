"""Accounts: who may log in, with which roles, and the links that let them set a password."""
