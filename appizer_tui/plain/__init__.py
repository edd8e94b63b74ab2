"""The scriptable front ends (status, watch, export): plain text, JSON lines, CSV. No Textual."""
