"""Turn a ValidationError into one readable line for stderr."""

from django.core.exceptions import ValidationError


def message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
