#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fault soak: a real collectd with mde.so (ASan/UBSan build) against mde-sim
while faults are injected on every endpoint, for thousands of cycles.

Every phase picks tenants that are healthy and gives each one fault: latency
past the deadline, 5xx bursts, connection resets, truncated, malformed and
slow bodies, 429 storms with Retry-After, consent and role flaps, secrets
expiring, a disabled service principal. Underneath, a low-probability noise
of the same faults hits every tenant, and the signing key rotates. Each
targeted fault must show up as its failure class in a collectd notification.

At the end the faults stop and every tenant must be OK again, with alert
counts equal to the simulator's ground truth. Throughout: the daemon never
dies, every cycle ends within its deadline, RSS is flat after warm-up, the
request log shows no tenant over the API limits and no token request retried
faster than its backoff; at exit, no sanitizer report.

Prints TAP (so tests/run.sh counts it) and, with --report, a markdown
summary. Standard library only; loopback only; every wait is bounded.
"""

import argparse
import bisect
import collections
import glob
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

APP = "11111111-2222-3333-4444-555555555555"
REQUIRED_ROLES = ["Alert.Read.All"]
CREDENTIAL_CHECK = 10  # s: forced token re-acquisition (plugin minimum)
BACKOFF = 60  # s: BackoffCap, also the engine's first backoff step
KEY_REFETCH = 5  # s: KeyRefetchInterval
RETRY_AFTER = 2  # s: what the injected 429 storms ask for

# kind -> (how to inject for one tenant, failure class, phase length in s,
#          transient). Token endpoint faults are only met when the token is
# acquired again, at most every CREDENTIAL_CHECK seconds; API faults when
# the alerts are polled.
TOKEN_PHASE = CREDENTIAL_CHECK + 4
# The engine's call budget (lib/budget.c) lets a tenant make 600 API calls
# an hour once its burst is spent: one every 6 s, shared by the alerts,
# machines and score steps. An API fault must last long enough for at
# least two polls, or a single poll cut by the cycle deadline (a busy
# host) leaves the fault unmet.
API_CALL_GAP = 3600 / 600
API_PHASE = 2 * API_CALL_GAP + 1


def endpoint_kinds(prefix, endpoint, phase, server_error, extra=None):
    """The faults either endpoint can show, for one of them: a 5xx is
    auth_service at Entra and api_error at the Defender API."""
    faults = {
        "5xx": ({"status": 503}, server_error),
        "reset": ({"reset": 1}, "network"),
        "timeout": ({"latency_ms": 5000}, "network"),
        "truncated": ({"truncate": 1}, "network"),
        "malformed": ({"malformed": 1}, "protocol"),
        **(extra or {}),
        "429": ({"status": 429, "retry_after": RETRY_AFTER}, "throttled"),
    }
    return {f"{prefix}_{name}": (dict(fault, endpoint=endpoint), cls, phase, True)
            for name, (fault, cls) in faults.items()}


KINDS = {
    **endpoint_kinds("token", "token", TOKEN_PHASE, "auth_service"),
    **endpoint_kinds("api", "alerts", API_PHASE, "api_error",
                     {"slow_body": ({"slow_body_ms": 400}, "network")}),
    "consent_revoked": (None, "app_not_in_tenant", TOKEN_PHASE, False),
    "role_removed": (None, "permission_missing", TOKEN_PHASE, False),
    "secret_expired": (None, "secret_expired", TOKEN_PHASE, False),
    "app_disabled": (None, "app_disabled", TOKEN_PHASE, False),
}
NOISE = [  # every tenant, every endpoint, now and then
    {"endpoint": "*", "status": 503, "probability": 0.01},
    {"endpoint": "*", "reset": 0.01},
    {"endpoint": "*", "latency_ms": 3000, "probability": 0.005},
    {"endpoint": ["alerts", "keys", "discovery"], "truncate": 0.005},
    {"endpoint": ["alerts", "keys"], "malformed": 0.005},
]


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, name, diag=""):
        self.n += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {name}", flush=True)
        if not cond:
            self.failed += 1
            for line in str(diag).splitlines()[:30]:
                print(f"#   {line}", flush=True)
        return cond


class Sim:
    def __init__(self, admin):
        self.admin = admin

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://{self.admin}{path}", data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=20) as r:
            return json.loads(r.read() or b"null")


def write_private(path, text):
    fd = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(path + ".new", path)


def start_sim(args, work, n_tenants):
    tenants = []
    for i in range(n_tenants):
        tenants.append({
            "id": f"50a50000-0000-4000-8000-{i + 1:012d}",
            "domains": [f"soak{i + 1:02d}.onmicrosoft.com"],
            "apps": {APP: {"roles": REQUIRED_ROLES + ["Machine.Read.All"]}},
            "alerts": {"count": 20, "seed": i + 1,
                       "status": {"New": 2, "InProgress": 1, "Resolved": 2}},
        })
    world = {
        "settings": {"key_grace_seconds": 3600},
        "apps": [{"client_id": APP, "secrets": [
            {"value": f"soak-secret-{i + 1}-0"} for i in range(n_tenants)]}],
        "tenants": tenants,
    }
    with open(f"{work}/world.json", "w") as f:
        json.dump(world, f)
    ready = f"{work}/sim.ready"
    log = open(f"{work}/sim.log", "w")
    proc = subprocess.Popen(
        [args.sim or f"{args.build}/mde-sim", "--scenario", f"{work}/world.json",
         "--cert", f"{args.certs}/server.pem", "--key", f"{args.certs}/server.key",
         "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
         "--data-dir", args.certs, "--ready-file", ready],
        stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        if os.path.exists(ready) and os.path.getsize(ready) > 0:
            break
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    line = open(ready).read().split()
    listen = line[0].split("=", 1)[1]
    admin = line[1].split("=", 1)[1]
    return proc, listen, Sim(admin)


def start_collectd(args, work, listen, n_tenants):
    os.makedirs(f"{work}/plugins", exist_ok=True)
    os.makedirs(f"{work}/csv", exist_ok=True)
    for p in ("logfile", "unixsock", "csv", "match_regex"):
        subprocess.run(["cp", f"/usr/lib/collectd/{p}.so", f"{work}/plugins/"], check=True)
    subprocess.run(["cp", f"{args.build}/mde.so", f"{work}/plugins/"], check=True)
    blocks = []
    for i in range(n_tenants):
        write_private(f"{work}/secret-{i + 1:02d}", f"soak-secret-{i + 1}-0\n")
        blocks.append(f'  <Tenant "t{i + 1:02d}">\n'
                      f'    TenantId "soak{i + 1:02d}.onmicrosoft.com"\n'
                      f'    ClientSecretFile "{work}/secret-{i + 1:02d}"\n'
                      f'  </Tenant>')
    conf = f"""Hostname "soak"
