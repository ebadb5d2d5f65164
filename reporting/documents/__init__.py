"""Documents: each one's frozen dataclasses, its tables (declared once for PDF and twin) and
its PDF story (no ORM here)."""
