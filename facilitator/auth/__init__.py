"""Accounts: sign-in, first-run setup, a facilitator's own settings and the practice admin's page."""
