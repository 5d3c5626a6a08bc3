"""The folded search key: how titles are compared, the same way on every database."""

import unicodedata

from models.todo import SEARCH_KEY_MAX_LENGTH


def fold(text: str) -> str:
    """Case-fold `text` and strip its accents, so "CAFÉ" and "cafe" fold alike."""
    # NFKD splits accented letters into base letter plus combining marks (and maps compatibility
    # forms such as full-width letters to plain ones); dropping the marks removes the accents.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped).casefold()


def is_text(text: str) -> bool:
    """False for strings no database can store: JSON lets lone surrogates ("\\ud800") through."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def search_key(title: str) -> str:
    """The stored key for a title: its folded form, cut to the column's length."""
    return fold(title)[:SEARCH_KEY_MAX_LENGTH]
