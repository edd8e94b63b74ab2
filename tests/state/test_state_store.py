"""CampaignStore: views, events, errors, global state, and consistency under any update sequence."""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import fields

from appizer_tui.api.models import Campaign, CampaignStatus, Rates, Stats
from appizer_tui.state import (
    BudgetStatus,
    CampaignAdded,
    CampaignErrored,
    CampaignFinished,
    CampaignRemoved,
    CampaignStore,
    CampaignUpdated,
    ErrorInfo,
    FailureAlert,
    GlobalChanged,
    GlobalState,
    Phase,
    StoreEvent,
)


class Wall:
    def __init__(self) -> None:
        self.t = 1_700_000_000.0

    def __call__(self) -> float:
        return self.t


def make(
    campaign_id: str = "c1",
    status: CampaignStatus = CampaignStatus.SENDING,
    sent: int = 100,
    failed: int = 0,
    total: int = 1000,
) -> Campaign:
    return Campaign(
        campaign_id=campaign_id,
        status=status,
        raw_status=status.value,
        stats=Stats(total_recipients=total, sent=sent, delivered=sent, failed=failed),
    )


def store_with_events(**kwargs: object) -> tuple[CampaignStore, list[StoreEvent], Wall]:
    wall = Wall()
    store = CampaignStore(wall=wall, **kwargs)  # type: ignore[arg-type]
    events: list[StoreEvent] = []
    store.subscribe(events.append)
    return store, events, wall


def test_add_and_remove_keep_order_and_emit() -> None:
    store, events, _ = store_with_events()
    assert store.add("b") and store.add("a") and not store.add("b")
    assert store.ids() == ("b", "a")
    assert store.remove("b") and not store.remove("b")
    assert store.ids() == ("a",)
    assert store.get("b") is None
    assert events == [CampaignAdded("b"), CampaignAdded("a"), CampaignRemoved("b")]
    assert events[0].id == "b"


def test_success_updates_view_history_metrics_and_says_what_changed() -> None:
    store, events, wall = store_with_events()
    store.add("c1")
    first = make(sent=100)
    store.record_success("c1", first, phase=Phase.ACTIVE, next_poll_at=wall.t + 5)
    wall.t += 5
    store.record_success("c1", first)
    wall.t += 5
    second = make(sent=200)
    view = store.record_success("c1", second)
    assert view is not None and view == store.get("c1")
    assert view.campaign == second and view.previous == first
    assert view.polls == 3 and view.last_success_at == wall.t
    assert view.phase is Phase.ACTIVE
    assert view.metrics.progress == 0.2
    assert view.metrics.throughput == 10.0  # 100 more in 10 s
    assert len(store.history("c1")) == 3
    updates = [e for e in events if isinstance(e, CampaignUpdated)]
    assert [u.changed for u in updates] == [True, False, True]


def test_finished_is_sent_once_when_the_status_becomes_terminal() -> None:
    store, events, _ = store_with_events()
    store.add("c1")
    store.record_success("c1", make())
    store.record_success("c1", make(status=CampaignStatus.COMPLETED, sent=1000))
    store.record_success("c1", make(status=CampaignStatus.COMPLETED, sent=1000))
    finished = [e for e in events if isinstance(e, CampaignFinished)]
    assert finished == [CampaignFinished("c1", CampaignStatus.COMPLETED)]
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("CampaignFinished") == kinds.index("CampaignUpdated", 2) + 1


def test_failure_alert_is_raised_once_at_the_threshold() -> None:
    store, events, _ = store_with_events(failure_alert_rate=0.05)
    store.add("c1")
    # failed / (sent + failed): the share of attempted sends that failed.
    store.record_success("c1", make(sent=951, failed=49))  # 4.9 %
    store.record_success("c1", make(sent=950, failed=50))  # 5 %
    store.record_success("c1", make(sent=920, failed=80))
    alerts = [e for e in events if isinstance(e, FailureAlert)]
    assert alerts == [FailureAlert("c1", 0.05)]
    view = store.get("c1")
    assert view is not None and view.alerted


