#!/usr/bin/env python3
"""A hostile HTTP/2 (h2c) server for ringfire's tests, on python3-h2.

  hostile_server.py MODE
MODE rst: every other stream is reset (RST_STREAM CANCEL), the others answered "ok".
MODE max1: SETTINGS_MAX_CONCURRENT_STREAMS 1 (streams beyond it before the client saw the
setting are refused with RST_STREAM REFUSED_STREAM, as RFC 9113 section 5.1.2 says).
MODE goaway: each connection's 5th stream gets a GOAWAY (NO_ERROR) naming it the last one; the
streams above it are never answered, the connection is closed once the ones below are.
The modes below answer each connection's first two streams, then misbehave on the third:
MODE garbage: bytes that are no HTTP/2 frame follow (a protocol error for the client).
MODE continuation: a HEADERS frame without END_HEADERS, then a flood of 4,000 CONTINUATION frames
(64 MiB) that never ends the block; the connection then stays open, silent.
MODE hpack: an HPACK bomb: one 4 KiB header put in the dynamic table, then referenced thousands of
times in one header block (about 50 MiB once decoded, 16 KiB on the wire).
MODE nowindow: SETTINGS_INITIAL_WINDOW_SIZE 0 and no WINDOW_UPDATE ever: a request with a body can
send its headers but never its body (the client's --timeout ends it).
Binds port 0 and prints "port N" first; prints "answered N" at SIGTERM: the responses it sent.
"""
import signal
import socket
import sys
import threading

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

HOSTILE_AFTER = 2  # streams answered on each connection before the misbehaviour

answered = 0
lock = threading.Lock()


def frame(kind, flags, stream_id, payload):
    return (len(payload).to_bytes(3, "big") + bytes([kind, flags]) +
            stream_id.to_bytes(4, "big") + payload)


def garbage(sock, sid):
    sock.sendall(b"\xff" * 9 + b"this is not an HTTP/2 frame" * 4)


def continuation_flood(sock, sid):
    sock.sendall(frame(0x1, 0x0, sid, b"\x88"))  # HEADERS :status 200, no END_HEADERS
    # Literal header fields without indexing ("x-flood": 16 KiB), never END_HEADERS.
    fragment = b"\x00\x07x-flood" + b"\x7f\x81\x7f" + b"f" * 16000
    fragment = fragment[:16384]
    for _ in range(4000):
        sock.sendall(frame(0x9, 0x0, sid, fragment))


def hpack_bomb(sock, sid):
    value = b"b" * 4096
    # :status 200; "x-bomb: bbbb…" with incremental indexing (dynamic table index 62); then
    # index 62 again and again (0xbe: indexed header field 62).
    block = b"\x88" + b"\x40\x06x-bomb" + b"\x7f\x81\x1f" + value
    block += b"\xbe" * (16384 - len(block))
    sock.sendall(frame(0x1, 0x4 | 0x1, sid, block))  # END_HEADERS | END_STREAM


MISBEHAVIOURS = {"garbage": garbage, "continuation": continuation_flood, "hpack": hpack_bomb,
                 "nowindow": None}


def hold(sock):
    """Keeps the connection open and silent until the client closes it."""
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def serve(sock, mode):
    global answered
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    if mode == "max1":
        conn.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1})
    if mode == "nowindow":
        conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0})
    sock.sendall(conn.data_to_send())
    requests = 0
    last = None
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            for event in conn.receive_data(data):
                if not isinstance(event, h2.events.RequestReceived):
                    continue
                requests += 1
                sid = event.stream_id
                if last is not None and sid > last:
                    continue  # above the GOAWAY's line: never processed
                if mode == "nowindow":
                    continue  # no body can ever come: no answer
                if mode in MISBEHAVIOURS and requests > HOSTILE_AFTER:
                    sock.sendall(conn.data_to_send())
                    MISBEHAVIOURS[mode](sock, sid)
                    hold(sock)
                    return
                if mode == "rst" and requests % 2 == 0:
                    conn.reset_stream(sid, error_code=8)
                    continue
                conn.send_headers(sid, [(":status", "200"), ("content-length", "2")])
                conn.send_data(sid, b"ok", end_stream=True)
                with lock:
                    answered += 1
                if mode == "goaway" and requests == 5:
                    last = sid
                    conn.close_connection(error_code=0, last_stream_id=sid)
            sock.sendall(conn.data_to_send())
            if last is not None:
                return  # everything at or below the line is answered: close
    except (OSError, h2.exceptions.ProtocolError):
        return
    finally:
        sock.close()


def main():
    mode = sys.argv[1]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # the kernel picks the port: no race with another test
    listener.listen(64)
    print(f"port {listener.getsockname()[1]}", flush=True)

    def stop(*_):
        with lock:
            print(f"answered {answered}", flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, mode), daemon=True).start()


if __name__ == "__main__":
    main()
