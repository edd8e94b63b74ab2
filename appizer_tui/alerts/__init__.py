"""Alerts: launch rules evaluated once per change, and the channels that carry them to people.

- `rules.py`: `AlertConfig` and `AlertEngine` (the rules, their hysteresis, what is firing);
  `defaults.py` their default thresholds (also shown by `--help`).
- `alert.py`: `Alert`, one transition with the documented JSON fields.
- `notify.py`: desktop notifications through the terminal (OSC 777, OSC 9, the bell).
- `hooks.py`: `HookRunner`, the `--on-alert` command, run without a shell.
- `channels.py`: `AlertChannels`, one place to send transitions to every channel; the sample alert
  of `appizer-tui alerts test` (`command.py`, the click command).

No Textual and no click here (but in `command.py`). One engine per presenter, used the same way
by the viewer (`ui/app.py`) and `watch` (`plain/watch.py`, `alert_presenter`): the presenter
(`present/presenter.py`) does what follows, and the settings come from the settings table
(`cli_common.alert_config`, `AlertChannels.configured`):

    engine = AlertEngine(AlertConfig(...))
    channels = AlertChannels(TerminalNotifier.from_env(mode, write), HookRunner(cmd, ...))
    # when building a frame, with the views drained from the changed set:
    alerts = engine.evaluate(changed_views, store.global_state(), clock.wall())
    channels.send(alerts)                      # desktop and hook; never waits
    red = FAILURE_RATE in engine.firing(campaign_id)
    # wake up at engine.next_check_at() even when nothing changed; on CampaignRemoved:
    engine.forget(campaign_id)
"""

NOTIFY_MODES = ("auto", "osc9", "osc777", "bell", "off")
"""The values of `--notify` (here, free of imports, for the command line's choices)."""
