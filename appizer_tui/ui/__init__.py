"""The Textual live viewer. Imports Textual: only the viewer command loads this package's app."""
