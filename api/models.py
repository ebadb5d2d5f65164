"""API tokens and idempotency records."""
