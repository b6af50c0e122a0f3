"""Hooks: the warehouse through the Postgres provider's hook (:mod:`.warehouse`)."""
