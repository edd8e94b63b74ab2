"""The presenter: the campaigns that changed since the last frame -> one immutable Frame per
cadence, with the alert rules evaluated here, once, for the viewer and for `watch`. No Textual.

    Presenter(store, clock, alerts=AlertEngine(config), channels=..., ...)  # run() as a task
    presenter.subscribe(listener)     # listener(frame) for every new Frame
    presenter.select(id) / set_time_mode(mode) / set_key_masked(masked) / engine_failed(text)
"""
