"""Simulated campaigns: what each one does over time, and the scenarios that group them.

A campaign's life, in simulated seconds since the simulator started (negative = before it):

    created (-created_ago) -> pending -> sending (start_after) -> completed | failed | cancelled

A completed campaign sends to every recipient in `send_duration` seconds; a failed or cancelled one
stops after `stop_fraction` of that time (0 = before sending anything). While sending, recipients
are attempted at an uneven, seeded pace; a seeded share of them fail (`failure_rate`), the rest are
`sent`. `delivered` follows `sent` about `delivery_lag` seconds later; `opened` and `clicked` keep
rising long after sending ends, ever more slowly, towards `open_rate` and `click_rate` of delivered.

The success body follows the published docs exactly:
- `sent + failed <= total_recipients`, equal once completed; `delivered <= sent`;
  `opened <= delivered`; `clicked <= opened`; every counter only grows.
- `delivery_rate = delivered / sent`, `open_rate = opened / delivered`,
  `click_rate = clicked / delivered`, rounded to 3 decimals (the docs' 0.964, 0.375, 0.1). With a
  zero denominator the rate is 0.0: the docs type rates as numbers, so the simulator sends no null.
- `sent_at` is set once sending begins, `completed_at` once the campaign completed. A failed or
  cancelled campaign never completed, so its `completed_at` stays null. Before then the fields are
  null, or absent for a spec with `omit_unset_timestamps` (the docs allow both).
- Timestamps are whole seconds in UTC. Simulated second s is shown as wall time epoch + s / speed,
  so at any speed no timestamp lies in the future of the clock the simulator runs on.

Scenario files (TOML) are described in `appizer_tui.sim.scenario_file`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.sim._curves import Failures, Flow, Pace, build_failures, build_pace, exposure

Outcome = Literal["completed", "failed", "cancelled"]
OUTCOMES: tuple[Outcome, ...] = ("completed", "failed", "cancelled")
DEFAULT_EPOCH = 1705314600.0
"""2024-01-15T10:30:00Z, the docs' example `created_at`: the default start of simulated time."""
MAX_ID_LENGTH = 128
DEFAULT_QUEUE_SECONDS = 120.0


class ScenarioError(ValueError):
    """A campaign spec or scenario file that cannot be simulated; the message names file and key."""

    def __init__(self, message: str, *, key: str | None = None, path: str | None = None) -> None:
        self.reason = message
        self.key = key
        self.path = path
        where = ": ".join(part for part in (path, key) if part)
        super().__init__(f"{where}: {message}" if where else message)


def check_campaign_id(value: str) -> str:
    """The id if the simulator can serve it as one URL path segment, else ScenarioError."""
    if not value or len(value) > MAX_ID_LENGTH:
        raise ScenarioError(f"must be 1 to {MAX_ID_LENGTH} characters", key="campaign_id")
    if (
        value in {".", ".."}
        or "/" in value
        or any(c.isspace() or not c.isprintable() for c in value)
    ):
        raise ScenarioError(
            f"{value!r} must have no '/', spaces or control characters", key="campaign_id"
        )
    return value


