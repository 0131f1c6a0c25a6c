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
