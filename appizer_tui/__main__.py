"""`python -m appizer_tui` runs the same command as `appizer-tui`."""

from appizer_tui.cli import main

main(prog_name="appizer-tui")
