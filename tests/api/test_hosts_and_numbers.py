"""Host names per UTS-46, and numeric headers in ASCII digits only."""

from __future__ import annotations

import pytest

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.ratelimit import parse_rate_limit, parse_retry_after
from appizer_tui.api.secret import ApiKey
from appizer_tui.api.urls import check_base_url


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://faß.example/v1", "xn--fa-hia.example"),  # IDNA 2003 would say fass.example
        ("https://BÜCHER.example/v1", "xn--bcher-kva.example"),
        ("https://API.Appizer.com/v1", "api.appizer.com"),
    ],
)
def test_hosts_are_sent_in_their_uts46_form(url: str, host: str) -> None:
    client = AppizerClient(ApiKey("sk_test_hosts_000000"), url)
    assert client._backend.endpoint.host_header == host  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://a\u200db.example/v1", "Joiner U+200D not allowed"),
        ("https://caf\u00e9-.example/v1", "must not start or end with a hyphen"),
        ("https://api..appizer.com/v1", "is not valid"),
    ],
)
def test_hosts_that_have_no_ascii_form_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match="the base URL's host name") as caught:
        check_base_url(url, insecure=False)
    assert reason in str(caught.value)


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "1\u00b2", "+5", "-1", "0x10", "1" * 5000])
def test_numeric_headers_take_ascii_digits_only(value: str) -> None:
    headers = {"x-ratelimit-remaining": value, "x-ratelimit-limit": "500"}
    info = parse_rate_limit(headers, 1000.0)
    assert info is not None and info.remaining is None and info.limit == 500
    assert parse_retry_after(value, 1000.0) in (None, 3600.0)


def test_retry_after_in_seconds_and_as_a_date() -> None:
    assert parse_retry_after(" 12 ", 0.0) == 12.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 30.0) == 30.0
