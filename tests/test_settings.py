from pathlib import Path

import pytest
from pydantic import ValidationError

from duluan.settings import Settings

DOCS = Path(__file__).parents[1] / "docs" / "settings.md"


def test_a_secret_is_required_outside_development(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="DULUAN_SECRET_KEY"):
        Settings(environment="production", data_dir=tmp_path)
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(environment="production", secret_key="short")
    assert not (tmp_path / ".secret_key").exists()


def test_development_makes_and_keeps_its_own_random_secret(tmp_path: Path) -> None:
    first = Settings(environment="development", data_dir=tmp_path).secret_key
    assert len(first) >= 32
    assert Settings(environment="development", data_dir=tmp_path).secret_key == first
    assert Settings(environment="development", data_dir=tmp_path / "other").secret_key != first
    assert (tmp_path / ".secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_duluan_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DULUAN_PORT", "9123")
    monkeypatch.setenv("DULUAN_HOST", "192.0.2.1")
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert (settings.port, settings.host) == (9123, "192.0.2.1")
    assert settings.effective_database_url == f"sqlite:///{tmp_path.resolve()}/duluan.sqlite3"


def test_bad_port_names_the_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DULUAN_PORT", "99999")
    with pytest.raises(ValidationError, match="port"):
        Settings()


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert [f for f in Settings.model_fields if f"`DULUAN_{f.upper()}`" not in text] == []
