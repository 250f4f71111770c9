#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""An HTTP CONNECT proxy for tests that sends every tunnel to one local port.

    connect-map.py LISTEN_PORT TARGET_PORT

Clients configured with no endpoint overrides (the real Microsoft host
names, port 443) reach mde-sim through it: the tunnel carries their TLS
untouched, so the simulator's certificate is verified against the test CA
under the real name, and the simulator sees the real Host header. Each
CONNECT target is printed on its own line ("CONNECT host:port"), so a test
can tell which hosts a client asked for without any DNS."""
import socket
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client, target_port):
    head = b""
    while b"\r\n\r\n" not in head and len(head) < 8192:
        chunk = client.recv(4096)
        if not chunk:
            client.close()
            return
        head += chunk
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split()
    if len(parts) != 3 or parts[0] != "CONNECT":
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
        client.close()
        return
    print("CONNECT " + parts[1], flush=True)
    upstream = socket.create_connection(("127.0.0.1", target_port))
    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    rest = head.split(b"\r\n\r\n", 1)[1]
    if rest:
        upstream.sendall(rest)
    threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
    pump(client, upstream)


def main():
    listen_port, target_port = int(sys.argv[1]), int(sys.argv[2])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(64)
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, target_port),
                         daemon=True).start()


if __name__ == "__main__":
    main()
