"""Where one key's team data lives in Redis: a namespace derived from the base URL and the key.

The namespace is `appizer-tui:team:<32 hex>`, the hex being scrypt(API key, salt = a fixed
app-specific string + the base URL). So:

- two keys (or one key against two base URLs) never share a namespace, hence never see each
  other's campaigns;
- the key cannot be recovered from Redis: only this one-way digest of it is stored, never the
  key, a masked form of it, its length or its prefix;
- no one without the key can name the namespace in advance, and checking a guessed key against
  a namespace seen in Redis costs a deliberately slow scrypt (about 0.1 s, 16 MiB) rather than
  one fast HMAC. Real API keys are long random strings and would resist a fast hash too; the
  slow one protects short or patterned keys (test keys, keys typed by hand).

The cost is paid once per process, when it joins the team. scrypt is the standard library's
(hashlib), so nothing here is hand-written but the key names.
"""

from __future__ import annotations

import hashlib

from appizer_tui.api.secret import ApiKey

PREFIX = "appizer-tui:team:"
"""Every key this package writes starts with this."""
_SALT = b"appizer-tui team namespace v1\x00"
# scrypt's cost: n=2**14, r=8 is the interactive-login setting (about 0.1 s and 16 MiB here).
_SCRYPT_N = 2**14
_SCRYPT_R = 8


def team_namespace(base_url: str, api_key: ApiKey) -> str:
    """The Redis key prefix (ending in ':') of the team on this base URL and key."""
    salt = _SALT + base_url.rstrip("/").encode("utf-8")
    digest = hashlib.scrypt(
        api_key.reveal().encode("ascii"), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=1, dklen=16
    )
    return f"{PREFIX}{digest.hex()}:"


class TeamKeys:
    """The names of a team's Redis keys, all under its namespace."""

    __slots__ = ("changes", "global_state", "latest", "leader", "members", "namespace")

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.leader = namespace + "leader"
        """String: the leader's member id, with the lease as its expiry."""
        self.members = namespace + "members"
        """Set of member ids; each one's record is `member(id)`, which expires on its own."""
        self.latest = namespace + "latest"
        """Hash: campaign id -> the newest published entry for it."""
        self.global_state = namespace + "global"
        """String: the newest published global state (429 pause, 401, OFFLINE, budget)."""
        self.changes = namespace + "changes"
        """Stream of every published entry, capped (XADD MAXLEN ~)."""

    def member(self, member_id: str) -> str:
        """The key of one member's record."""
        return f"{self.namespace}member:{member_id}"
