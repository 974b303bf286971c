"""The relay the offline-submit row and the network-fault tests cut: a link closed under it ends without a word."""

from __future__ import annotations

import socket

from kiosk.bench.tcp_relay import TcpRelay


def test_a_link_closed_before_its_pump_starts_ends_quietly() -> None:
    # mend() or close() can close a link's sockets before the thread that pumps it has started; that thread then
    # met a closed socket on its first call and printed a traceback on `kiosk bench`'s stderr.
    listener = socket.create_server(("127.0.0.1", 0))
    with TcpRelay(listener.getsockname()[1]) as relay:
        source, sink = socket.socketpair()
        source.close()
        relay._pump(source, sink)  # the pump's own thread body, run here so an escaping error fails the test
        assert sink.fileno() == -1  # and the other end of the link is closed with it
    listener.close()