@dataclass(frozen=True, slots=True)
class CampaignSpec:
    """One simulated campaign. Times are simulated seconds; rates are fractions 0..1."""

    campaign_id: str
    total_recipients: int
    outcome: Outcome = "completed"
    start_after: float = 0.0
    """When sending begins, counted from the simulator's start (negative = it began earlier)."""
    send_duration: float = 300.0
    """How long sending to every recipient takes."""
    stop_fraction: float = 0.5
    """For failed and cancelled campaigns: the share of `send_duration` after which it stops."""
    created_ago: float | None = None
    """How long before the simulator's start the campaign was created. None: two minutes before
    sending began, or before the start if that is earlier."""
    failure_rate: float = 0.004
    delivery_rate: float = 0.965
    open_rate: float = 0.36
    click_rate: float = 0.1
    delivery_lag: float = 8.0
    open_tau: float = 600.0
    """Mean delay between delivery and opening; engagement grows like 1 - exp(-t / open_tau)."""
    click_tau: float = 900.0
    jitter: float = 0.3
    """How uneven the sending pace and failure spread are (0 = perfectly steady)."""
    seed: int = 0
    omit_unset_timestamps: bool = False
    """Leave `sent_at` / `completed_at` out of the body until set, instead of sending null."""

    def __post_init__(self) -> None:
        check_campaign_id(self.campaign_id)
        if self.outcome not in OUTCOMES:
            raise ScenarioError(f"must be one of {', '.join(OUTCOMES)}", key="outcome")
        if self.total_recipients < 0:
            raise ScenarioError("must be 0 or more", key="total_recipients")
        for name in ("failure_rate", "delivery_rate", "open_rate", "click_rate", "stop_fraction"):
            _check_range(name, getattr(self, name), 0.0, 1.0)
        _check_range("jitter", self.jitter, 0.0, 0.9)
        if self.click_rate > self.open_rate:
            raise ScenarioError(
                "must not exceed open_rate (clicks come from opens)", key="click_rate"
            )
        for name in ("send_duration", "open_tau", "click_tau"):
            if not getattr(self, name) >= 1.0:
                raise ScenarioError("must be at least 1 second", key=name)
        if not 0.0 <= self.delivery_lag <= 3600.0:
            raise ScenarioError("must be between 0 seconds and 1 hour", key="delivery_lag")
        if not math.isfinite(self.start_after):
            raise ScenarioError("must be a finite number of seconds", key="start_after")
        if not (math.isfinite(self.created_offset) and -self.created_offset <= self.start_after):
            raise ScenarioError(
                "the campaign must be created before sending begins "
                "(need -created_ago <= start_after)",
                key="created_ago",
            )

    @property
    def created_offset(self) -> float:
        """`created_ago`, or its default."""
        if self.created_ago is not None:
            return self.created_ago
        return max(0.0, -self.start_after) + DEFAULT_QUEUE_SECONDS

    @property
    def sending_share(self) -> float:
        """The share of `send_duration` spent sending: 1 unless it fails or is cancelled."""
        return 1.0 if self.outcome == "completed" else self.stop_fraction

    @property
    def send_end(self) -> float:
        """When sending stops: completes, fails or is cancelled (simulated seconds)."""
        return self.start_after + self.send_duration * self.sending_share


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ScenarioError(f"must be between {low:g} and {high:g}, not {value!r}", key=name)


@dataclass(frozen=True)
class Scenario:
    """A set of simulated campaigns with distinct ids, in the order they were written."""

    campaigns: tuple[CampaignSpec, ...]
    name: str = "custom"
    _by_id: dict[str, CampaignSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "campaigns", tuple(self.campaigns))
        by_id: dict[str, CampaignSpec] = {}
        for spec in self.campaigns:
            if spec.campaign_id in by_id:
                raise ScenarioError(f"duplicate id {spec.campaign_id!r}", key="campaign_id")
            by_id[spec.campaign_id] = spec
        object.__setattr__(self, "_by_id", by_id)

    def ids(self) -> list[str]:
        """Campaign ids in scenario order."""
        return [spec.campaign_id for spec in self.campaigns]

    def get(self, campaign_id: str) -> CampaignSpec | None:
        """The spec with that id, or None."""
        return self._by_id.get(campaign_id)

    def with_seed(self, seed: int) -> Scenario:
        """The same campaigns with every spec's seed set to `seed`."""
        specs = tuple(dataclasses.replace(spec, seed=seed) for spec in self.campaigns)
        return Scenario(specs, name=self.name)

    def __add__(self, other: Scenario) -> Scenario:
        return Scenario(self.campaigns + other.campaigns, name=f"{self.name} + {other.name}")


@dataclass(frozen=True, slots=True)
class _Model:
    """What campaign_state needs about one spec, computed once."""

    pace: Pace
    failures: Failures
    open_flows: tuple[Flow, ...]


