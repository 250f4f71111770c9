#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/scale.sh's check that a measured configuration really did its job,
tenant by tenant. TENANTS is N (tenants t0..tN-1, tenant0.onmicrosoft.com
...) or @FILE, one "INSTANCE DOMAIN" line per tenant.

  scale-verify.py ADMIN TENANTS collectd SOCKET HOST PLUGIN
      the default value set: the 15 count-alerts_<status>_<severity>
      gauges equal the simulator's ground truth (GET
      /tenants/{t}/alerts/truth) and bool-token_valid is 1, as collectd
      holds them (unixsock GETVAL, one connection)
  scale-verify.py ADMIN TENANTS token SOCKET HOST PLUGIN
      the minimal set (Values "token"): alert counts are not dispatched,
      so what is checked is what the set does dispatch: bool-token_valid
      and bool-permissions 1, count-roles_missing 0, and that no alert
      value (count-alerts_new_high, bool-alerts_complete) reached collectd
  scale-verify.py ADMIN TENANTS complete SOCKET HOST PLUGIN
      only bool-alerts_complete is 1 (a full sync has finished): cheap,
      no ground truth, for polling between cycles
  scale-verify.py ADMIN N counts FILE
      "tN ALERTS" lines (the shell baseline's output): the total only

Prints the number of tenants that pass; the first failures go to standard
error. Only loopback is contacted."""

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
# Values "token": what must be there, and alert values that must not.
TOKEN_WANT = {"bool-token_valid": 1.0, "bool-permissions": 1.0,
              "count-roles_missing": 0.0}
TOKEN_ABSENT = ("count-alerts_new_high", "bool-alerts_complete")


class Unixsock:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(30)
        self.s.connect(path)
        self.f = self.s.makefile("r")

    def getval(self, ident):
        """The value's first field, or None when collectd holds none."""
        self.s.sendall(('GETVAL "%s"\n' % ident).encode())
        head = self.f.readline()
        n = int(head.split(" ", 1)[0])
        lines = [self.f.readline() for _ in range(max(n, 0))]
        if n < 1:
            return None
        return float(lines[0].split("=", 1)[1])


def truth(admin, domain):
    admin.request("GET", "/tenants/%s/alerts/truth" % domain)
    r = admin.getresponse()
    body = r.read()
    if r.status != 200:
        raise RuntimeError("truth of %s: HTTP %d" % (domain, r.status))
    return json.loads(body)


def tenants(arg):
    if arg.startswith("@"):
        with open(arg[1:]) as f:
            return [tuple(line.split()[:2]) for line in f if line.strip()]
    return [("t%d" % i, "tenant%d.onmicrosoft.com" % i) for i in range(int(arg))]


def check_counts(admin, sock, prefix, name, domain):
    t = truth(admin, domain)
    bad = []
    if sock.getval(prefix + name + "/bool-token_valid") != 1.0:
        bad.append("bool-token_valid")
    for st, s in STATUSES.items():
        for sev, v in SEVERITIES.items():
            want = t["counts"][st][sev]
            have = sock.getval("%s%s/count-alerts_%s_%s" % (prefix, name, s, v))
            if have != want:
                bad.append("%s_%s %s/%d" % (s, v, have, want))
    return bad


def check_token(sock, prefix, name):
    bad = []
    for ident, want in TOKEN_WANT.items():
        have = sock.getval(prefix + name + "/" + ident)
        if have != want:
            bad.append("%s %s/%g" % (ident, have, want))
    for ident in TOKEN_ABSENT:
        have = sock.getval(prefix + name + "/" + ident)
        if have is not None:
            bad.append("%s dispatched (%g)" % (ident, have))
    return bad


def check_complete(sock, prefix, name):
    have = sock.getval(prefix + name + "/bool-alerts_complete")
    return [] if have == 1.0 else ["bool-alerts_complete %s" % have]


def main(argv):
    host, port = argv[1].rsplit(":", 1)
    admin = http.client.HTTPConnection(host, int(port), timeout=30)
    mode = argv[3]
    if mode == "counts":
        with open(argv[4]) as f:
            got = dict(line.split() for line in f if line.strip())
        sock = prefix = None
    elif mode in ("collectd", "token", "complete"):
        sock = Unixsock(argv[4])
        prefix = "%s/%s-" % (argv[5], argv[6])
    else:
        sys.exit("scale-verify.py: unknown mode %r" % mode)
    ok = 0
    shown = 0
    for name, domain in tenants(argv[2]):
        if mode == "counts":
            total = truth(admin, domain)["total"]
            bad = [] if got.get(name) == str(total) else [
                "total %s/%d" % (got.get(name), total)]
        elif mode == "collectd":
            bad = check_counts(admin, sock, prefix, name, domain)
        elif mode == "token":
            bad = check_token(sock, prefix, name)
        else:
            bad = check_complete(sock, prefix, name)
        if not bad:
            ok += 1
        elif shown < 5:
            shown += 1
            print("%s: %s" % (name, ", ".join(bad)), file=sys.stderr)
    print(ok)


if __name__ == "__main__":
    main(sys.argv)
