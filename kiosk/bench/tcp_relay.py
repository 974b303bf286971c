"""A TCP relay on loopback that a test (or `kiosk bench`) controls, standing in for the network to the server.

`TcpRelay(target_port)` listens on 127.0.0.1:`relay.port` and passes bytes both ways. `cut()` makes the link
silent, as a pulled cable does: connections (old and new) are accepted or kept, but nothing is passed on in
either direction, so the client hears nothing and must give up on its own timeouts. `mend()` passes traffic
again for new connections (those open during the cut are closed, as a real outage resets them). `slow(seconds)`
holds every chunk that long before passing it on, as a congested or distant link does (0 for full speed). No root, no
network namespace: everything stays in this process and on loopback. In kiosk.bench, as pg_server is, because
the bench's offline-submit row cuts the link too; tests/tcp_relay.py names it for the tests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

CHUNK = 65536
TICK_S = 0.05  # how often a pump looks at the relay's state while waiting for bytes


class TcpRelay:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(TICK_S)
        self.port = int(self._listener.getsockname()[1])
        self._silent = threading.Event()
        self.delay_s = 0.0
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._links: list[tuple[socket.socket, socket.socket | None]] = []
        self._thread = threading.Thread(target=self._accept, name="tcp-relay", daemon=True)
        self._thread.start()

    def __enter__(self) -> TcpRelay:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def cut(self) -> None:
        """Silence the link: nothing passes, nothing is refused."""
        self._silent.set()

    def slow(self, seconds: float) -> None:
        self.delay_s = seconds

    def mend(self) -> None:
        """Pass traffic again; the connections held silent are dropped, as after a real outage."""
        with self._lock:
            links, self._links = self._links, []
        self._silent.clear()
        for client, server in links:
            for end in (client, server):
                if end is not None:
                    with contextlib.suppress(OSError):
                        end.close()

    def close(self) -> None:
        self._closing.set()
        self.mend()
        self._thread.join(2)
        self._listener.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._silent.is_set():  # accepted (the kernel would have anyway) and never answered
                with self._lock:
                    self._links.append((client, None))
                continue
            try:
                server = socket.create_connection(self._target, timeout=2)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._links.append((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            # Inside the try: mend() or close() may have closed this link before its pump thread got here, and a
            # closed socket refuses even settimeout (a traceback on the bench's stderr, seen in `kiosk bench --quick`).
            source.settimeout(TICK_S)
            while not self._closing.is_set():
                if self._silent.is_set():  # hold the bytes: neither side hears from the other
                    time.sleep(TICK_S)
                    continue
                try:
                    data = source.recv(CHUNK)
                except TimeoutError:
                    continue
                if not data:
                    break
                if self._silent.is_set():  # cut while this chunk was on its way: lost, as on a pulled cable
                    continue
                if self.delay_s:
                    time.sleep(self.delay_s)
                sink.sendall(data)
        except OSError:  # either end closed or reset: this direction of the link ends, as a cable would
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.close()
