"""The folded search key."""

from __future__ import annotations

import pytest

from models.todo import SEARCH_KEY_MAX_LENGTH
from todos.search import fold, search_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("CAFÉ au lait", "cafe au lait"),
        ("Straße", "strasse"),
        ("ÅNGSTRÖM", "angstrom"),
        ("Ωμέγα", "ωμεγα"),
        ("\uff26\uff55\uff4c\uff4c width", "full width"),  # full-width letters
        ("emoji 😀 stays", "emoji 😀 stays"),
    ],
)
def test_fold_removes_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_search_key_fits_its_column() -> None:
    assert len(search_key("ﷺ" * 256)) == SEARCH_KEY_MAX_LENGTH
