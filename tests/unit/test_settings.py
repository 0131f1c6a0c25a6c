from vigor_app.settings import SECRET_KEY_FILE, reload_settings


def test_missing_secret_key_is_generated_once_and_kept(vigor_env, tmp_path):
    vigor_env.delenv("SECRET_KEY")
    settings = reload_settings()
    first = settings.resolved_secret_key()
    assert len(first) >= 40
    key_file = settings.data_dir / SECRET_KEY_FILE
    assert key_file.read_text() == first
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert reload_settings().resolved_secret_key() == first


def test_secret_key_from_the_environment_wins(vigor_env):
    vigor_env.setenv("SECRET_KEY", "from-the-environment")
    assert reload_settings().resolved_secret_key() == "from-the-environment"


def test_database_defaults_to_sqlite_in_the_data_dir(vigor_env, tmp_path):
    settings = reload_settings()
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'data' / 'vigor.db'}"
    vigor_env.setenv("DATABASE_URL", "postgresql+psycopg://vigor@db/vigor")
    assert reload_settings().resolved_database_url == "postgresql+psycopg://vigor@db/vigor"


def test_every_setting_is_listed_in_env_example():
    from pathlib import Path

    from vigor_app.settings import Settings

    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for field in Settings.model_fields.values():
        assert f"{field.alias}=" in example, f"{field.alias} is missing from .env.example"
