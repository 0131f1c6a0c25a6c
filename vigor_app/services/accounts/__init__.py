"""Accounts: registering, signing in and out, sessions, passwords and their reset, mail, single sign-on (OIDC), roles, and the fitness profile a person describes themselves with."""
