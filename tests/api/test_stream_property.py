"""Whatever bytes a server sends, split however into reads, the client gives an answer or an
AppizerError, and the next request gets its own campaign: never a stale answer."""

from __future__ import annotations

from api_servers import CLOSE, MisbehavingServer, campaign_answer, settle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appizer_tui.api.client import AppizerClient
from appizer_tui.api.errors import AppizerError
from appizer_tui.api.http11 import Timeouts
from appizer_tui.api.models import Campaign
from appizer_tui.api.secret import ApiKey

QUICK = Timeouts(connect=1.0, read=0.05, total=1.0)

# Plausible beginnings make the arbitrary rest reach deeper than the status line.
beginnings = st.sampled_from(
    [
        b"",
        campaign_answer("a"),
        campaign_answer("x"),
        b"HTTP/1.1 200 OK\r\n",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.0 404 Not Found\r\n\r\n",
    ]
)
# Pieces that often make framing matter: line ends, chunk sizes, another answer's start.
pieces = st.sampled_from([b"\r\n", b"\n", b"0\r\n\r\n", b"5\r\n", b": ", b"HTTP/1.1 200 OK\r\n"])
streams = st.tuples(beginnings, st.lists(st.binary(max_size=40) | pieces, max_size=8)).map(
    lambda parts: parts[0] + b"".join(parts[1])
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    stream=streams,
    cuts=st.lists(st.integers(min_value=0, max_value=600), max_size=6),
    close=st.booleans(),
)
async def test_any_stream_gives_an_answer_or_an_error_and_never_a_stale_one(
    stream: bytes, cuts: list[int], close: bool
) -> None:
    bounds = sorted({0, len(stream), *(c for c in cuts if c < len(stream))})
    reads: list[bytes | str] = [stream[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    server = await MisbehavingServer({0: [*reads, *([CLOSE] if close else [])]}).start()
    try:
        async with AppizerClient(
            ApiKey("sk_test_prop_stream_00"), server.url, timeouts=QUICK
        ) as client:
            try:
                first = await client.get_campaign("a")
            except AppizerError:
                pass
            else:
                assert isinstance(first, Campaign) and first.campaign_id == "a"
            await settle()
            following = await client.get_campaign("b")
            assert following.campaign_id == "b"
    finally:
        await server.stop()
