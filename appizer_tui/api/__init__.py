"""The Appizer HTTP API: client (`client`), typed models (`models`), errors (`errors`), rate-limit
headers (`ratelimit`), the API key (`secret`) and URLs (`urls`). No Textual here.

Nothing is re-exported: import from the module that defines a name, so that the command line's
argument checks (`urls`, `secret`) never load the HTTP stack or msgspec.
"""
