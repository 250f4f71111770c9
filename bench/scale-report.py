#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/scale.sh's report: scale.dat (one line per measured cycle) and the
machine description (scale-machine.txt) in, scale.md (markdown) out on
standard output, and the per-configuration summary gnuplot draws
(scale-summary.dat).

  scale-report.py MACHINE_TXT SCALE_DAT SUMMARY_DAT

scale.dat columns: configuration, tenants, phase (cold|steady), cycle,
wall seconds, CPU seconds, peak RSS KiB, requests, tenants OK. The large
run (configuration "large") is cold cycles 1..k, until exact counts.
Older files, without the minimal or large rows, render with those rows
marked "not run"."""

import sys
from collections import OrderedDict

CONFIGS = OrderedDict(
    [
        ("mde", "mde.so"),
        ("minimal", "mde.so, minimal set"),
        ("serial", "mde.so, MaxConnections 1"),
        ("python", "Python plugin (MSAL + requests)"),
        ("shell", "shell loop (curl + jq)"),
    ]
)
# Token requests an hour on top of the steady cycles, at Interval 60: mde.so
# forces one every CredentialCheckInterval (900 s); MSAL when its 1-hour
# token expires; the shell loop already pays them in every cycle.
TOKENS_PER_HOUR = {"mde": 4, "minimal": 4, "serial": 4, "python": 1, "shell": 0}
# The mde.so value sets compared with each baseline.
SETS = ("mde", "minimal")
BASELINES = ("serial", "python", "shell")
# Alert pages as mde-sim serves them: 10,000 alerts at most (its page_size,
# Microsoft's $top limit), 10,660,230 bytes of JSON for 10,000 alerts. The
# plugin reads a page one alert at a time (lib/alerts.c): besides its body,
# parsing holds the page's items (an array doubling to 16,384 items of 144
# bytes: 2.25 MiB) and one alert's cJSON tree (a few KiB); one cJSON tree of
# the whole page, as before 2026-12-01, was 43.6 MiB, 4.3x the JSON.
PAGE_ALERTS = 10000
ALERT_JSON_KIB = 10660230 / 10000 / 1024.0
PARSE_ITEMS_KIB = 16384 * 144 / 1024.0


def load(path):
    runs = OrderedDict()
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) != 9 or line.startswith("#"):
                continue
            key = (p[0], int(p[1]))
            r = runs.setdefault(
                key,
                {"cold": None, "colds": [], "steady": [], "rss": 0,
                 "ok": int(p[8])},
            )
            row = {"wall": float(p[4]), "cpu": float(p[5]), "req": int(p[7])}
            r["rss"] = max(r["rss"], int(p[6]))
            if p[2] == "cold":
                r["colds"].append(row)
                r["cold"] = r["colds"][0]
            else:
                r["steady"].append(row)
    for r in runs.values():
        s = r["steady"]
        r["mean"] = (
            {k: sum(x[k] for x in s) / len(s) for k in ("wall", "cpu", "req")}
            if s
            else None
        )
    return runs


def secs(x):
    return "%.2f s" % x if x < 100 else "%.0f s" % x


def mib(kib):
    return "%.1f MiB" % (kib / 1024.0)


def ratio(a, b):
    if not b:
        return "∞" if a else "–"
    r = a / b
    return "%.0f×" % r if r >= 10 else "%.1f×" % r


def machine(path):
    m = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition(" ")
            m[k] = v
    return m


def index_kib(alerts):
    """The engine's alert index for one tenant (lib/alerts.c): a table of
    8-byte keys and 1-byte statuses, doubled from 16 slots whenever it
    would be more than 3/4 full."""
    cap = 16
    while (alerts + 1) * 4 > cap * 3:
        cap *= 2
    return cap * 9 / 1024.0


def large_section(w, m, runs):
    """The large-tenant cold start: cycles, time and memory to exact counts,
    and whether its peak RSS is bounded by the memory budget."""
    w("## Large tenants, cold start (issue 19)")
    w("")
    large = [(n, r) for (c, n), r in runs.items() if c == "large"]
    if not large:
        w("Not run (BENCH_LARGE_TENANTS empty, or a scale.dat from before it).")
        w("")
        return None
    n, r = large[-1]
    count, alerts = int(m.get("large_count", 0)), int(m.get("large_alerts", 0))
    budget = m.get("memory_budget", "64 (default)")
    budget_mib = float(budget.split()[0])
    exact = r["ok"] == n
    w(
        "`mde-sim` with %d tenants, %d of them holding %s alerts (in pages of "
        "%s), the others 50; the default value set, MaxConnections %s, "
        "Interval %s s, MemoryBudget %s MiB; from collectd's start, cycle "
        "after cycle until every tenant has completed a full alert sync "
        "(`bool-alerts_complete`, read between cycles), then every tenant's "
        "counts checked against the simulator's ground truth. Busy is the sum "
        "of the cycles' `duration-cycle`; elapsed runs from the first cycle's "
        "start to the end of the last (whole intervals in between). CPU is "
        "collectd's over those cycles (the checks between them left out)."
        % (n, count, "{:,}".format(alerts), "{:,}".format(PAGE_ALERTS),
           m.get("connections", "?"), m.get("large_interval", "?"), budget)
    )
    w("")
    w("| tenants | large tenants × alerts | cycles to exact counts | busy | elapsed "
      "| peak RSS | CPU | requests | MemoryBudget | exact |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    cycles = len(r["colds"])
    w("| %d | %d × %s | %s | %s | %s | %s | %s | %d | %s MiB | %d/%d |"
      % (n, count, "{:,}".format(alerts),
         cycles if exact else "not within %d" % cycles,
         secs(sum(x["wall"] for x in r["colds"])),
         secs(float(m["large_elapsed_s"])) if "large_elapsed_s" in m else "?",
         mib(r["rss"]), secs(sum(x["cpu"] for x in r["colds"])),
         sum(x["req"] for x in r["colds"]), budget.split()[0], r["ok"], n))
    w("")
    ix = count * index_kib(alerts)
    page = min(alerts, PAGE_ALERTS) * ALERT_JSON_KIB
    one_page = 2 * page + PARSE_ITEMS_KIB  # its buffer, and its items
    pages = count * -(-alerts // PAGE_ALERTS)
    base = runs.get(("mde", n))
    w(
        "What the peak is made of: collectd with mde.so and %d tenants of 50 "
        "alerts (the default set's run at %d tenants above: %s); the engine's "
        "alert index (%d × %.1f MiB = %.0f MiB, 9 bytes a slot: by alert count, "
        "and what exact counts need); response bodies, at most the MemoryBudget "
        "of %.0f MiB all transfers together; and the one page being parsed (the "
        "engine parses on one thread): its body's buffer (≤ 2 × %.1f MiB) and "
        "its items (%.2f MiB; read one alert at a time, no tree of the page), "
        "%.0f MiB together. Were "
        "bodies not budgeted, the large tenants' first pages alone, all in "
        "flight at once, would hold %d × %.1f MiB = %.0f MiB (alert count × "
        "page size)."
        % (n, n, mib(base["rss"]) if base else "not run",
           count, index_kib(alerts) / 1024, ix / 1024, budget_mib,
           page / 1024, PARSE_ITEMS_KIB / 1024, one_page / 1024,
           count, page / 1024, count * page / 1024)
    )
    w("")
    if "large_failures" in m:
        w(
            "Failures the plugin reported on the way (collectd's log, by class; "
            "each is a notification): %s. `network` is a transport error or a "
            "peer with nothing waiting unread at the cycle's deadline; `overrun` "
            "is the deadline coming first while the network was not to blame: "
            "a request not sent yet, or an answer waiting unread while the "
            "plugin's one thread read other pages or the memory budget held "
            "it back."
            % (m["large_failures"].strip() or "none")
        )
        w("")
    cpu = sum(x["cpu"] for x in r["colds"])
    if not exact:
        w(
            "**Counts were not exact after %d cycles** (%d of %d tenants): "
            "the failures above and the CPU below limit it; the first "
            "tenants that differ are in the run's output." % (cycles, r["ok"], n)
        )
        w("")
    if "large_sim_cpu_s" in m and pages:
        w(
            "What limits the time when every page arrives: CPU, not the network "
            "(the 50 ms a request is paid once a page, with many pages in "
            "flight). The plugin's engine "
            "thread reads every page (TLS, parse, indexing): collectd used "
            "%s of CPU, %.2f s a page were all %d fetched (the small tenants' "
            "cycles are in it too; with counts not exact, fewer were); the simulator rendered them on the same "
            "%s cores (%s of CPU; %s peak RSS: ~90 bytes an alert held, and the "
            "pages rendered for requests the plugin's memory budget keeps "
            "waiting). A large tenant's call budget (10 calls at once, then 40 "
            "a minute) lets up to 10 of its pages go in a cycle; a cycle ends at "
            "80%% of the interval (%s s), and a page in flight at that deadline "
            "is cut and asked for again in the next cycle, unless the build "
            "carries in-flight requests across cycles."
            % (secs(cpu), cpu / pages, pages, m.get("cores", "?"),
               secs(float(m["large_sim_cpu_s"])),
               mib(int(m.get("large_sim_rss_kib", 0))),
               m.get("large_interval", "?"))
        )
        w("")
    if not base:
        return None
    bound = base["rss"] + budget_mib * 1024 + one_page + ix
    return {"peak": r["rss"], "bound": bound, "exact": exact, "n": n,
            "all_pages": count * page}


def main(argv):
    m = machine(argv[1])
    runs = load(argv[2])
    sizes = sorted({n for c, n in runs if c in CONFIGS})
    out = []
    w = out.append
    w("# Scale: mde.so against the alternatives")
    w("")
    w(
        "%s on %s cores (%s), %s RAM, %s. Load average at the start %s, at the end %s "
        "(other work may share the machine: timings are indicative, counts exact)."
        % (m.get("date", "?"), m.get("cores", "?"), m.get("cpu", "?"),
           m.get("ram", "?"), m.get("kernel", "?"), m.get("load_start", "?"),
           m.get("load_end", "?"))
    )
    w("Packages: %s." % m.get("packages", "?"))
    w("")
    w(
        "`make bench` (`bench/scale.sh`): `mde-sim` with N generated tenants, 50 "
        "alerts each (mixed severities and statuses), API quotas off and "
        "**%s ms injected on every request**. Each configuration runs fresh in "
        "its own Debian collectd (values kept in collectd's cache, no storage "
        "plugin), against the same simulator: mde.so with MaxConnections %s, "
        "with the default value set (every `Values` group but "
        "`alerts_by_severity`) and with README's minimal set (`Values "
        "\"token\"` with `FetchAlerts`, `FetchMachines` and `ProbeRoles` "
        "false: 5 values a tenant, no Defender API call); the same plugin with MaxConnections 1; a Python collectd plugin with "
        "MSAL and requests, serial, as a sysadmin would write it "
        "(`bench/baselines/mde_python.py`); and the seed document's flow, curl "
        "for a token and curl for the alerts per tenant in a loop "
        "(`bench/baselines/shell-flow.sh`)."
        % (m.get("latency_ms", "?"), m.get("connections", "?"))
    )
    w("")
    w(
        "**Cold** is the first cycle: every token, every alert. **Steady** is "
        "the mean of the later cycles (%s for mde.so and Python; 1 for the serial plugin, "
        "whose intervals are minutes long, and for the shell loop, whose cycles are all alike): tokens cached, an incremental sync for mde.so "
        "(`lastUpdateTime ge` the newest seen), the full alert list again for "
        "Python. Wall time is the cycle as the plugin measures it "
        "(`duration-cycle`), or the loop's. CPU is user+sys of the collectd "
        "process (of the loop and its children for the shell) over the cycle; "
        "the cold figure includes start-up (reading the configuration, loading "
        "Python). Peak RSS is the process's VmHWM (the largest child's for "
        "the shell loop). Requests are what the simulator answered. OK: tenants "
        "whose reported alert counts equal the simulator's ground truth after "
        "the run; for the minimal set, which dispatches no alert counts, tenants "
        "whose `bool-token_valid` and `bool-permissions` are 1 and "
        "`count-roles_missing` 0, with no alert value in collectd."
        % m.get("steady", "?")
    )
    w("")
    w(
        "| configuration | tenants | cold wall | cold CPU | steady wall | steady CPU "
        "| CPU ms per tenant-cycle | peak RSS | requests cold / steady | req per tenant-hour | OK |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    summary = []
    for c, label in CONFIGS.items():
        measured = [n for n in sizes if (c, n) in runs]
        if not measured:
            w("| %s | – | not run | | | | | | | | |" % label)
        for n in sizes:
            r = runs.get((c, n))
            if r is None:
                if not measured:
                    continue
                # the cost a tenant had at the largest measured size
                ref = runs[(c, measured[-1])]
                per = ref["cold"]["wall"] + (
                    ref["mean"]["wall"] if ref["mean"] else 0
                )
                est = per / measured[-1] * n
                w(
                    "| %s | %d | not run: one cold and one steady cycle would take "
                    "~%s (extrapolated from %d tenants) | | | | | | | | |"
                    % (label, n, "%.0f min" % (est / 60) if est >= 120 else
                       "%.0f s" % est, measured[-1])
                )
                continue
            s = r["mean"] or {"wall": float("nan"), "cpu": float("nan"), "req": 0}
            per_hour = s["req"] / n * 60 + TOKENS_PER_HOUR[c]
            w(
                "| %s | %d | %s | %s | %s | %s | %.3f | %s | %d / %.0f | %.0f | %d/%d |"
                % (label, n, secs(r["cold"]["wall"]), secs(r["cold"]["cpu"]),
                   secs(s["wall"]), secs(s["cpu"]), s["cpu"] / n * 1000,
                   mib(r["rss"]), r["cold"]["req"], s["req"], per_hour,
                   r["ok"], n)
            )
            summary.append((c, n, r["cold"]["wall"], s["wall"], r["cold"]["cpu"],
                            s["cpu"], r["rss"] / 1024.0))
    w("")
    w(
        "Requests per tenant-hour: the steady cycles' requests at Interval 60 "
        "plus token requests (mde.so: one forced check per "
        "CredentialCheckInterval, 900 s; MSAL: one per 1-hour token). The "
        "benchmark syncs alerts every cycle (AlertsInterval = Interval); with "
        "mde.so's defaults (AlertsInterval 300, ProbeRoles true) a cycle "
        "without a sync sends a role probe instead, so it is 12 + 48 + 4 = 64 "
        "as well; README's minimal set calls only for tokens: 4."
    )
    w("")
    w("## Ratios: the baseline's figure ÷ mde.so's, same tenant count")
    w("")
    w("Against each value set of mde.so: default (`mde`) and minimal (README's "
      "minimal set: `Values \"token\"`, no Defender API call).")
    w("")
    w("| baseline | tenants | mde.so set | cold wall | steady wall "
      "| steady CPU per tenant-cycle | peak RSS |")
    w("|---|---:|---|---:|---:|---:|---:|")
    for c in BASELINES:
        for n in sizes:
            r = runs.get((c, n))
            if not r or not r["mean"]:
                continue
            for sset in SETS:
                p = runs.get((sset, n))
                if not p or not p["mean"]:
                    w("| %s | %d | %s | not run | | | |" % (CONFIGS[c], n, sset))
                    continue
                w(
                    "| %s | %d | %s | %s | %s | %s | %s |"
                    % (CONFIGS[c], n, sset,
                       ratio(r["cold"]["wall"], p["cold"]["wall"]),
                       ratio(r["mean"]["wall"], p["mean"]["wall"]),
                       ratio(r["mean"]["cpu"], p["mean"]["cpu"]),
                       ratio(r["rss"], p["rss"]))
                )
    w("")
    large = large_section(w, m, runs)

    def target(text, value, show, good, missing="not run"):
        if value is None:
            w("| %s | %s | – |" % (text, missing))
        elif good is None:
            w("| %s | %s | reported |" % (text, show(value)))
        else:
            w("| %s | %s | %s |" % (text, show(value), "yes" if good(value) else "**no**"))

    def steady(c, n, k):
        r = runs.get((c, n))
        return r["mean"][k] if r and r["mean"] else None

    def cold(c, n):
        r = runs.get((c, n))
        return r["cold"]["wall"] if r else None

    def rss(c, n):
        r = runs.get((c, n))
        return r["rss"] if r else None

    def over(a, b):
        return a / b if a is not None and b else None

    def common(a, b, prefer=1000):
        """The size both ran at: `prefer`, else the largest both have."""
        both = [n for n in sizes if runs.get((a, n)) and runs.get((b, n))
                and runs[(a, n)]["mean"] and runs[(b, n)]["mean"]]
        return prefer if prefer in both else (both[-1] if both else None)

    times = lambda v: ratio(v, 1)
    w("## Targets (issue 19)")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    target("5,000 tenants, minimal set: steady cycle ≤ 0.2 s CPU",
           steady("minimal", 5000, "cpu"), secs, lambda v: v <= 0.2)

    def default_cost(n):
        c = steady("mde", n, "cpu")
        if c is None:
            return None
        text = "%s CPU a steady cycle (%.3f ms per tenant), %s peak RSS" % (
            secs(c), c / n * 1000, mib(rss("mde", n)))
        mc = steady("minimal", n, "cpu")
        if mc is not None:
            text += "; over the minimal set: +%s CPU, +%s RSS" % (
                secs(max(c - mc, 0)), mib(max(rss("mde", n) - rss("minimal", n), 0)))
        return text

    target("5,000 tenants, default set: steady cycle, and what it costs",
           default_cost(5000), lambda v: v, None)
    target("10,000 tenants, minimal set: collectd peak RSS ≤ 128 MiB",
           rss("minimal", 10000), mib, lambda v: v <= 128 * 1024)
    n = common("python", "mde")
    target("≥ 20× less CPU per tenant-cycle than Python, default set (steady%s)"
           % (", %d tenants" % n if n else ""),
           over(steady("python", n, "cpu"), steady("mde", n, "cpu")) if n else None,
           times, lambda v: v >= 20)
    target("≥ 2× less peak RSS than Python, default set%s"
           % (" (%d tenants)" % n if n else ""),
           over(rss("python", n), rss("mde", n)) if n else None, times,
           lambda v: v >= 2)
    if large is None:
        target("Large-tenant cold cycle: peak RSS bounded by the memory budget, "
               "not by alert count × page size", None, None, None,
               "not run" if not any(c == "large" for c, _ in runs) else
               "not judged: mde.so at the large run's tenant count not run "
               "(its RSS is the base)")
    else:
        target("Large-tenant cold cycle (%d tenants): peak RSS bounded by the "
               "memory budget, not by alert count × page size" % large["n"],
               large, lambda v: "%s peak, bound %s (the default set's RSS at "
               "that count + MemoryBudget + one page's buffer and parse + alert "
               "index); alert count × page size: %s%s"
               % (mib(v["peak"]), mib(v["bound"]), mib(v["all_pages"]),
                  "" if v["exact"] else "; counts **not** exact"),
               lambda v: v["peak"] <= v["bound"] and v["exact"])
    w("")
    w("## Targets (issue 7, default set)")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    target("5,000 tenants, steady cycle ≤ 2 s wall", steady("mde", 5000, "wall"),
           secs, lambda v: v <= 2)
    target("5,000 tenants, steady cycle ≤ 0.2 s CPU", steady("mde", 5000, "cpu"),
           secs, lambda v: v <= 0.2)
    target("5,000 tenants, cold cycle ≤ 10 s", cold("mde", 5000), secs,
           lambda v: v <= 10)
    target("10,000 tenants, steady cycle ≥ 10× under a 60 s interval (≤ 6 s)",
           steady("mde", 10000, "wall"),
           lambda v: "%s (%s headroom)" % (secs(v), ratio(60, v)), lambda v: v <= 6)
    target("10,000 tenants, peak RSS ≤ 128 MiB", rss("mde", 10000), mib,
           lambda v: v <= 128 * 1024)
    target("≥ 20× less CPU per tenant-cycle than Python (1,000 tenants, steady)",
           over(steady("python", 1000, "cpu"), steady("mde", 1000, "cpu")), times,
           lambda v: v >= 20)
    target("≥ 10× less RSS than Python (1,000 tenants)",
           over(rss("python", 1000), rss("mde", 1000)), times, lambda v: v >= 10)
    target("≥ 50× shorter cycle than the serial shell flow (1,000 tenants, steady)",
           over(steady("shell", 1000, "wall"), steady("mde", 1000, "wall")), times,
           lambda v: v >= 50)
    w("")
    w("What limits it, with a profile: [scale-notes.md](scale-notes.md).")
    print("\n".join(out))
    with open(argv[3], "w") as f:
        f.write("# configuration tenants cold_wall steady_wall cold_cpu steady_cpu rss_mib\n")
        last = None
        for row in summary:
            if last is not None and row[0] != last:
                f.write("\n\n")  # one gnuplot index per configuration
            last = row[0]
            f.write("%s %d %.3f %.3f %.2f %.2f %.1f\n" % row)


if __name__ == "__main__":
    main(sys.argv)
