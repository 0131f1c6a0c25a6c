"""Where a person may be sent back to after signing in: same-site paths only."""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_RETURN_PATH = "/dashboard"
_NOT_AFTER_SIGN_IN = ("/signin", "/register", "/forgot-password", "/reset-password", "/auth/")


def safe_return_path(path: str | None, default: str = DEFAULT_RETURN_PATH) -> str:
    """`path` when it is a plain path on this site, else `default` (no open redirects).

    Browsers drop tabs and newlines inside URLs and treat a backslash like a slash, so
    `/\\t/evil.example` or `/\\\\evil.example` would become `//evil.example`: any control
    character, white space or backslash refuses the path.
    """
    if not path or len(path) > 500 or not path.startswith("/") or path.startswith("//"):
        return default
    if any(ord(c) < 0x21 or ord(c) == 0x7F or c == "\\" for c in path):
        return default
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return default
    if path.startswith(_NOT_AFTER_SIGN_IN):
        return default
    return path
