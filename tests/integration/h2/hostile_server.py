#!/usr/bin/env python3
"""A hostile HTTP/2 (h2c) server for ringfire's tests, on python3-h2.

  hostile_server.py PORT MODE
MODE rst: every other stream is reset (RST_STREAM CANCEL), the others answered "ok".
MODE max1: SETTINGS_MAX_CONCURRENT_STREAMS 1 (streams beyond it before the client saw the
setting are refused with RST_STREAM REFUSED_STREAM, as RFC 9113 section 5.1.2 says).
MODE goaway: each connection's 5th stream gets a GOAWAY (NO_ERROR) naming it the last one; the
streams above it are never answered, the connection is closed once the ones below are.
Prints "answered N" at SIGTERM: the responses it sent in total.
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

answered = 0
lock = threading.Lock()


def serve(sock, mode):
    global answered
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    if mode == "max1":
        conn.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1})
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
    port, mode = int(sys.argv[1]), sys.argv[2]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)

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
