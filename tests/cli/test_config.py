"""Settings come from flags, then the environment, then the config file; bad ones are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from appizer_tui.config import ConfigError, resolve_settings
from appizer_tui.settings_table import SETTINGS, Settings, configuration_table

README = Path(__file__).resolve().parents[2] / "README.md"

KEY_FLAG = "sk_test_flag_000000000000000001"
KEY_ENV = "sk_test_env_0000000000000000002"
KEY_FILE = "sk_test_file_000000000000000003"


def write_config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"APPIZER_TUI_CONFIG": str(path)}


def test_flag_beats_env_beats_file(tmp_path: Path) -> None:
    env = write_config(tmp_path, f'api_key = "{KEY_FILE}"\nbase_url = "https://file.test/v1"\n')
    from_file = resolve_settings(env=env)
    assert from_file.api_key is not None and from_file.api_key.reveal() == KEY_FILE
    assert from_file.base_url == "https://file.test/v1"
    env |= {"APPIZER_API_KEY": KEY_ENV, "APPIZER_BASE_URL": "https://env.test/v1"}
    from_env = resolve_settings(env=env)
    assert from_env.api_key is not None and from_env.api_key.reveal() == KEY_ENV
    assert from_env.base_url == "https://env.test/v1"
    from_flags = resolve_settings(api_key=KEY_FLAG, base_url="https://flag.test/v1", env=env)
    assert from_flags.api_key is not None and from_flags.api_key.reveal() == KEY_FLAG
    assert from_flags.base_url == "https://flag.test/v1"


def test_defaults_without_any_source(tmp_path: Path) -> None:
    settings = resolve_settings(env=write_config(tmp_path, ""))
    assert settings.api_key is None
    assert settings.base_url == "https://api.appizer.com/v1"
    assert settings.interval == 5.0 and settings.budget_share == 1.0
    assert settings.alert_failure_rate == 0.05


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("interval = [1", "not valid TOML"),
        ("colour = 'red'", "unknown key 'colour'"),
        ("interval = 'fast'", "interval must be a number"),
        ("interval = true", "interval must be a number"),
        ("watchlist = 3", "watchlist must be a string"),
        ("demo = true", "unknown key 'demo'"),
        ("interval = 0.5", "interval must be between 1 and 300"),
        ("budget_share = 1.5", "budget_share must be more than 0 and at most 1"),
        ("base_url = 'http://remote.test/v1'", "plain http://"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, fragment: str) -> None:
    env = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(")) as refused:
        resolve_settings(env=env)
    assert str(tmp_path / "config.toml") in str(refused.value)


def test_a_refused_value_names_the_flag_or_variable_it_came_from(tmp_path: Path) -> None:
    env = write_config(tmp_path, "")
    with pytest.raises(
        ConfigError, match=r"interval must be between 1 and 300, not 0.5 \(--interval\)"
    ):
        resolve_settings(interval=0.5, env=env)
    env["APPIZER_BASE_URL"] = "http://remote.test/v1"
    with pytest.raises(ConfigError, match=r"plain http://.*\(\$APPIZER_BASE_URL\)"):
        resolve_settings(env=env)
    assert resolve_settings(insecure=True, env=env).base_url == "http://remote.test/v1"


def test_file_values_are_used_and_paths_expanded(tmp_path: Path) -> None:
    env = write_config(
        tmp_path,
        "interval = 10\nmax_rpm = 120\nbudget_share = 0.5\n"
        'watchlist = "~/w.json"\nexport_dir = "~/exports"\n'
        "[alerts]\nfailure_rate = 0.2\n",
    )
    settings = resolve_settings(env=env)
    assert (settings.interval, settings.max_rpm, settings.budget_share) == (10.0, 120.0, 0.5)
    assert settings.alert_failure_rate == 0.2
    assert settings.watchlist_path == Path("~/w.json").expanduser()
    assert settings.export_dir == Path("~/exports").expanduser()
    assert resolve_settings(interval=3, env=env).interval == 3.0


def test_settings_has_one_field_per_row_of_the_table() -> None:
    assert list(Settings._fields) == [s.name for s in SETTINGS]


def test_the_readme_shows_the_settings_table() -> None:
    assert configuration_table() in README.read_text(encoding="utf-8")


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_settings(env={"APPIZER_TUI_CONFIG": str(tmp_path / "nope.toml")})


def test_settings_repr_masks_the_key(tmp_path: Path) -> None:
    settings = resolve_settings(api_key=KEY_FLAG, env=write_config(tmp_path, ""))
    assert KEY_FLAG not in repr(settings)
    assert KEY_FLAG[:8] in repr(settings)


def test_no_mouse_comes_from_the_flag_or_the_file(tmp_path: Path) -> None:
    assert resolve_settings(env=write_config(tmp_path, "")).no_mouse is False
    assert resolve_settings(no_mouse=True, env=write_config(tmp_path, "")).no_mouse is True
    assert resolve_settings(env=write_config(tmp_path, "no_mouse = true\n")).no_mouse is True
    with pytest.raises(ConfigError, match="no_mouse must be true or false"):
        resolve_settings(env=write_config(tmp_path, 'no_mouse = "yes"\n'))
