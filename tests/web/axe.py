"""Accessibility check: axe-core (vendored from the npm package ``axe-core``) run in the page.

``assert_accessible(page)`` injects ``tests/web/vendor/axe.min.js`` and fails on any
violation of impact ``serious`` or ``critical`` against the WCAG 2.0/2.1 A and AA rules,
listing each rule with the offending elements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def run_axe(page: Any) -> list[dict[str, Any]]:
    """All axe violations on the current page (every impact)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Served from the page's own origin: the site's Content-Security-Policy allows scripts
        # from 'self' only, and an inline copy would be blocked.
        page.route("**/__axe__/axe.min.js", lambda route: route.fulfill(
            path=str(AXE), content_type="application/javascript"))
        page.add_script_tag(url="/__axe__/axe.min.js")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return list(result["violations"])


def assert_accessible(page: Any) -> None:
    blocking = [v for v in run_axe(page) if v.get("impact") in BLOCKING]
    if blocking:
        lines = []
        for v in blocking:
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"{v['impact']}: {v['id']} ({v['help']}) at {targets}")
        raise AssertionError(f"{page.url}: accessibility violations:\n" + "\n".join(lines))
