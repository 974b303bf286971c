"""The TCP relay the network-fault tests cut and mend; it lives in kiosk/bench/tcp_relay.py, shared with kiosk bench."""

from kiosk.bench.tcp_relay import TcpRelay

__all__ = ["TcpRelay"]
