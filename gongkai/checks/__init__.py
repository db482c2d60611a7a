"""Checks on the data: the 20-day deadline, the audit, frozen years, the publication ledger."""
