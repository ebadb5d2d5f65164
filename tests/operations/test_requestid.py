"""Request ids: returned in X-Request-ID, on every log line, and carried into Celery task headers."""

from __future__ import annotations

import json
import logging

import pytest

from operations.requestid import (
    JsonFormatter,
    RequestIdFilter,
    _publish_with_request_id,
    _task_ends,
    _task_starts,
    current,
)


def test_a_new_request_id_is_made_and_returned(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_the_proxy_request_id_is_kept_when_well_formed(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a_01")["X-Request-ID"] == "lb-7f3a_01"


@pytest.mark.parametrize("bad", ["has space", "x" * 33, "<script>", "a;b"])
def test_a_malformed_request_id_is_replaced(client, bad):
    returned = client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
    assert returned != bad and len(returned) == 32


def test_log_records_carry_the_request_id_as_json():
    record = logging.LogRecord("reinvestment", logging.INFO, __file__, 1, "Payment %s recorded", ("17",), None)
    token = current.set("req-123")
    try:
        RequestIdFilter().filter(record)
    finally:
        current.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-123"
    assert line["message"] == "Payment 17 recorded"
    assert line["level"] == "INFO" and line["logger"] == "reinvestment"


def test_celery_headers_carry_the_request_id_into_the_task():
    headers: dict[str, object] = {}
    token = current.set("req-456")
    try:
        _publish_with_request_id(headers=headers)
    finally:
        current.reset(token)
    assert headers == {"request_id": "req-456"}

    class _Request:
        request_id = "req-456"

    class _Task:
        request = _Request()

    _task_starts(task_id="abc", task=_Task())
    assert current.get() == "req-456"
    _task_ends(task_id="abc")
    assert current.get() == "-"


def test_nothing_is_added_to_headers_outside_a_request():
    headers: dict[str, object] = {}
    _publish_with_request_id(headers=headers)
    assert headers == {}
