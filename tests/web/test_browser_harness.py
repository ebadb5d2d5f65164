"""Without a browser the browser tests fail, so a pass count cannot hide them; they skip only
when ALLOW_SKIP_BROWSER=1 says so."""

import pytest

from tests.web.conftest import _no_browser


def test_no_browser_fails_with_the_reason(monkeypatch):
    monkeypatch.delenv("ALLOW_SKIP_BROWSER", raising=False)
    with pytest.raises(pytest.fail.Exception, match="chromium is missing. Browser tests do not skip"):
        _no_browser("chromium is missing")


@pytest.mark.parametrize("value", ["0", "", "yes"])
def test_only_the_exact_opt_out_skips(monkeypatch, value):
    monkeypatch.setenv("ALLOW_SKIP_BROWSER", value)
    with pytest.raises(pytest.fail.Exception):
        _no_browser("chromium is missing")


def test_allow_skip_browser_turns_the_failure_into_a_skip(monkeypatch):
    monkeypatch.setenv("ALLOW_SKIP_BROWSER", "1")
    with pytest.raises(pytest.skip.Exception, match="chromium is missing"):
        _no_browser("chromium is missing")
