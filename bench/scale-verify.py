#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/scale.sh's check that a measured configuration really did its job:
for every tenant t0..tN-1 (tenant0.onmicrosoft.com ...), the alert counts it
reported equal the simulator's ground truth (GET /tenants/{t}/alerts/truth).

  scale-verify.py ADMIN N collectd SOCKET HOST PLUGIN
      the 15 count-alerts_<status>_<severity> gauges and bool-token_valid
      that collectd holds (unixsock GETVAL, one connection)
  scale-verify.py ADMIN N counts FILE
      "tN ALERTS" lines (the shell baseline's output): the total only

Prints the number of tenants that match; the first mismatches go to
standard error. Only loopback is contacted."""

import http.client
import json
import socket
import sys

STATUSES = {"New": "new", "InProgress": "inprogress", "Resolved": "resolved"}
SEVERITIES = {
    "Informational": "informational",
    "Low": "low",
    "Medium": "medium",
    "High": "high",
    "UnSpecified": "unspecified",
}


class Unixsock:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)
        self.s.connect(path)
        self.f = self.s.makefile("r")

    def getval(self, ident):
        self.s.sendall(('GETVAL "%s"\n' % ident).encode())
        head = self.f.readline()
        n = int(head.split(" ", 1)[0])
        lines = [self.f.readline() for _ in range(max(n, 0))]
        if n < 1:
            return None
        return float(lines[0].split("=", 1)[1])


def truth(admin, i):
    admin.request("GET", "/tenants/tenant%d.onmicrosoft.com/alerts/truth" % i)
    r = admin.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError("truth of tenant%d: HTTP %d" % (i, r.status))
    return json.loads(body)


def main(argv):
    host, port = argv[1].rsplit(":", 1)
    n = int(argv[2])
    admin = http.client.HTTPConnection(host, int(port), timeout=30)
    if argv[3] == "counts":
        with open(argv[4]) as f:
            got = dict(line.split() for line in f if line.strip())
        sock = None
    else:
        sock = Unixsock(argv[4])
        prefix = "%s/%s-" % (argv[5], argv[6])
    ok = 0
    shown = 0
    for i in range(n):
        t = truth(admin, i)
        name = "t%d" % i
        if sock is None:
            bad = [] if got.get(name) == str(t["total"]) else [
                "total %s/%d" % (got.get(name), t["total"])]
        else:
            bad = []
            if sock.getval(prefix + name + "/bool-token_valid") != 1.0:
                bad.append("bool-token_valid")
            for st, s in STATUSES.items():
                for sev, v in SEVERITIES.items():
                    want = t["counts"][st][sev]
                    have = sock.getval(
                        "%s%s/count-alerts_%s_%s" % (prefix, name, s, v))
                    if have != want:
                        bad.append("%s_%s %s/%d" % (s, v, have, want))
        if not bad:
            ok += 1
        elif shown < 5:
            shown += 1
            print("%s: %s" % (name, ", ".join(bad)), file=sys.stderr)
    print(ok)


if __name__ == "__main__":
    main(sys.argv)