def test_error_is_recorded_then_cleared_by_a_success() -> None:
    store, events, wall = store_with_events()
    store.add("c1")
    error = ErrorInfo(kind="server", title="Server error", message="HTTP 500", since=wall.t)
    view = store.record_error("c1", error, phase=Phase.ERROR_BACKOFF, next_poll_at=wall.t + 1)
    assert view is not None and view.error == error and view.failures == 1
    assert view.phase is Phase.ERROR_BACKOFF and view.next_poll_at == wall.t + 1
    assert events[-1] == CampaignErrored("c1", error)
    view = store.record_success("c1", make(), phase=Phase.ACTIVE)
    assert view is not None and view.error is None and view.failures == 1


def test_writes_for_unknown_ids_are_ignored() -> None:
    store, events, _ = store_with_events()
    assert store.record_success("nope", make()) is None
    assert store.record_error("nope", ErrorInfo("server", "x", "y")) is None
    assert store.update_schedule("nope", phase=Phase.DONE) is None
    assert events == []
    assert len(store.history("nope")) == 0


def test_schedule_changes_emit_only_when_something_changed() -> None:
    store, events, _ = store_with_events()
    store.add("c1")
    events.clear()
    store.update_schedule("c1", phase=Phase.DONE, next_poll_at=None)
    store.update_schedule("c1", phase=Phase.DONE, next_poll_at=None)
    assert events == [CampaignUpdated("c1", changed=False)]


def test_global_changes_emit_only_when_different() -> None:
    store, events, _ = store_with_events()
    store.set_global(GlobalState(paused=True))
    store.set_global(GlobalState(paused=True))
    store.set_budget(BudgetStatus(budget_rpm=250.0))
    store.set_budget(BudgetStatus(budget_rpm=250.0))
    assert events == [GlobalChanged(), GlobalChanged()]
    assert store.global_state().paused and store.global_state().budget.budget_rpm == 250.0


def test_a_failing_listener_does_not_stop_the_others() -> None:
    store, events, _ = store_with_events()

    def broken(event: StoreEvent) -> None:
        raise RuntimeError("listener bug")

    store.subscribe(broken)
    later: list[StoreEvent] = []
    unsubscribe = store.subscribe(later.append)
    store.add("c1")
    assert events == later == [CampaignAdded("c1")]
    unsubscribe()
    store.add("c2")
    assert later == [CampaignAdded("c1")]
    store.unsubscribe(broken)
    store.unsubscribe(broken)  # twice is fine


def test_views_are_frozen_with_value_equality() -> None:
    store, _, _ = store_with_events()
    store.add("c1")
    first = store.get("c1")
    assert first == store.get("c1")
    store.record_success("c1", make())
    assert store.get("c1") != first


def test_staleness() -> None:
    store, _, wall = store_with_events(interval=5.0)
    store.add("c1")
    view = store.get("c1")
    assert view is not None
    assert not view.is_stale(wall.t + 10)
    assert view.is_stale(wall.t + 10.1)  # never fetched, 2 intervals gone
    store.record_success("c1", make(), expected_interval=24.0)
    view = store.get("c1")
    assert view is not None
    assert not view.is_stale(wall.t + 48) and view.is_stale(wall.t + 49)
    done = store.update_schedule("c1", phase=Phase.DONE)
    assert done is not None and not done.is_stale(wall.t + 10_000)


# -- consistency under any sequence of updates ---------------------------------------------------

FUZZ_EXAMPLES = 100_000 if os.environ.get("APPIZER_SOAK") == "long" else 2_000
"""2,000 sequences in `make test`, 100,000 in `make soak`."""

