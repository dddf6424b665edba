"""The web app served as `newsletter serve` serves it: uvicorn on 127.0.0.1, in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from newsletter.web.server import server_config


@contextmanager
def served(app, port: int, **options) -> Iterator[None]:
    """Serve `app` on 127.0.0.1:`port` for the block (`options`: more of `server_config`'s)."""
    server = uvicorn.Server(server_config(app, "127.0.0.1", port, log_level="warning",
                                          **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
