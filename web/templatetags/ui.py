"""Template tags of the shared web kit: ``{% load ui %}``.

Filters: ``{{ amount|usd }}`` ($1,234,567.89; ``-$1.00``), ``{{ amount|plain_amount }}``.
Tags: ``{% form_field field %}``, ``{% form_errors form %}``, ``{% progress_bar ... %}``,
``{% bar_chart chart %}``, ``{% main_menu %}``, ``{% site_nav %}`` (the header navigation of the
user's roles), ``{% breadcrumbs %}`` (Home, the menu entry holding the page, the page's title).
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

import money
from web import nav
from web.charts import BarChart

register = template.Library()


@register.filter
def usd(value: Any) -> str:
    """``$1,234,567.89`` from Money/Decimal/int/str; a float raises ``TypeError``."""
    return money.format_usd(value)


@register.filter
def plain_amount(value: Any) -> str:
    return money.plain_amount(value)


@register.filter
def shows_audit_trail(user: Any) -> bool:
    """``{% if user|shows_audit_trail %}``: the header links the audit trail (``nav.shows_audit_trail``)."""
    return nav.shows_audit_trail(user)


@register.inclusion_tag("includes/form_field.html")
def form_field(field: forms.BoundField) -> dict[str, Any]:
    """A labelled field with its help text and errors, tied to the input by aria-describedby."""
    auto_id = field.auto_id or f"id_{field.html_name}"
    help_id = f"{auto_id}_helptext"
    error_id = f"{auto_id}_error"
    described = []
    if field.help_text:
        described.append(help_id)
    if field.errors:
        described.append(error_id)
    attrs: dict[str, str | bool] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required and not isinstance(field.field.widget, forms.CheckboxInput):
        attrs["aria-required"] = "true"
    widget = field.field.widget
    grouped = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    uswds = _uswds_class(widget, bool(field.errors))
    if uswds:
        attrs["class"] = " ".join(c for c in (widget.attrs.get("class", ""), uswds) if c)
    return {
        "field": field,
        "widget_html": field.as_widget(attrs=attrs),
        "help_id": help_id,
        "error_id": error_id,
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "grouped": grouped,
    }


def _uswds_class(widget: forms.Widget, invalid: bool) -> str:
    """The U.S. Web Design System class of a widget (``usa-input``, ``usa-select``, ...)."""
    if isinstance(widget, forms.CheckboxInput):
        return "usa-checkbox__input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput | forms.FileInput):
        return ""
    if isinstance(widget, forms.Select):
        base = "usa-select"
    elif isinstance(widget, forms.Textarea):
        base = "usa-textarea"
    else:
        base = "usa-input"
    return f"{base} {base.split('__')[0]}--error" if invalid else base


@register.inclusion_tag("includes/form_errors.html")
def form_errors(form: forms.BaseForm) -> dict[str, Any]:
    """A summary at the top of a form: non-field errors, and a link to each field in error."""
    fields_in_error = [form[name] for name in form.errors if name != NON_FIELD_ERRORS and name in form.fields]
    return {"form": form, "fields_in_error": fields_in_error}


@register.inclusion_tag("includes/progress.html")
def progress_bar(percent: Any, label: str, status_url: str = "", done_url: str = "",
                 failed: bool = False, interval: str = "2s") -> dict[str, Any]:
    """A progress bar that asks ``status_url`` again every ``interval`` until done or failed.

    The view behind ``status_url`` returns this same partial (htmx swaps it in place).
    """
    value = max(0, min(100, int(percent or 0)))
    done = value >= 100 and not failed
    return {
        "percent": value,
        "label": label,
        "status_url": status_url,
        "done_url": done_url,
        "done": done,
        "failed": failed,
        "polling": bool(status_url) and not done and not failed,
        "interval": interval,
    }


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(chart: BarChart) -> dict[str, Any]:
    return {"chart": chart}


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    current = getattr(request, "path", "")
    return {"links": nav.menu_links(user), "current": current, "menu_label": _("Main")}


def _menu(request: Any) -> nav.Menu:
    """The user's header menu, built once per request."""
    menu = getattr(request, "_site_menu", None)
    if menu is None:
        menu = nav.header_menu(getattr(request, "user", None))
        if request is not None:
            request._site_menu = menu
    return menu


@register.inclusion_tag("includes/site_nav.html", takes_context=True)
def site_nav(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    menu = _menu(request)
    path = getattr(request, "path", "")
    section = nav.section_for(menu.links, path)
    return {
        "menu": menu,
        "current": section.href if section else "",
        "more_current": bool(section and section in menu.more),
        "home_current": path == "/",
    }


def _block_text(context: template.Context, name: str) -> str:
    """The text of the template block ``name`` (e.g. the page title), tags stripped."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context is not None else None
    if block is None:
        return ""
    with context.push():
        return " ".join(strip_tags(block.nodelist.render(context)).split())


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context: template.Context) -> dict[str, Any]:
    """Home › the menu entry holding this page › this page (nothing on the home page itself)."""
    request = context.get("request")
    path = getattr(request, "path", "/")
    user = getattr(request, "user", None)
    if path == "/" or not (user and user.is_authenticated):
        return {"trail": [], "current": ""}
    title = _block_text(context, "title")
    trail = [nav.Link(_("Home"), "/")]
    section = nav.section_for(_menu(request).links, path)
    if section and section.href != path:
        trail.append(section)
    elif section and not title:
        title = section.label
    return {"trail": trail, "current": title}


def _readable(value: Any) -> str:
    """A recorded value for people: ISO timestamps as local dates, nested data as "name: value"."""
    import datetime as dt

    from django.utils import formats, timezone

    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_readable(v) for v in value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    text = str(value)
    try:
        if len(text) >= 16 and text[4] == "-" and text[10] in "T ":
            moment = dt.datetime.fromisoformat(text)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
    except ValueError:
        pass
    return text


def _label(key: Any) -> str:
    return str(key).replace("_", " ").capitalize()


@register.filter
def readable_changes(value: Any) -> list[tuple[str, str]]:
    """``{{ event.after|readable_changes }}``: (label, value) pairs of recorded data, for people."""
    if not isinstance(value, dict):
        return [] if value in (None, "", {}) else [("", _readable(value))]
    return [(_label(k), _readable(v)) for k, v in value.items()]