FQDNLookup false
BaseDir "{work}"
PIDFile "{work}/collectd.pid"
PluginDir "{work}/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval {args.interval}
PostCacheChain "PostCache"
LoadPlugin logfile
<Plugin logfile>
  LogLevel "info"
  File "{work}/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>
LoadPlugin unixsock
<Plugin unixsock>
  SocketFile "{work}/collectd.sock"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "{work}/csv"
</Plugin>
LoadPlugin match_regex
# Only the cycle durations and failure counters go to disk; everything
# else is read from the cache through the socket.
<Chain "PostCache">
  <Rule "cycle">
    <Match "regex">
      Plugin "^mde$"
      Type "^duration$"
      TypeInstance "^cycle$"
    </Match>
    Target "write"
  </Rule>
  # The failure counters too: a tenant's notification names one class per
  # cycle (the worst), the counters every class it met.
  <Rule "errors">
    <Match "regex">
      Plugin "^mde$"
      Type "^errors$"
    </Match>
    Target "write"
  </Rule>
  Target "stop"
</Chain>
LoadPlugin mde
<Plugin mde>
  ClientId "{APP}"
  LoginEndpoint "https://{listen}"
  ApiEndpoint "https://{listen}"
  CACert "{args.certs}/ca.pem"
  Timeout 1
  RequireRole "{REQUIRED_ROLES[0]}"
  CredentialCheckInterval {CREDENTIAL_CHECK}
  # The soak rotates keys every minute or so (Entra: every few weeks), so
  # the refetch limit shrinks in proportion: a token signed with a key
  # newer than the cached set waits at most this long (auth_service).
  KeyRefetchInterval {KEY_REFETCH}
  AlertsInterval 1
  BackoffCap {BACKOFF}
{chr(10).join(blocks)}
</Plugin>
"""
    with open(f"{work}/collectd.conf", "w") as f:
        f.write(conf)
    env = dict(os.environ)
    if b"libasan" in subprocess.run(["readelf", "-d", f"{args.build}/mde.so"],
                                    capture_output=True).stdout:
        env["LD_PRELOAD"] = subprocess.run(
            ["gcc", "-print-file-name=libasan.so"], capture_output=True,
            text=True).stdout.strip()
        # A small quarantine, so that RSS settles within the warm-up. Stacks
        # are unwound by frame pointers (ASan's default): the slow unwinder
        # made every malloc of a TLS handshake so dear that cycles spent
        # 0.3-0.5 s on a CPU in ASan itself, overrunning the interval.
        env["ASAN_OPTIONS"] = (f"detect_leaks=1:quarantine_size_mb=16:log_path={work}/asan"
                               + os.environ.get("SOAK_ASAN_EXTRA", ":malloc_context_size=5"))
        # Loading match_regex leaks 12 bytes inside collectd's config reader
        # (collectd 5.12, not ours), a strdup called from collectd's binary,
        # which has no symbols: suppressed by that module, anchored (no other
        # file matches). A leak allocated on the plugin's own thread, where
        # the cycles run, never has a collectd frame, and stays reported;
        # what the configuration, init and read callbacks allocate (called
        # from collectd) is checked without this by collectd_plugin.sh.
        collectd_bin = os.path.realpath(shutil.which("collectd") or "/usr/sbin/collectd")
        with open(f"{work}/lsan.supp", "w") as f:
            f.write(f"leak:^{collectd_bin}$\n")
        env["LSAN_OPTIONS"] = f"suppressions={work}/lsan.supp:print_suppressions=0"
        env["UBSAN_OPTIONS"] = f"print_stacktrace=1:halt_on_error=1:log_path={work}/ubsan"
    out = open(f"{work}/collectd.out", "w")
    proc = subprocess.Popen(["collectd", "-f", "-C", f"{work}/collectd.conf"],
                            stdout=out, stderr=subprocess.STDOUT, env=env)
    for _ in range(100):
        if os.path.exists(f"{work}/collectd.sock") or proc.poll() is not None:
            break
        time.sleep(0.1)
    return proc


def getval(work, ident):
    r = subprocess.run(["collectdctl", "-s", f"{work}/collectd.sock", "getval",
                        f"soak/{ident}"], capture_output=True, text=True, timeout=10)
    m = re.match(r"^value=(\S+)", r.stdout)
    return float(m.group(1)) if m else None


def counted(work, tenant, cls, since, until):
    """Whether the plugin's errors-CLS counter for TENANT rose between the
    Unix times SINCE and UNTIL (from the CSV files the chain writes)."""
    values = []
    for path in glob.glob(f"{work}/csv/soak/mde-{tenant}/errors-{cls}-*"):
        with open(path) as f:
            for line in f:
                parts = line.strip().split(",")
                try:
                    values.append((float(parts[0]), float(parts[1])))
                except (ValueError, IndexError):
                    continue  # the header
    values.sort()
    before = max([v for t, v in values if t < since], default=0.0)
    return any(v > before for t, v in values if since <= t <= until)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class LateCycles:
    """The plugin's warnings for cycles longer than the interval."""
    LINE = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\] \[warning\] mde plugin: "
                      r"a cycle took ([\d.]+) s, more than the interval \([\d.]+ s\): "
                      r"([\d.]+) s on a CPU, (?:([\d.]+) s waiting for a CPU|time waiting "
                      r"for a CPU unknown)")

    def __init__(self, path):
        self.cycles = []
        with open(path) as f:
            for line in f:
                m = self.LINE.match(line)
                if m:
                    at = time.mktime(time.strptime(m.group(1), "%Y-%m-%d %H:%M:%S"))
                    self.cycles.append({"at": at, "wall": float(m.group(2)),
                                        "cpu": float(m.group(3)),
                                        "wait": float(m.group(4)) if m.group(4) else None})


