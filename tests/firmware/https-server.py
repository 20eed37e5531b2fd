#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# A static HTTPS server for the firmware's download tests: serves DIR on
# 127.0.0.1:PORT with the certificate CERT and its key KEY.
#
# usage: https-server.py DIR PORT CERT KEY
import functools
import http.server
import ssl
import sys

directory, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
