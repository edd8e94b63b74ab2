"""A tiny terminal: replays the escape-sequence text an app writes onto a grid of cells, so a
test can read what a person would see, whatever widgets drew it.

Handles what Textual writes: cursor positioning (CSI row;col H), SGR (ignored: colours do not
change the text), erase in line/display, CR and LF; string sequences (OSC, DCS, APC...) are
skipped. Wide characters take two cells.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_TOKEN = re.compile(
    r"\x1b\[(?P<params>[0-9;?<=>]*)[ -/]*(?P<final>[@-~])"  # CSI
    r"|\x1b[\]P_^X].*?(?:\x07|\x1b\\)"  # OSC, DCS, APC, PM, SOS strings
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|(?P<text>[^\x1b]+)",
    re.DOTALL,
)


class TermScreen:
    """`columns` x `rows` cells of text."""

    def __init__(self, columns: int, rows: int) -> None:
        self.columns = columns
        self.rows = rows
        self.grid = [[" "] * columns for _ in range(rows)]
        self.x = 0
        self.y = 0

    def feed(self, data: str) -> None:
        """Apply the terminal output `data`."""
        for match in _TOKEN.finditer(data):
            text = match.group("text")
            if text is not None:
                self._write(text)
                continue
            final = match.group("final")
            if final is None:
                continue
            params = match.group("params") or ""
            if final == "H" and not params.startswith("?"):
                parts = [p for p in params.split(";")]
                row = int(parts[0]) if parts and parts[0] else 1
                col = int(parts[1]) if len(parts) > 1 and parts[1] else 1
                self.y, self.x = min(self.rows - 1, row - 1), min(self.columns - 1, col - 1)
            elif final == "K":
                for x in range(self.x, self.columns):
                    self.grid[self.y][x] = " "
            elif final == "J" and params in ("2", "3"):
                self.grid = [[" "] * self.columns for _ in range(self.rows)]

    def _write(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.x = 0
            elif char == "\n":
                self.y = min(self.rows - 1, self.y + 1)
            elif char in "\x07\x08":
                continue
            else:
                width = cell_len(char)
                if width == 0:
                    continue
                if self.x < self.columns:
                    self.grid[self.y][self.x] = char
                    for extra in range(1, width):
                        if self.x + extra < self.columns:
                            self.grid[self.y][self.x + extra] = ""
                self.x = min(self.columns, self.x + width)

    def lines(self) -> list[str]:
        """The screen, one string per row (trailing spaces kept)."""
        return ["".join(row) for row in self.grid]

    def text(self) -> str:
        """The screen as one string, rows joined with newlines."""
        return "\n".join(self.lines())

    def feed_text(self, data: str) -> str:
        """Apply `data` and return the screen as text (for assertion messages)."""
        self.feed(data)
        return self.text()
