"""What we know about each watched campaign: snapshots (`model`), bounded history (`history`),
the store and its events (`store`, `events`), derived metrics (`metrics`), their text (`format`)
and the watchlist file (`watchlist`). No Textual, no HTTP: the engine writes the store, everybody
else reads it.

Nothing is re-exported: import from the module that defines a name, so that the plain printers
(`format`) do not pay for the store.
"""