# How a request answered as each request-level fault answers shows in the
# simulator's log (the body faults answer 200 with a bad body).
FAULT_ANSWERS = {
    "5xx": lambda e: e["status"] == 503,
    "429": lambda e: e["status"] == 429,
    "reset": lambda e: e["status"] == 0,
    "timeout": lambda e: e.get("delay_ms", 0) >= 5000,
    "truncated": lambda e: e["status"] == 200,
    "malformed": lambda e: e["status"] == 200,
    "slow_body": lambda e: e["status"] == 200,
}


def fault_met(entries, kind, tenant_id, since, until):
    """Whether a request of TENANT_ID to the endpoint KIND faults was
    answered, between the Unix times SINCE and UNTIL, as the fault answers
    (noise may have answered every one otherwise)."""
    prefix, name = kind.split("_", 1)
    endpoint = "token" if prefix == "token" else "alerts"
    answers = FAULT_ANSWERS[name]
    return any(e.get("tenant") == tenant_id and e["endpoint"].startswith(endpoint)
               and since * 1000 <= e["t_ms"] <= until * 1000 and answers(e)
               for e in entries[-5000:])


ANSWER_MARGIN = 0.05  # s: an answer's way back, read and parsed (ASan)


class CycleWindows:
    """When each cycle's engine ran: from its start (the CSV time, when the
    engine returned, less the cycle's duration, a little early) to the
    deadline, the start plus the engine's budget."""

    def __init__(self, cycles, budget):
        self.budget = budget
        self.starts = sorted(end - seconds for end, seconds in cycles)

    def read_in_time(self, arrived, answered):
        """Whether an answer sent at ANSWERED to a request that arrived at
        ARRIVED reached the engine before its cycle's deadline."""
        i = bisect.bisect_right(self.starts, arrived) - 1
        if i < 0:
            return False
        return answered + ANSWER_MARGIN <= self.starts[i] + self.budget


