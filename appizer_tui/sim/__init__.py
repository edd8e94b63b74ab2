"""A simulator of the Appizer campaign-status API: scenarios, chaos, a Starlette app, a server.

    from appizer_tui.sim.app import Simulator
    from appizer_tui.sim.scenarios import demo_scenario
    from appizer_tui.sim.server import start_server

    with start_server(Simulator(demo_scenario())) as server:
        ...  # GET {server.base_url}/notifications/campaigns/camp_launch_eu

Nothing is re-exported, so importing this package (as `appizer-tui --help` does, to list the
`sim` command) loads neither Starlette nor uvicorn.
"""
