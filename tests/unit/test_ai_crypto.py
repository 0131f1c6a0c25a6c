"""API keys at rest: Fernet with a key derived from SECRET_KEY; redaction for logs."""

import pytest

from vigor_app.services.ai import crypto
from vigor_app.settings import reload_settings


def test_a_key_round_trips_and_is_not_stored_in_clear(vigor_env):
    token = crypto.encrypt_api_key("sk-abc-0123456789")
    assert "sk-abc" not in token
    assert token != crypto.encrypt_api_key("sk-abc-0123456789")  # a fresh IV each time
    assert crypto.decrypt_api_key(token) == "sk-abc-0123456789"


def test_another_secret_key_cannot_read_it(vigor_env):
    token = crypto.encrypt_api_key("sk-abc-0123456789")
    vigor_env.setenv("SECRET_KEY", "another-secret-key-for-this-test")
    reload_settings()
    with pytest.raises(crypto.KeyUnreadable):
        crypto.decrypt_api_key(token)
    with pytest.raises(crypto.KeyUnreadable):
        crypto.decrypt_api_key("not a token")


def test_hints_and_redaction_show_at_most_the_last_four():
    assert crypto.last_four("sk-abc-0123456789") == "6789"
    assert crypto.last_four("short") == ""
    assert crypto.hint("6789", True) == "\u2022\u2022\u2022\u20226789"
    assert crypto.hint("", False) == ""
    assert crypto.redact("bad key sk-abc-0123456789 given", "sk-abc-0123456789") == \
        "bad key \u2022\u2022\u2022\u20226789 given"
    assert crypto.redact("nothing here", "", "abc") == "nothing here"


KEY = "sk-proj-Q7vXk2LmN9pR4sT8wY1zA3bC5dE6fG0hJ"


def _leaks(text: str, secret: str = KEY, run: int = 8) -> list[str]:
    """Every run of `run` characters of the secret still in `text` (ignoring case)."""
    folded = text.casefold()
    return [secret[i:i + run] for i in range(len(secret) - run + 1) if secret[i:i + run].casefold() in folded]


@pytest.mark.parametrize("echoed", [
    f"Incorrect API key provided: {KEY[:24]}. You can find your API key at ...",  # a prefix
    f"key ending ...{KEY[-12:]} was revoked",  # a suffix
    f"bad token [{KEY[9:21]}]",  # a middle slice
    f"got {KEY[:16]} … {KEY[16:]} in the header",  # split around other text
    f"got {KEY[:20]}\n{KEY[20:]}",  # split over two lines
    f"key={KEY[:24].upper()}",  # another case
    f"{KEY}{KEY[:10]}",  # the whole key, then part of it again
])
def test_any_long_piece_of_a_key_is_redacted(echoed):
    redacted = crypto.redact(echoed, KEY)
    assert _leaks(redacted) == []
    assert crypto.MASK in redacted


def test_redaction_keeps_the_words_around_a_key_piece():
    assert crypto.redact(f"Incorrect API key provided: {KEY[:24]}. Check it.", KEY) == \
        f"Incorrect API key provided: {crypto.MASK}. Check it."
    assert crypto.redact(f"the key {KEY} was refused", KEY) == f"the key {crypto.MASK}{KEY[-4:]} was refused"
    assert crypto.redact("sk-proj is how keys start; model gpt-4o-mini", KEY) == \
        "sk-proj is how keys start; model gpt-4o-mini"  # pieces under 8 characters stay
    assert crypto.redact("a short key abc12 echoed", "abc12") == "a short key \u2022\u2022\u2022\u2022 echoed"