@functools.lru_cache(maxsize=65536)
def _model(spec: CampaignSpec) -> _Model:
    # A string seed hashes the same in every process (unlike hash()), so runs are reproducible.
    rng = random.Random(f"appizer-sim:{spec.seed}:{spec.campaign_id}")
    pace = build_pace(spec.total_recipients, spec.jitter, rng)
    failures = build_failures(spec.total_recipients, spec.failure_rate, spec.jitter, rng)
    keep = 1.0 - (failures.total / spec.total_recipients if spec.total_recipients else 0.0)
    # Deliveries arrive as sending went, `delivery_lag` later, at the campaign's delivery rate.
    flows: list[Flow] = []
    step = spec.send_duration / (len(pace.at_knot) - 1)
    for index in range(len(pace.at_knot) - 1):
        begin = spec.start_after + index * step
        end = min(begin + step, spec.send_end)
        if end <= begin:
            break
        share_end = (end - spec.start_after) / spec.send_duration
        amount = pace.continuous(share_end) - pace.at_knot[index]
        rate = spec.delivery_rate * keep * amount / (end - begin)
        flows.append(Flow(begin + spec.delivery_lag, end + spec.delivery_lag, rate))
    return _Model(pace, failures, tuple(flows))


def _sent_and_failed(spec: CampaignSpec, model: _Model, elapsed: float) -> tuple[int, int]:
    if elapsed < spec.start_after:
        return 0, 0
    if spec.outcome == "completed" and elapsed >= spec.send_end:
        attempted = spec.total_recipients
    else:
        share = min((elapsed - spec.start_after) / spec.send_duration, spec.sending_share)
        attempted = model.pace.attempted(share)
    failed = model.failures.among(attempted)
    return attempted - failed, failed


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 3) if denominator else 0.0


def _wall(epoch: float, simulated: float, speed: float) -> datetime:
    return datetime.fromtimestamp(math.floor(epoch + simulated / speed), tz=UTC)


def status_at(spec: CampaignSpec, elapsed_seconds: float) -> CampaignStatus:
    """The campaign's status at that simulated time."""
    if elapsed_seconds >= spec.send_end:
        return CampaignStatus(spec.outcome)
    if elapsed_seconds >= spec.start_after:
        return CampaignStatus.SENDING
    return CampaignStatus.PENDING


def campaign_at(
    spec: CampaignSpec, elapsed_seconds: float, *, epoch: float = DEFAULT_EPOCH, speed: float = 1.0
) -> Campaign:
    """The campaign as the API would describe it `elapsed_seconds` (simulated) after the start."""
    model = _model(spec)
    elapsed = elapsed_seconds
    status = status_at(spec, elapsed)
    sent, failed = _sent_and_failed(spec, model, elapsed)
    lagged, _ = _sent_and_failed(spec, model, elapsed - spec.delivery_lag)
    delivered = math.floor(spec.delivery_rate * lagged)
    reached = exposure(model.open_flows, elapsed, spec.open_tau)
    opened = min(delivered, math.floor(spec.open_rate * reached))
    reached_clicks = exposure(model.open_flows, elapsed, spec.click_tau)
    clicked = min(opened, math.floor(spec.click_rate * reached_clicks))
    sending_began = elapsed >= spec.start_after and spec.send_end > spec.start_after
    return Campaign(
        campaign_id=spec.campaign_id,
        status=status,
        raw_status=status.value,
        created_at=_wall(epoch, -spec.created_offset, speed),
        sent_at=_wall(epoch, spec.start_after, speed) if sending_began else None,
        completed_at=(
            _wall(epoch, spec.send_end, speed) if status is CampaignStatus.COMPLETED else None
        ),
        stats=Stats(
            total_recipients=spec.total_recipients,
            sent=sent,
            delivered=delivered,
            opened=opened,
            clicked=clicked,
            failed=failed,
        ),
        rates=Rates(
            delivery_rate=_ratio(delivered, sent),
            open_rate=_ratio(opened, delivered),
            click_rate=_ratio(clicked, delivered),
        ),
    )


def campaign_state(
    spec: CampaignSpec, elapsed_seconds: float, *, epoch: float = DEFAULT_EPOCH, speed: float = 1.0
) -> dict[str, Any]:
    """The documented success body for `spec` at that simulated time (a pure function).

    `epoch` is the wall time (Unix seconds) of simulated second 0 and `speed` how many simulated
    seconds pass per wall second; both only shape the timestamps.
    """
    body: dict[str, Any] = {"success": True}
    body.update(campaign_at(spec, elapsed_seconds, epoch=epoch, speed=speed).to_api_dict())
    if spec.omit_unset_timestamps:
        for key in ("sent_at", "completed_at"):
            if body[key] is None:
                del body[key]
    return body


