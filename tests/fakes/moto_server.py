#!/usr/bin/env python3
"""Runs moto (the AWS emulator) as a server on a free port for cfgc's integration tests:
prints one line, `listening on http://127.0.0.1:PORT`, and serves until killed.

`python -m moto.server -p 0` binds a free port but never says which; ThreadedMotoServer
binds the same werkzeug server and lets us ask.
"""

import signal
import sys

from moto.server import ThreadedMotoServer


def main():
    stop = {signal.SIGTERM, signal.SIGINT}
    # Blocked before the server thread starts, so it inherits the mask and sigwait gets them.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    print("listening on http://%s:%d" % (host, port), flush=True)
    # The server thread is a daemon: the main thread waits for the signal that ends both.
    signal.sigwait(stop)
    server.stop()


if __name__ == "__main__":
    sys.exit(main())
