"""Alerts: launch rules evaluated once per change, and the channels that carry them to people.

- `rules.py`: `AlertConfig` and `AlertEngine` (the rules, their hysteresis, what is firing).
- `alert.py`: `Alert`, one transition with the documented JSON fields.
- `notify.py`: desktop notifications through the terminal (OSC 777, OSC 9, the bell).
- `hooks.py`: `HookRunner`, the `--on-alert` command, run without a shell.
- `channels.py`: `AlertChannels`, one place to send transitions to every channel; the sample alert
  of `appizer-tui alerts test`.

No Textual and no click here (but `command.py`, the `alerts` subcommand): the presenter evaluates
the rules for the viewer and `watch` alike.
"""

NOTIFY_MODES = ("auto", "osc9", "osc777", "bell", "off")
"""The values of `--notify` (here, free of imports, for the command line's choices)."""