def demo_scenario(seed: int = 0) -> Scenario:
    """The built-in demo: eight campaigns that, within three minutes, show every status.

    At the start one is pending, six are sending and one has completed (its opens still rising);
    one fails after about a minute and one is cancelled after two.
    """
    specs = [
        # A big launch that sends slowly for about a quarter of an hour.
        CampaignSpec("camp_launch_eu", 48_000, start_after=-45, send_duration=900, created_ago=600),
        # Finished before the start; the docs' example sizes. Opens and clicks keep coming in.
        CampaignSpec(
            "camp_weekly_digest",
            1_250,
            start_after=-1_500,
            send_duration=600,
            created_ago=1_800,
            open_rate=0.375,
            open_tau=1_200,
            click_tau=1_800,
        ),
        CampaignSpec(
            "camp_flash_sale", 12_000, start_after=-60, send_duration=240, created_ago=300
        ),
        CampaignSpec("camp_reengage_q3", 800, start_after=-10, send_duration=90, created_ago=90),
        # Queued: starts sending 45 s in. Leaves unset timestamps out instead of sending null.
        CampaignSpec(
            "camp_app_update",
            5_000,
            start_after=45,
            send_duration=180,
            created_ago=30,
            omit_unset_timestamps=True,
        ),
        # Over a tenth of the sends fail (stale device tokens): trips a failure-rate alert.
        CampaignSpec("camp_promo_br", 9_000, start_after=-20, send_duration=300, failure_rate=0.12),
        # The push provider rejects the certificate about a minute in.
        CampaignSpec(
            "camp_push_cert_fail",
            20_000,
            outcome="failed",
            start_after=-40,
            send_duration=300,
            stop_fraction=0.35,
            failure_rate=0.03,
        ),
        # Someone cancels it two minutes in.
        CampaignSpec(
            "camp_holiday_teaser",
            30_000,
            outcome="cancelled",
            start_after=-30,
            send_duration=600,
            stop_fraction=0.25,
            created_ago=900,
        ),
    ]
    return Scenario(tuple(specs), name="demo").with_seed(seed)


GENERATED_STATUSES = ("sending", "pending", "completed", "failed", "cancelled", "mixed")


def generated_scenario(n: int, seed: int = 0, status: str = "sending") -> Scenario:
    """`n` campaigns `load_0001`, `load_0002`... for load tests, all with the given status at the
    start (or a mix: mostly sending). Sending ones go on for at least 35 simulated minutes."""
    if n < 0:
        raise ValueError("n must be 0 or more")
    if status not in GENERATED_STATUSES:
        raise ValueError(f"status must be one of {', '.join(GENERATED_STATUSES)}")
    rng = random.Random(seed)
    specs = []
    for number in range(1, n + 1):
        kind = status
        if status == "mixed":
            kind = rng.choice(("sending",) * 5 + ("pending", "completed", "failed", "cancelled"))
        total = rng.randint(1_000, 250_000)
        outcome: Outcome = "completed"
        stop = 0.5
        if kind == "sending":
            # Begins up to 5 min before the start and lasts 40-120 min: still sending at 35 min.
            start, duration = -rng.uniform(0, 300), rng.uniform(2_400, 7_200)
        elif kind == "pending":
            start, duration = rng.uniform(3_600, 7_200), rng.uniform(600, 3_600)
        else:
            start, duration = -rng.uniform(2_000, 4_000), rng.uniform(300, 1_200)
            if kind != "completed":
                outcome, stop = (
                    ("failed" if kind == "failed" else "cancelled"),
                    rng.uniform(0.1, 0.9),
                )
        specs.append(
            CampaignSpec(
                f"load_{number:04d}",
                total,
                outcome=outcome,
                start_after=start,
                send_duration=duration,
                stop_fraction=stop,
                created_ago=max(0.0, -start) + rng.uniform(10, 600),
                failure_rate=rng.uniform(0.0, 0.03),
                seed=seed,
            )
        )
    return Scenario(tuple(specs), name=f"generated {n} {status}")
