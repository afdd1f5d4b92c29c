#!/usr/bin/python3
"""A stand-in for the GitHub REST API's issue comments, on 127.0.0.1.

For src/test/ci_github.sh: lists, creates and edits comments of one
repository in memory, and appends each request (method, path, body) to
LOG as a JSON line.  Writes its port to PORTFILE once listening; stops
after 120 seconds whatever happens (the test kills it sooner).

  gh_api.py PORTFILE LOG
"""
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

comments = []


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode() if n else ""
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "body": body,
                                "auth": self.headers.get("Authorization")}) + "\n")
        path = self.path.split("?")[0]
        m = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/(\d+)/comments", path)
        if m and self.command == "GET":
            return self.reply(200, [c for c in comments if c["issue"] == m.group(1)])
        if m and self.command == "POST":
            c = {"id": 1000 + len(comments), "issue": m.group(1), "body": json.loads(body)["body"]}
            comments.append(c)
            return self.reply(201, c)
        m = re.fullmatch(r"/repos/[^/]+/[^/]+/issues/comments/(\d+)", path)
        if m and self.command == "PATCH":
            for c in comments:
                if c["id"] == int(m.group(1)):
                    c["body"] = json.loads(body)["body"]
                    return self.reply(200, c)
        return self.reply(404, {"message": "Not Found"})

    do_GET = do_POST = do_PATCH = handle_any


server = HTTPServer(("127.0.0.1", 0), Handler)
threading.Timer(120, server.shutdown).start()
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
