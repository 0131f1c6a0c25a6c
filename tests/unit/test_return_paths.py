import pytest

from vigor_app.services.accounts.return_paths import safe_return_path


@pytest.mark.parametrize("path", ["/progress", "/workouts?day=2", "/admin"])
def test_same_site_paths_are_kept(path):
    assert safe_return_path(path) == path


@pytest.mark.parametrize(
    "path",
    [None, "", "progress", "//evil.example", "/\t/evil.example", "/\n/evil.example",
     "/\\evil.example", "https://evil.example/", "/signin", "/auth/finish?ticket=x", "/" + "a" * 600],
)
def test_anything_else_goes_to_the_dashboard(path):
    assert safe_return_path(path) == "/dashboard"
