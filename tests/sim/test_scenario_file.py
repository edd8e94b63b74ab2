"""TOML scenario files: the example loads, and every mistake names the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

import appizer_tui.sim
from appizer_tui.sim.scenario_file import load_scenario, parse_duration
from appizer_tui.sim.scenarios import ScenarioError, campaign_state

EXAMPLE = Path(appizer_tui.sim.__file__).parent / "example_scenario.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_loads_with_every_outcome() -> None:
    scenario = load_scenario(EXAMPLE)
    assert scenario.name == "Black Friday"
    assert scenario.ids() == [
        "camp_bf_us",
        "camp_bf_eu",
        "camp_bf_preview",
        "camp_bf_android",
        "camp_bf_retry",
        "camp_bf_oops",
    ]
    us = scenario.get("camp_bf_us")
    assert us is not None
    assert us.start_after == -120 and us.send_duration == 1200 and us.delivery_rate == 0.95
    assert all(spec.seed == 7 for spec in scenario.campaigns)
    statuses = {campaign_state(spec, 0)["status"] for spec in scenario.campaigns}
    assert statuses == {"sending", "pending", "completed"}
    assert {spec.outcome for spec in scenario.campaigns} == {"completed", "failed", "cancelled"}


def test_a_minimal_file_gets_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, '[[campaigns]]\ncampaign_id = "camp_1"\ntotal_recipients = 10\n')
    scenario = load_scenario(path)
    assert scenario.name == "scenario"
    assert scenario.ids() == ["camp_1"]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(90, 90.0), (1.5, 1.5), ("90s", 90.0), ("15m", 900.0), ("1h30m", 5400.0), ("-2m", -120.0)],
)
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["soon", "15 minutes", "", "m", True, [1]])
def test_bad_durations(value: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(value)


CAMPAIGN = '[[campaigns]]\ncampaign_id = "camp_1"\ntotal_recipients = 10\n'


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        ("[[campaigns]]\ncampaign_id = \n", None, "not valid TOML"),
        ('name = "x"\n', "campaigns", "no campaigns"),
        ("colour = 1\n" + CAMPAIGN, "colour", "unknown top-level key"),
        ('[[campaigns]]\ncampaign_id = "camp_1"\n', "campaigns[1] ('camp_1')", "total_recipients"),
        (CAMPAIGN + "recipeints = 3\n", "campaigns[1] ('camp_1').recipeints", "unknown key"),
        (CAMPAIGN + 'failure_rate = "high"\n', "campaigns[1] ('camp_1').failure_rate", "number"),
        (CAMPAIGN + "failure_rate = 1.5\n", "campaigns[1] ('camp_1').failure_rate", "between 0"),
        (
            CAMPAIGN + 'send_duration = "soon"\n',
            "campaigns[1] ('camp_1').send_duration",
            "duration",
        ),
        (CAMPAIGN + 'outcome = "boom"\n', "campaigns[1] ('camp_1').outcome", "one of"),
        (
            '[[campaigns]]\ncampaign_id = "camp_1"\ntotal_recipients = 1.5\n',
            "campaigns[1] ('camp_1').total_recipients",
            "whole number",
        ),
        (CAMPAIGN + CAMPAIGN, "campaigns[2].campaign_id", "duplicate id 'camp_1'"),
        ("[defaults]\nopen_rate = 2\n" + CAMPAIGN, "defaults.open_rate", "between 0"),
        (
            "[defaults]\nclick_rate = 0.9\n" + CAMPAIGN,
            "defaults.click_rate (as used by",
            "open_rate",
        ),
        ('seed = "x"\n' + CAMPAIGN, "seed", "whole number"),
        ('[[campaigns]]\ncampaign_id = "a/b"\ntotal_recipients = 1\n', "campaign_id", "'/'"),
    ],
)
def test_mistakes_name_the_file_and_the_key(
    tmp_path: Path, text: str, key: str | None, reason: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert reason in message
    if key is not None:
        assert key in message


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "nope.toml")


def test_a_binary_file_is_a_scenario_error(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="UTF-8"):
        load_scenario(path)
