"""Team mode: the processes on one API key (and base URL) share one poller and one rate budget
through Redis. One leader polls the union of the members' campaigns with the usual engine and
publishes every answer; the others render from that. No Textual, no UI here.

    member = TeamMember(client, store, clock, redis_url=RedisUrl(url), base_url=..., api_key=...)
    task = asyncio.create_task(member.run())   # instead of poller.run()
    member.status.text                          # "team: 3 members, leader: host:1234" or "solo"

The viewer and `watch` get theirs from `member.polling_engine(...)` (a plain Poller without
`--redis`); the viewer's status line shows `status.text` through the presenter's frame, `watch`
prints its changes on stderr (`plain/team_line.py`).
"""
