"""A webhook receiver for the integration tests (server/tests/it/webhooks.rs).

Every POST is verified with the official `standardwebhooks` package (PyPI) and recorded
as one JSON line in DIR/log.jsonl. The endpoint's secret is read from DIR/secret on each
request; DIR/fail holds how many more requests to answer 500. A POST to /redirect answers
302 to /elsewhere (which must never be reached).

Usage: python3 webhook_receiver.py PORT DIR
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook

PORT, DIR = int(sys.argv[1]), sys.argv[2]


def read(name, default=""):
    try:
        with open(os.path.join(DIR, name)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        entry = {"id": self.headers.get("webhook-id"), "path": self.path}
        try:
            payload = Webhook(read("secret")).verify(body, dict(self.headers.items()))
            entry.update(verified=True, event=payload["event"], data=payload["data"])
        except Exception as error:  # the test asserts every entry verified
            entry.update(verified=False, error=str(error))
        failing = int(read("fail", "0") or "0")
        if self.path == "/redirect":
            status = 302
        elif failing > 0:
            with open(os.path.join(DIR, "fail"), "w") as f:
                f.write(str(failing - 1))
            status = 500
        else:
            status = 200
        entry["answered"] = status
        with open(os.path.join(DIR, "log.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"thanks" if status == 200 else b"not now")

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
