"""appizer-tui: watch Appizer push-notification campaigns live from a terminal."""

# The one place the version is written (pyproject.toml reads it from here). A literal rather than
# importlib.metadata, which costs more start-up than `appizer-tui --version` may take in total.
__version__ = "0.1.0"

__all__ = ["__version__"]
