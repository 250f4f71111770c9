# SPDX-License-Identifier: MIT
"""Benchmark baseline (make bench): what a sysadmin would write instead of
mde.so, as a collectd Python plugin. For each tenant, in turn: a token from
MSAL (Debian's python3-msal), cached by MSAL, then GET /api/alerts with
requests, following @odata.nextLink, counted by status and severity and
dispatched under plugin "mdepy" with the same identifiers mde.so uses, so
one checker compares both with the simulator's ground truth.

Written for bench/scale.sh, not for production. It runs a cycle only when
the harness creates TriggerFile (so the harness reads the process's CPU
exactly before and after), and then writes "CYCLE SECONDS OK" to DoneFile.

<Plugin python>
  ModulePath "bench/baselines"
  Import "mde_python"
  <Module mde_python>
    ClientId "..."
    ClientSecretFile "..."     # the secret never goes on a command line
    LoginEndpoint "https://127.0.0.1:PORT"
    ApiEndpoint "https://127.0.0.1:PORT"
    CACert "ca.pem"
    TriggerFile "..."
    DoneFile "..."
    ValuesInterval 3600        # see dispatch()
    Tenant "t0" "tenant0.onmicrosoft.com"
  </Module>
</Plugin>
"""

import os
import time

import collectd
import msal
import requests

SCOPE = "https://api.securitycenter.microsoft.com/.default"
STATUSES = ("new", "inprogress", "resolved")
SEVERITIES = ("informational", "low", "medium", "high", "unspecified")
MAX_PAGES = 1000  # every loop is bounded, even against a hostile API

conf = {"tenants": []}
state = {"apps": {}, "session": None, "secret": None, "cycle": 0}


def configure(ci):
    for child in ci.children:
        key = child.key.lower()
        if key == "tenant":
            conf["tenants"].append((child.values[0], child.values[1]))
        else:
            conf[key] = child.values[0]


def init():
    with open(conf["clientsecretfile"]) as f:
        state["secret"] = f.read().strip()
    session = requests.Session()
    session.verify = conf["cacert"]
    state["session"] = session


def token_for(tenant):
    """MSAL 1.21's documented client-credentials pattern: the cache first,
    then the token endpoint. One application object per tenant, as the
    authority (and so the token cache) is per tenant."""
    app = state["apps"].get(tenant)
    if app is None:
        app = msal.ConfidentialClientApplication(
            conf["clientid"],
            client_credential=state["secret"],
            authority="%s/%s" % (conf["loginendpoint"], tenant),
            validate_authority=False,  # the simulator is not a known host
            instance_discovery=False,  # never ask login.microsoftonline.com
            verify=conf["cacert"],
            timeout=10,
        )
        state["apps"][tenant] = app
    result = app.acquire_token_silent([SCOPE], account=None)
    if not result:
        result = app.acquire_token_for_client(scopes=[SCOPE])
    return result.get("access_token")


def alerts(token):
    url = conf["apiendpoint"] + "/api/alerts"
    items = []
    for _ in range(MAX_PAGES):
        r = state["session"].get(
            url, headers={"Authorization": "Bearer " + token}, timeout=10
        )
        r.raise_for_status()
        body = r.json()
        items.extend(body.get("value", []))
        url = body.get("@odata.nextLink")
        if not url:
            break
    return items


def dispatch(instance, type_, type_instance, value):
    # By default a value carries its read callback's interval, here the
    # trigger's 0.2 s: collectd would expire a serial cycle's first values
    # long before it ends. The harness sets an interval no cycle outlives.
    collectd.Values(
        plugin="mdepy",
        plugin_instance=instance,
        type=type_,
        type_instance=type_instance,
        values=[value],
        interval=float(conf.get("valuesinterval", 60)),
    ).dispatch()


def check_tenant(name, tenant):
    counts = dict(((s, v), 0) for s in STATUSES for v in SEVERITIES)
    try:
        token = token_for(tenant)
        if not token:
            raise RuntimeError("no token")
        for a in alerts(token):
            key = (a.get("status", "").lower(), a.get("severity", "").lower())
            if key in counts:
                counts[key] += 1
    except Exception as e:  # one broken tenant must not stop the others
        collectd.warning("mdepy: %s: %s" % (name, e))
        dispatch(name, "bool", "token_valid", 0)
        return False
    dispatch(name, "bool", "token_valid", 1)
    for (status, severity), n in counts.items():
        dispatch(name, "count", "alerts_%s_%s" % (status, severity), n)
    return True


def read():
    if not os.path.exists(conf["triggerfile"]):
        return
    os.unlink(conf["triggerfile"])
    start = time.monotonic()
    ok = sum(check_tenant(name, tenant) for name, tenant in conf["tenants"])
    seconds = time.monotonic() - start
    dispatch("", "duration", "cycle", seconds)
    state["cycle"] += 1
    tmp = conf["donefile"] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %.6f %d\n" % (state["cycle"], seconds, ok))
    os.rename(tmp, conf["donefile"])


collectd.register_config(configure)
collectd.register_init(init)
collectd.register_read(read, interval=0.2)
