"""Renderers: plain data in, PDF story and CSV tables out (no ORM here)."""
