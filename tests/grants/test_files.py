"""Attachment types are read from content."""

import pytest

from grants import files
from tests.grants import factories as gf


@pytest.mark.parametrize(("content", "kind"), [
    (gf.PDF, "pdf"), (gf.PNG, "png"), (gf.JPEG, "jpeg"), (gf.office("docx"), "docx"),
    (gf.office("xlsx"), "xlsx"), (gf.plain_zip(), None), (b"GIF89a....", None), (b"PK\x03\x04broken", None),
])
def test_detect_type_from_magic_bytes(content, kind):
    assert files.detect_type(content) == kind


def test_claimed_type_is_from_the_extension_only():
    assert files.claimed_type("Budget.XLSX") == "xlsx"
    assert files.claimed_type("photo.jpeg") == "jpeg"
    assert files.claimed_type("pdf") is None
    assert files.claimed_type("notes.txt") is None
