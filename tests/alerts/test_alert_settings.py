"""The alert settings: rows of the one settings table, an `[alerts]` table in the config file,
flags for the viewer, `watch` and `alerts test`, and an `AlertConfig` built from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from appizer_tui.alerts.rules import AlertConfig
from appizer_tui.cli import main
from appizer_tui.cli_common import alert_config
from appizer_tui.config import ConfigError, resolve_settings


def config_file(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"APPIZER_TUI_CONFIG": str(path)}


def test_the_defaults_are_the_rules_defaults(tmp_path: Path) -> None:
    settings = resolve_settings(env=config_file(tmp_path, ""))
    assert alert_config(settings) == AlertConfig()
    assert (settings.notify, settings.on_alert) == ("auto", None)


def test_the_alerts_table_and_top_level_keys_are_read_and_flags_win(tmp_path: Path) -> None:
    env = config_file(
        tmp_path,
        'on_alert = "notify-me --quiet"\nnotify = "osc9"\n'
        "[alerts]\nfailure_rate = 0.1\nmin_attempts = 50\nstall_after = 30\n"
        'delivery_rate = 0.9\ndisabled = ["cancelled", "api"]\n',
    )
    settings = resolve_settings(env=env)
    assert alert_config(settings) == AlertConfig(
        failure_rate=0.1,
        min_attempts=50,
        stall_after=30.0,
        delivery_rate=0.9,
        disabled=frozenset({"cancelled", "api"}),
    )
    assert (settings.notify, settings.on_alert) == ("osc9", "notify-me --quiet")
    flagged = resolve_settings(env=env, stall_after=5.0, no_alert=("finished",), notify="off")
    assert flagged.stall_after == 5.0 and flagged.no_alert == ("finished",)
    assert flagged.notify == "off"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[alerts]\nstall = 5\n", r"unknown key 'alerts.stall' \(known: failure_rate, "),
        ("[alerts]\nstall_after = \"long\"\n", "alerts.stall_after must be a number"),
        ("[alerts]\nmin_attempts = 1.5\n", "alerts.min_attempts must be a whole number"),
        ("[alerts]\ndisabled = \"api\"\n", "alerts.disabled must be a list of strings"),
        ("[alerts]\ndisabled = [\"failure\"]\n", "alerts.disabled: unknown rule 'failure'"),
        ("[alerts]\nfailure_rate = 5\n", "alerts.failure_rate must be more than 0 and at most 1"),
        ("[alerts]\nstall_after = 0\n", "alerts.stall_after must be more than 0"),
        ('notify = "loud"\n', "notify must be one of auto, osc9, osc777, bell, off"),
        ("on_alert = \"'unbalanced\"\n", "on_alert: No closing quotation"),
        ("alert_failure_rate = 0.1\n", "unknown key 'alert_failure_rate'"),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(tmp_path: Path, text: str, says: str) -> None:
    env = config_file(tmp_path, text)
    with pytest.raises(ConfigError, match=says) as caught:
        resolve_settings(env=env)
    assert str(tmp_path / "config.toml") in str(caught.value)


def test_the_flags_are_on_the_viewer_watch_and_alerts_test() -> None:
    runner = CliRunner()
    for command in (["view"], ["watch"]):
        text = runner.invoke(main, [*command, "--help"]).output
        for flag in ("--alert-failure-rate", "--min-attempts", "--stall-after"):
            assert flag in text, (command, flag)
        for flag in ("--alert-delivery-rate", "--no-alert", "--notify", "--on-alert"):
            assert flag in text, (command, flag)
    text = runner.invoke(main, ["alerts", "test", "--help"]).output
    assert "--notify" in text and "--on-alert" in text and "--stall-after" not in text


def test_no_alert_repeats_and_refuses_an_unknown_rule(tmp_path: Path) -> None:
    env = config_file(tmp_path, "")
    runner = CliRunner()
    bad = runner.invoke(main, ["watch", "--demo", "--no-alert", "stall", "c1"], env=env)
    assert bad.exit_code == 2 and "unknown rule 'stall'" in bad.output
    settings = resolve_settings(env=env, no_alert=("stalled", "api", "stalled"))
    assert alert_config(settings).disabled == frozenset({"stalled", "api"})
