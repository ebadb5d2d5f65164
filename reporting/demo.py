"""Demo data for this app (idempotent); filled in as the app grows."""


def load() -> None:
    return None
