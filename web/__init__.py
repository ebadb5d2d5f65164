"""The shared web kit every page uses.

* ``money``: ``MoneyAmountField``, the form field for amounts typed in the user's
  language (shown with the top-level ``money.format_usd``, parsed with ``money.parse_amount``);
* ``tables``: sortable, filterable, paginated tables with a CSV export of the same rows;
* ``once``: once-only form tokens, so a double-submitted form does its work once;
* ``charts``: server-rendered, accessible bar charts (inline SVG plus a data table);
* ``nav``: the role-aware navigation and dashboard entries.

Templates use them through ``{% load ui %}`` (``web/templatetags/ui.py``) and the
partials in ``templates/includes/``.
"""
