"""A raw HTTP/2 client for attacks on the gRPC port: open streams, send part of a message."""

from __future__ import annotations

import socket
import struct
import threading
import time

# HTTP/2 frame types and flags (RFC 9113, section 6).
_DATA, _HEADERS, _RST_STREAM, _SETTINGS, _PING, _GOAWAY, _WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
_ACK, _END_HEADERS = 0x1, 0x4
_INITIAL_WINDOW_SIZE = 0x4
_DEFAULT_WINDOW = 65_535
_CHUNK = 16_384  # the default SETTINGS_MAX_FRAME_SIZE


def _frame(kind: int, flags: int, stream: int, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))[1:]
        + bytes([kind, flags])
        + struct.pack(">I", stream)
        + payload
    )


def _literal(name: str, value: str) -> bytes:
    """An HPACK literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2)."""
    encoded_name, encoded_value = name.encode(), value.encode()
    return (
        b"\x00"
        + bytes([len(encoded_name)])
        + encoded_name
        + bytes([len(encoded_value)])
        + encoded_value
    )


class RawHttp2:
    """Just enough HTTP/2 to open gRPC streams and send part of a message on each, as any
    client may, with flow control honoured (the node grants each stream its window)."""

    def __init__(self, address: str) -> None:
        host, port = address.rsplit(":", 1)
        self._socket = socket.create_connection((host, int(port)), timeout=10)
        self._lock = threading.Condition()
        self._connection_window = _DEFAULT_WINDOW
        self._windows: dict[int, int] = {}
        self._initial_window = _DEFAULT_WINDOW
        self.refused_streams = 0
        self.closed = False
        self._socket.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + _frame(_SETTINGS, 0, 0, b""))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                data = self._socket.recv(65_536)
            except OSError:
                data = b""
            if not data:
                with self._lock:
                    self.closed = True
                    self._lock.notify_all()
                return
            buffer += data
            while len(buffer) >= 9 and len(buffer) >= 9 + int.from_bytes(buffer[:3], "big"):
                length = int.from_bytes(buffer[:3], "big")
                kind, flags = buffer[3], buffer[4]
                stream = int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
                payload, buffer = buffer[9 : 9 + length], buffer[9 + length :]
                self._handle(kind, flags, stream, payload)

    def _handle(self, kind: int, flags: int, stream: int, payload: bytes) -> None:
        with self._lock:
            if kind == _SETTINGS and not flags & _ACK:
                for offset in range(0, len(payload), 6):
                    ident, value = struct.unpack(">HI", payload[offset : offset + 6])
                    if ident == _INITIAL_WINDOW_SIZE:
                        for key in self._windows:
                            self._windows[key] += value - self._initial_window
                        self._initial_window = value
                self._socket.sendall(_frame(_SETTINGS, _ACK, 0, b""))
            elif kind == _PING and not flags & _ACK:
                self._socket.sendall(_frame(_PING, _ACK, 0, payload))
            elif kind == _WINDOW_UPDATE:
                increment = struct.unpack(">I", payload)[0] & 0x7FFFFFFF
                if stream == 0:
                    self._connection_window += increment
                elif stream in self._windows:
                    self._windows[stream] += increment
            elif kind == _RST_STREAM:
                self.refused_streams += 1
                self._windows.pop(stream, None)
            elif kind == _GOAWAY:
                self.closed = True
            self._lock.notify_all()

    def open_stream(self, stream: int, path: str) -> None:
        headers = b"".join(
            _literal(name, value)
            for name, value in (
                (":method", "POST"),
                (":scheme", "http"),
                (":path", path),
                (":authority", "iamstore"),
                ("content-type", "application/grpc"),
                ("te", "trailers"),
            )
        )
        with self._lock:
            self._windows[stream] = self._initial_window
            self._socket.sendall(_frame(_HEADERS, _END_HEADERS, stream, headers))

    def send_partial_messages(self, streams: list[int], announced: int, size: int) -> int:
        """Sends the first `size` bytes of an `announced`-byte gRPC message on each stream,
        as far as flow control allows within 30 seconds; the bytes the node accepted."""
        sent = dict.fromkeys(streams, 0)
        prefix = b"\x00" + struct.pack(">I", announced)  # uncompressed, length
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.closed:
            progressed = False
            for stream in streams:
                with self._lock:
                    window = min(self._windows.get(stream, 0), self._connection_window)
                    count = min(_CHUNK, size - sent[stream], window)
                    if count <= 0:
                        continue
                    self._windows[stream] -= count
                    self._connection_window -= count
                    data = ((prefix if sent[stream] == 0 else b"") + bytes(count))[:count]
                    self._socket.sendall(_frame(_DATA, 0, stream, data))
                sent[stream] += count
                progressed = True
            with self._lock:  # done: every stream sent its part, or was refused
                if all(sent[s] >= size or s not in self._windows for s in streams):
                    break
            if not progressed:
                with self._lock:
                    self._lock.wait(0.2)
        return sum(sent.values())

    def close(self) -> None:
        self._socket.close()
        self._reader.join(timeout=10)