IDS = ("a", "b", "c")
statuses = st.sampled_from(list(CampaignStatus))
counters = st.integers(min_value=-(10**20), max_value=10**20)
rates = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True))
campaigns = st.builds(
    lambda cid, status, total, sent, delivered, failed, r: Campaign(
        campaign_id=cid,
        status=status,
        raw_status=status.value,
        stats=Stats(total_recipients=total, sent=sent, delivered=delivered, failed=failed),
        rates=Rates(delivery_rate=r, open_rate=r, click_rate=r),
    ),
    st.sampled_from(IDS),
    statuses,
    counters,
    counters,
    counters,
    counters,
    rates,
)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(IDS)),
        st.tuples(st.just("remove"), st.sampled_from(IDS)),
        st.tuples(st.just("success"), campaigns, st.floats(-100, 100)),
        st.tuples(st.just("error"), st.sampled_from(IDS)),
        st.tuples(st.just("phase"), st.sampled_from(IDS), st.sampled_from(list(Phase))),
        st.tuples(st.just("global"), st.booleans()),
    ),
    max_size=40,
)


@pytest.mark.soak
@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(operations)
def test_any_update_sequence_keeps_the_store_consistent(ops: list[tuple[object, ...]]) -> None:
    store, events, wall = store_with_events(history_seconds=40, interval=5.0)
    present: list[str] = []
    model: dict[str, dict[str, object]] = {}
    for op in ops:
        kind = op[0]
        if kind == "add":
            cid = str(op[1])
            if store.add(cid):
                present.append(cid)
                model[cid] = {"polls": 0, "failures": 0, "latest": None, "previous": None}
        elif kind == "remove":
            cid = str(op[1])
            if store.remove(cid):
                present.remove(cid)
                del model[cid]
        elif kind == "success":
            campaign, step = op[1], op[2]
            assert isinstance(campaign, Campaign) and isinstance(step, float)
            wall.t += step  # the wall clock may even step back
            cid = campaign.campaign_id
            store.record_success(cid, campaign)
            if cid in model:
                entry = model[cid]
                entry["polls"] = int(entry["polls"]) + 1  # type: ignore[call-overload]
                entry["previous"], entry["latest"] = entry["latest"], campaign
        elif kind == "error":
            cid = str(op[1])
            store.record_error(cid, ErrorInfo("network", "Network error", "x"))
            if cid in model:
                model[cid]["failures"] = int(model[cid]["failures"]) + 1  # type: ignore[call-overload]
        elif kind == "phase":
            store.update_schedule(str(op[1]), phase=op[2])  # type: ignore[arg-type]
        else:
            store.set_global(GlobalState(paused=bool(op[1])))
        check_consistent(store, present, model)
    check_events(events)


def check_consistent(
    store: CampaignStore, present: list[str], model: dict[str, dict[str, object]]
) -> None:
    assert store.ids() == tuple(present)
    assert len(store) == len(present)
    for cid in present:
        view = store.get(cid)
        assert view is not None and view.campaign_id == cid
        entry = model[cid]
        assert view.polls == entry["polls"] and view.failures == entry["failures"]
        assert view.campaign == entry["latest"] and view.previous == entry["previous"]
        history = store.history(cid)
        times = history.times()
        assert len(times) <= history.capacity and len(times) <= view.polls
        assert list(times) == sorted(times)
        for field in fields(view.metrics):
            value = getattr(view.metrics, field.name)
            assert value is None or math.isfinite(value)


def check_events(events: list[StoreEvent]) -> None:
    """Events name only campaigns that are watched at that moment; alerts come once per add."""
    watched: set[str] = set()
    alerted: set[str] = set()
    for event in events:
        if isinstance(event, GlobalChanged):
            continue
        if isinstance(event, CampaignAdded):
            assert event.campaign_id not in watched
            watched.add(event.campaign_id)
            alerted.discard(event.campaign_id)
            continue
        assert event.campaign_id in watched
        if isinstance(event, CampaignRemoved):
            watched.remove(event.campaign_id)
        elif isinstance(event, FailureAlert):
            assert event.campaign_id not in alerted
            alerted.add(event.campaign_id)
