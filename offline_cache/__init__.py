"""Durable outbox on the terminal: SQLite store, PII encryption, sync client."""
