"""The administration index's list of apps and models, written in Python.

``templates/admin/app_list.html`` (which overrides Django's) calls ``{% admin_app_list %}``. It
writes the markup of Django's own template for the same context (every app a table, every model
a row with its add and change or view links), escaped as the template escapes it: about ninety
models are registered, and the template language would resolve each of their dozen lookups one
by one.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_app_list(context: template.Context) -> SafeString:
    app_list = context.get("app_list") or []
    if not app_list:
        return format_html("<p>{}</p>", gettext("You don’t have permission to view or edit anything."))
    request = context.get("request")
    path = quote(getattr(request, "path", ""))
    show_changelinks = bool(context.get("show_changelinks"))
    add_word, view_word, change_word = (escape(gettext(w)) for w in ("Add", "View", "Change"))
    head = ('<thead class="visually-hidden"><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead>').format(
        *(escape(gettext(w)) for w in ("Model name", "Add link", "Change or view list link")))
    out: list[str] = []
    for app in app_list:
        label, url = escape(app["app_label"]), app["app_url"]
        title = escape(gettext("Models in the %(name)s application") % {"name": app["name"]})
        out.append(f'<div class="app-{label} module{" current-app" if url and url in path else ""}"><table>'
                   f'<caption><a href="{escape(url)}" class="section" title="{title}">{escape(app["name"])}</a>'
                   f"</caption>{head}")
        for model in app["models"]:
            name = escape(str(model["object_name"]).lower())
            admin_url, add_url = model.get("admin_url"), model.get("add_url")
            current = bool(admin_url and admin_url in path)
            row_id = f"{label}-{name}"
            title = escape(model["name"])
            if admin_url:
                mark = ' aria-current="page"' if current else ""
                title = f'<a href="{escape(admin_url)}"{mark}>{title}</a>'
            add = (f'<td><a href="{escape(add_url)}" class="addlink" aria-describedby="{row_id}">{add_word}</a></td>'
                   if add_url else "<td></td>")
            change = ""
            if admin_url and show_changelinks:
                kind, word = ("view", view_word) if model.get("view_only") else ("change", change_word)
                change = (f'<td><a href="{escape(admin_url)}" class="{kind}link" aria-describedby="{row_id}">'
                          f"{word}</a></td>")
            elif show_changelinks:
                change = "<td></td>"
            out.append(f'<tr class="model-{name}{" current-model" if current else ""}">'
                       f'<th scope="row" id="{row_id}">{title}</th>{add}{change}</tr>')
        out.append("</table></div>")
    return mark_safe("\n".join(out))  # noqa: S308  # every value is escaped above


def escape(value: Any) -> str:
    """``value`` as the template's autoescaping writes it (``html.escape`` of its text)."""
    return html.escape(str(value))
