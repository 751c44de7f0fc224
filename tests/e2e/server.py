"""Serve Parc commun for the browser tests: bind a free local port, print it, serve until terminated.

Run by tests/e2e/conftest.py in a subprocess (the configuration comes from the environment:
INSTANCE_PATH, DATABASE_URL, SECRET_KEY), so the browser talks to a real HTTP server and the test
process keeps its own app and database out of the way.
"""
from __future__ import annotations

import signal
import sys

from werkzeug.serving import make_server

from purchasing import create_app


def main() -> None:
    app = create_app()
    from purchasing.jobs.queue import start_embedded_consumer

    start_embedded_consumer(app)  # background jobs run, as with `flask run`
    server = make_server("127.0.0.1", 0, app, threaded=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(server.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
