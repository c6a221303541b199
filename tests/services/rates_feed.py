"""A real HTTP server on loopback that plays the ECB rate feed, well and badly.

Tests queue replies per path; the last queued reply repeats. A reply may wait
(on an event, released at teardown) before answering, to make a client time out.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The 30 currencies of the ECB's daily reference rates, as the real file lays them out.
ECB_RATES = {
    "USD": "1.1581", "JPY": "180.9", "BGN": "1.9558", "CZK": "24.2", "DKK": "7.4685",
    "GBP": "0.8795", "HUF": "385.3", "PLN": "4.236", "RON": "5.087", "SEK": "10.98",
    "CHF": "0.931", "ISK": "147.6", "NOK": "11.75", "TRY": "49.1", "AUD": "1.781",
    "BRL": "6.19", "CAD": "1.627", "CNY": "8.2121", "HKD": "9.012", "IDR": "19300.5",
    "ILS": "3.78", "INR": "103.4", "KRW": "1700.2", "MXN": "21.3", "MYR": "4.79",
    "NZD": "2.05", "PHP": "68.2", "SGD": "1.508", "THB": "37.5", "ZAR": "19.9",
}  # fmt: skip


def ecb_xml(day: str = "2026-11-26", rates: dict[str, str] | None = None) -> bytes:
    cubes = "\n".join(
        f"\t\t\t<Cube currency='{code}' rate='{rate}'/>"
        for code, rate in (ECB_RATES if rates is None else rates).items()
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" \
xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
\t\t<Cube time='{day}'>
{cubes}
\t\t</Cube>
\t</Cube>
</gesmes:Envelope>
""".encode()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Envelope><Cube><Cube time="2026-11-26"><Cube currency="USD" rate="&lol9;"/></Cube></Cube>
</Envelope>
"""

HTML_PAGE = b"""<!DOCTYPE html>
<html><head><title>Hotel Wi-Fi</title></head>
<body><p>Please accept the terms of use to continue.</p></body></html>
"""


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/xml"
    wait: float = 0.0  # seconds to hold the answer back (released at teardown)


class FeedServer:
    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                server.seen.append((self.path, dict(self.headers)))
                queue = server.replies.get(self.path) or [Reply(404, b"not here", "text/plain")]
                reply = queue.pop(0) if len(queue) > 1 else queue[0]
                if reply.wait:
                    server.release.wait(reply.wait)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A short poll keeps shutdown() at teardown quick.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, *replies: Reply) -> str:
        self.replies[path] = list(replies)
        return self.url(path)

    def requests_to(self, path: str) -> int:
        return sum(1 for seen, _headers in self.seen if seen == path)


def serving() -> Iterator[FeedServer]:
    """The body of a `feed_server` fixture: `yield from serving()`."""
    server = FeedServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(timeout=5)


def closed_port_url() -> str:
    """An address on loopback where nothing listens: connection refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/eurofxref-daily.xml"