def read_cycles(work):
    """Every cycle the plugin wrote, in order: (Unix time, seconds)."""
    rows = []
    for path in sorted(glob.glob(f"{work}/csv/soak/mde/duration-cycle-*")):
        with open(path) as f:
            rows += [tuple(float(x) for x in line.split(",")[:2])
                     for line in f if line[0].isdigit()]
    return rows


REASON = re.compile(r"mde plugin: (t\d+): (\w+): (.*)")
NOTE = re.compile(r"Notification: severity = \w+, host = soak, plugin = mde, "
                  r"plugin_instance = (t\d+), .*message = t\d+: (\w+)")


class RequestLog:
    """The simulator's request log, fetched as it grows (it is a ring)."""

    def __init__(self):
        self.entries = []
        self.next = 0
        self.lost = 0

    def fetch(self, sim):
        for _ in range(1000):
            page = sim.call("GET", f"/requests?since={self.next}&limit=20000")
            self.lost += page.get("lost", 0)
            self.entries += page.get("requests", [])
            if page["next"] == self.next:
                return
            self.next = page["next"]


class Log:
    """Notifications from collectd's log, read as they are appended."""

    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.state = collections.defaultdict(lambda: "none")
        self.reasons = collections.defaultdict(list)

    def read(self):
        seen = collections.defaultdict(set)
        try:
            with open(self.path) as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return seen
        end = data.rfind("\n") + 1
        self.offset += len(data[:end].encode())
        for line in data[:end].splitlines():
            m = REASON.search(line)
            if m:
                self.reasons[m.group(1)] = (self.reasons[m.group(1)] + [m.group(3)[:200]])[-3:]
            m = NOTE.search(line)
            if m:
                cls = "none" if m.group(2) == "OK" else m.group(2)
                seen[m.group(1)].add(cls)
                self.state[m.group(1)] = cls
        return seen


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="where mde.so is (an ASan build)")
    ap.add_argument("--sim", help="the mde-sim binary (default: the build's); a plain "
                    "build keeps the simulator from being the bottleneck")
    ap.add_argument("--certs", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cycles", type=int, default=10000)
    ap.add_argument("--interval", type=float, default=0.25)
    ap.add_argument("--tenants", type=int, default=12)
    ap.add_argument("--parallel", type=int, default=4, help="tenants faulted per phase")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--report")
    ap.add_argument("--kinds", help="comma-separated subset of the fault kinds")
    ap.add_argument("--noise", type=float, default=1.0, help="scale the noise probabilities")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    kinds = sorted(args.kinds.split(",") if args.kinds else KINDS)
    noise = [dict(f, **{k: v * args.noise for k, v in f.items()
                        if k in ("probability", "reset", "truncate", "malformed")})
             for f in NOISE]
    tap = Tap()
    work = args.work
    print(f"# soak: {args.cycles} cycles of {args.interval} s, {args.tenants} tenants, "
          f"seed {args.seed}", flush=True)
    sim_proc, listen, sim = start_sim(args, work, args.tenants)
    col = start_collectd(args, work, listen, args.tenants)
    tap.ok(col.poll() is None and os.path.exists(f"{work}/collectd.sock"),
           "collectd started with mde.so", open(f"{work}/collectd.out").read())
    names = [f"t{i + 1:02d}" for i in range(args.tenants)]
    domain = {n: f"soak{i + 1:02d}.onmicrosoft.com" for i, n in enumerate(names)}
    tenant_by_id = {f"50a50000-0000-4000-8000-{i + 1:012d}": n for i, n in enumerate(names)}
    domain_id = {n: t for t, n in tenant_by_id.items()}
    reqlog = RequestLog()
    secret_gen = {n: 0 for n in names}
    log = Log(f"{work}/collectd.log")
    sim.call("PUT", "/faults", noise)

    injected = collections.Counter()
    reported = collections.Counter()
    misses = []
    by_counter = collections.Counter()  # reported by the counter only
    unmet = collections.Counter()  # every request it would hit was noise
    resting = {}  # tenant -> time it may be targeted again (in backoff)
    restored = collections.defaultdict(list)  # tenant -> secret rewrite times
    rss = []  # (elapsed s, KiB)
    alive = True
    start = time.monotonic()
    duration = args.cycles * args.interval
    rotations = 0
    phase_no = 0
    while time.monotonic() - start < duration:
        phase_no += 1
        now = time.monotonic()
        phase_wall = time.time()
        log.read()
        healthy = [n for n in names if log.state[n] == "none" and resting.get(n, 0) <= now]
        rng.shuffle(healthy)
        targets = healthy[:args.parallel]
        faults = list(noise)
        plan = []
        for n in targets:
            kind = rng.choice(kinds)
            fault, cls, length, transient = KINDS[kind]
            plan.append((n, kind, cls, length, transient))
            injected[kind] += 1
            if fault:
                faults.append(dict(fault, tenant=domain[n]))
            elif kind == "consent_revoked":
                sim.call("POST", f"/tenants/{domain[n]}/apps/{APP}", {"consented": False})
            elif kind == "role_removed":
                sim.call("POST", f"/tenants/{domain[n]}/apps/{APP}", {"roles": ["Machine.Read.All"]})
            elif kind == "app_disabled":
                sim.call("POST", f"/tenants/{domain[n]}/apps/{APP}", {"enabled": False})
            elif kind == "secret_expired":
                i = names.index(n) + 1
                sim.call("POST", f"/apps/{APP}/secrets/expire",
                         {"value": f"soak-secret-{i}-{secret_gen[n]}"})
        sim.call("PUT", "/faults", faults)
        if phase_no % 10 == 0:  # Entra rolls its signing keys now and then
            sim.call("POST", "/keys/rotate", {})
            rotations += 1
        if phase_no % 3 == 0:  # the customers' world moves on
            n = rng.choice(names)
            sim.call("POST", f"/tenants/{domain[n]}/alerts/generate", {"count": 1})
        length = max([p[3] for p in plan] + [API_PHASE])
        deadline = time.monotonic() + length
        seen = collections.defaultdict(set)
        while time.monotonic() < deadline:
            time.sleep(0.5)
            for n, classes in log.read().items():
                seen[n] |= classes
            if col.poll() is not None:
                alive = False
                break
            r = rss_kib(col.pid)
            if r:
                rss.append((time.monotonic() - start, r))
        if not alive:
            break
        reqlog.fetch(sim)
        # restore the world the way an admin would
        for n, kind, cls, length, transient in plan:
            if kind in ("consent_revoked", "role_removed", "app_disabled"):
                sim.call("POST", f"/tenants/{domain[n]}/apps/{APP}",
                         {"consented": True, "roles": REQUIRED_ROLES + ["Machine.Read.All"],
                          "enabled": True})
            elif kind == "secret_expired":
                i = names.index(n) + 1
                secret_gen[n] += 1
                value = f"soak-secret-{i}-{secret_gen[n]}"
                sim.call("POST", f"/apps/{APP}/secrets", {"value": value})
                write_private(f"{work}/secret-{i:02d}", value + "\n")
                restored[n].append(time.time())
            if cls in seen[n] or log.state[n] == cls:
                reported[kind] += 1
            elif counted(work, n, cls, phase_wall, time.time()):
                # Another failure outranked it in the notification (a noise
                # timeout during a token 429, say); the counter has it.
                reported[kind] += 1
                by_counter[kind] += 1
            elif transient and not fault_met(reqlog.entries, kind, domain_id[n],
                                             phase_wall, time.time()):
                # Noise answered every request the fault would have: a 503
                # over a malformed body is an api_error, rightly.
                unmet[kind] += 1
            else:
                misses.append(f"phase {phase_no}: {n} {kind}: expected {cls}, "
                              f"saw {sorted(seen[n]) or 'nothing'}; last reasons: "
                              f"{log.reasons[n]}")
            if not transient and kind != "secret_expired":
                resting[n] = time.monotonic() + BACKOFF + 5
        sim.call("PUT", "/faults", noise)

    tap.ok(alive, f"collectd stayed up through {phase_no} phases "
           f"({time.monotonic() - start:.0f} s)", open(f"{work}/collectd.out").read()[-3000:])
    total_injected = sum(injected.values())
    # A fault noise hid from every request is not met, not missed; but a
    # soak that met few of its faults would prove little.
    n_unmet = sum(unmet.values())
    tap.ok(not misses and n_unmet <= total_injected * 0.02,
           f"each injected fault was reported as its class "
           f"({sum(reported.values())} of {total_injected}; "
           f"{sum(by_counter.values())} by the errors counter only; {n_unmet} unmet, "
           f"noise answering every request it would have hit)", "\n".join(misses))

    # --- faults stop: every tenant OK again, counts equal the ground truth
    sim.call("DELETE", "/faults")
    stop_t = time.monotonic()
    limit = BACKOFF + 2 * CREDENTIAL_CHECK + 10
    while time.monotonic() - stop_t < limit and alive:
        log.read()
        if all(log.state[n] == "none" for n in names):
            break
        time.sleep(0.5)
    recovered = time.monotonic() - stop_t
    bad = {n: log.state[n] for n in names if log.state[n] != "none"}
    tap.ok(not bad, f"after the faults stop, every tenant is OK again ({recovered:.1f} s; "
           f"backoff after a permanent failure is {BACKOFF} s)", json.dumps(bad))
    mismatch = {}
    for _ in range(40):
        mismatch = {}
        for n in names:
            truth = sim.call("GET", f"/tenants/{domain[n]}/alerts/truth")["counts"]
            for status, by_sev in truth.items():
                if status == "Unknown":  # not a status the API gives; not reported
                    continue
                for sev, want in by_sev.items():
                    got = getval(work, f"mde-{n}/count-alerts_{status.lower()}_{sev.lower()}")
                    if got is None or int(got) != want:
                        mismatch[f"{n} {status} {sev}"] = (got, want)
        if not mismatch:
            break
        time.sleep(0.5)
    counts_t = time.monotonic() - stop_t
    tap.ok(not mismatch, f"alert counts equal the simulator's ground truth for every tenant "
           f"({counts_t:.1f} s after the faults stopped)",
           json.dumps(dict(list(mismatch.items())[:10])))

    # --- every cycle within its deadline
    budget = max(0.1, args.interval * 0.8)
    cycle_rows = read_cycles(work)
    cycles = [seconds for _, seconds in cycle_rows]
    # The deadline that matters: the next read starts on time. (The engine
    # stops at the budget; dispatching and a busy machine add a little.)
    # The cold start is left out: every tenant's discovery, token, key set
    # and first full page of alerts parsed in the first budgets is CPU work
    # that, under ASan, overruns a 0.2 s budget once (base and rework alike).
    cold = max(8, int(2.0 / args.interval))
    slow = [c for c in cycles[cold:] if c > args.interval * 1.5]
    tap.ok(len(cycles) >= args.cycles * 0.9,
           f"the plugin ran {len(cycles)} cycles (asked for {args.cycles})")
    over = sum(1 for c in cycles if c > budget + 0.01)
    # A cycle longer than the interval is logged by the plugin with where
    # its time went. Time its thread spent runnable but waiting for a CPU
    # is the host's (2 cores shared with the simulator, collectd's writers
    # and this script, on a VM); what is left is the plugin's own work or
    # blocking, and that must not delay the next read by half an interval.
    late = LateCycles(f"{work}/collectd.log")
    cold_end = cycle_rows[cold - 1][0] if len(cycle_rows) >= cold else float("inf")
    after_cold = [w for w in late.cycles if w["at"] > cold_end]
    ours = [w for w in after_cold if w["wait"] is None
            or w["wall"] - w["wait"] > args.interval * 1.5]
    logged_all = len(late.cycles) >= sum(1 for c in cycles if c > args.interval)
    tap.ok(not ours and logged_all,
           f"no cycle after the cold start ({cold} cycles, longest "
           f"{max(cycles[:cold], default=0):.3f} s) delayed the next read by half an "
           f"interval by the plugin's own work (engine budget {budget:.2f} s, passed "
           f"by >10 ms in {over}; longest {max(cycles[cold:], default=0):.3f} s; "
           f"{len(slow)} late by the wall clock, each explained by time waiting "
           f"for a CPU)",
           f"{len(ours)} late by the plugin's own work: {ours[:10]}; "
           f"{len(late.cycles)} logged as over the interval, "
           f"{sum(1 for c in cycles if c > args.interval)} measured")

    # --- RSS flat after warm-up: the first 20% of the run, and at least
    # 30 s, which is how long ASan's 16 MiB quarantine and its allocator's
    # size classes take to fill at 12 tenants (sampled every 0.5 s; the
    # curve climbs for ~25 s, then stays within ~1 MiB).
    warm = [k for s, k in rss if s >= max(duration * 0.2, min(30.0, duration * 0.5))]
    if len(warm) >= 4:
        early = sorted(warm[:len(warm) // 2])[len(warm) // 4]
        late = sorted(warm[len(warm) // 2:])[len(warm) // 4]
        growth = late - early
        # A short run still meets new (tenant, failure class) pairs late,
        # and each is a new value in collectd's cache: allow it more.
        share = 0.05 if duration >= 600 else 0.10
        tap.ok(growth <= early * share + 4096,
               f"RSS flat after warm-up ({early} KiB, then {late} KiB)", str(rss[-20:]))
    else:
        growth = None
        tap.ok(False, "enough RSS samples to judge", str(rss))

    # --- the request log: API limits, token backoff
    reqlog.fetch(sim)
    with open(f"{work}/requests.json", "w") as f:  # for a post-mortem
        json.dump(reqlog.entries, f)
    api = collections.defaultdict(list)
    tokens = collections.defaultdict(list)
    # In arrival order (the log is in answer order). An answer the client
    # never read cannot have told it to wait: the engine cuts what is still
    # under way at its cycle deadline (the next cycle asks afresh). So an
    # answer counts only if it was ready to leave the simulator (answered_ms:
    # after its injected delay, and after any stall of the simulator's own,
    # such as a signing-key rotation) at least ANSWER_MARGIN before the
    # deadline of the cycle the request arrived in.
    windows = CycleWindows(cycle_rows, budget)
    for e in sorted(reqlog.entries, key=lambda e: e["t_ms"]):
        t = e.get("tenant") or ""
        if e["endpoint"] in ("alerts", "machines", "score"):
            api[t].append(e["t_ms"] / 1000)
        elif e["endpoint"].startswith("token"):
            at = e["t_ms"] / 1000
            answered = e.get("answered_ms", e["t_ms"] + e.get("delay_ms", 0)) / 1000
            seen = windows.read_in_time(at, answered)
            tokens[t].append((at, e["status"] if seen else 0))
    hist = collections.Counter((e["endpoint"], e["status"]) for e in reqlog.entries)
    print("# requests by endpoint and status: " +
          ", ".join(f"{ep} {st}: {c}" for (ep, st), c in sorted(hist.items())))
    print("# token requests by tenant: " +
          ", ".join(f"{tenant_by_id.get(t)}: {len(v)}" for t, v in sorted(tokens.items())))
    worst_min = worst_hour = 0
    for times in api.values():
        j = k = 0
        for i, x in enumerate(times):
            while times[j] <= x - 60:
                j += 1
            while times[k] <= x - 3600:
                k += 1
            worst_min = max(worst_min, i - j + 1)
            worst_hour = max(worst_hour, i - k + 1)
    tap.ok(worst_min <= 100 and worst_hour <= 1500 and not reqlog.lost,
           f"no tenant over the API limits (busiest: {worst_min} calls in a minute, "
           f"{worst_hour} in an hour; {len(reqlog.entries)} requests logged, "
           f"{reqlog.lost} lost)")
    fast = []
    for tid, seq in tokens.items():
        n = tenant_by_id.get(tid)
        for (ta, sa), (tb, _) in zip(seq, seq[1:]):
            gap = tb - ta
            if gap < 0.05:
                # The same try sent again: libcurl resends a request (once,
                # see MDE_HTTP_MAX_ATTEMPTS) when its connection dies.
                continue
            if sa == 429 and gap < RETRY_AFTER - 0.5:
                fast.append(f"{n}: a token request {gap:.1f} s after a 429")
            elif sa in (400, 401) and gap < BACKOFF - 1:
                # A new secret written in between deserves a try at once.
                if not any(ta - 1 <= r <= tb + 1 for r in restored[n]):
                    fast.append(f"{n}: a token request {gap:.1f} s after a {sa}")
    tap.ok(not fast, f"no token request retried faster than its backoff "
           f"({sum(len(v) for v in tokens.values())} token requests)", "\n".join(fast[:20]))

    # --- shutdown: clean exit, no sanitizer report
    if col.poll() is None:
        col.send_signal(signal.SIGTERM)
    try:
        rc = col.wait(timeout=60)
    except subprocess.TimeoutExpired:
        col.kill()
        rc = "hung"
    reports = glob.glob(f"{work}/asan*") + glob.glob(f"{work}/ubsan*")
    text = "".join(open(p).read()[:4000] for p in reports)
    out = open(f"{work}/collectd.out").read()
    tap.ok(rc == 0 and not reports and "runtime error" not in out,
           f"collectd exited cleanly (status {rc}), no ASan/LSan/UBSan report", text or out[-3000:])
    sim_proc.send_signal(signal.SIGTERM)
    sim_proc.wait(timeout=30)

    print(f"1..{tap.n}")
    if args.report:
        with open(args.report, "w") as f:
            f.write(f"# Fault soak\n\n{time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}, "
                    f"{os.cpu_count()} cores, seed {args.seed}: a real collectd (mde.so "
                    f"built with ASan+UBSan) against mde-sim, {args.tenants} tenants, "
                    f"Interval {args.interval} s.\n\n")
            f.write(f"- cycles: {len(cycles)} (longest {max(cycles, default=0):.3f} s, "
                    f"deadline {budget:.2f} s)\n")
            waits = [w["wait"] for w in after_cold if w["wait"] is not None]
            f.write(f"- after the cold start, {len(slow)} cycles delayed the next read by "
                    f"more than half an interval by the wall clock; {len(ours)} of them by "
                    f"the plugin's own work (the rest waited for a CPU: up to "
                    f"{max(waits, default=0):.3f} s)\n")
            f.write(f"- phases: {phase_no}; faults injected: {total_injected}, reported as "
                    f"their class: {sum(reported.values())}, unmet (noise answered every "
                    f"request it would have hit): {n_unmet}; key rotations: {rotations}; "
                    f"noise on every endpoint throughout\n")
            f.write(f"- recovery after the faults stopped: all OK in {recovered:.1f} s, "
                    f"alert counts equal ground truth after {counts_t:.1f} s\n")
            f.write(f"- RSS after warm-up: {growth if growth is not None else '?'} KiB growth; "
                    f"samples {rss[0][1] if rss else '?'} → {rss[-1][1] if rss else '?'} KiB\n")
            f.write(f"- busiest tenant: {worst_min} API calls/min, {worst_hour}/h; "
                    f"{len(reqlog.entries)} requests logged\n")
            f.write(f"- sanitizer reports: {len(reports)}; result: "
                    f"{tap.n - tap.failed} of {tap.n} checks passed\n\n")
            f.write("| fault | injected | reported as its class | of which by the errors "
                    "counter only (a worse class was notified) | unmet |\n"
                    "|---|---|---|---|---|\n")
            for kind in sorted(injected):
                f.write(f"| {kind} ({KINDS[kind][1]}) | {injected[kind]} | {reported[kind]} "
                        f"| {by_counter[kind]} | {unmet[kind]} |\n")
    return 0 if tap.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
