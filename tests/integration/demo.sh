#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo, shortened: the simulator, a real collectd with mde.so, rrdtool,
# unixsock and write_prometheus; the table shows each tenant in its state
# and check_mde's verdict, the revoked tenant turns CRITICAL, graphs are
# rendered, and the demo leaves no process and no temporary folder behind.
# (Runs the plain build: Debian's collectd cannot load the ASan build of the
# plugin without preloading the runtime, which the demo does not do.)
. "$(dirname "$0")/lib.sh"
[ -x "$MDE_ROOT/build/mde.so" ] || { ok 1 "the plain build exists (make all)"; exit 1; }
rm -rf "$MDE_ROOT/build/demo/graphs"
before=$(date +%s)
out=$(DEMO_SECONDS=26 DEMO_INTERVAL=2 DEMO_REVOKE_AFTER=6 DEMO_CHECK_INTERVAL=10 \
  timeout 120 "$MDE_ROOT/scripts/demo.sh" build 2>&1)
rc=$?
is "$rc" 0 "the demo runs for DEMO_SECONDS and exits 0"
last=$(awk '/^== /{block=""} {block=block $0 "\n"} END {printf "%s", block}' <<<"$out")
row() { grep "^$1 " <<<"$last"; }
like "$(row contosopharma)" "^contosopharma +1 +1 +1 +0 +0 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +(10\\.0|9\\.9) +OK$" \
  "contosopharma: healthy, alert counts shown, the secret's 10 days from Graph, check OK"
like "$out" "contosopharma contosopharma: client credential expires in (10\\.0|9\\.9) days" \
  "the secret expiring in 10 days became a WARNING notification"
like "$last" $'\nsensors: contosopharma [0-9]+ active, [1-9][0-9]* inactive, [0-9]+ impaired, [0-9]+ no sensor data; [1-9][0-9]* can be onboarded; exposure score 47' \
  "contosopharma: unhealthy sensors and devices to onboard shown from collectd's values"
like "$(row fabrikamlogistics)" "CRITICAL: fabrikamlogistics: application not consented in tenant" "fabrikamlogistics: consent missing"
like "$(row litwareretail)" "CRITICAL: litwareretail: API permission missing" "litwareretail: role missing"
like "$(row northwindfoods)" "CRITICAL: northwindfoods: client secret expired" "northwindfoods: secret expired"
like "$(row tailspintoys)" "^tailspintoys +1 +1 +1 +0 +1 .*WARNING: tailspintoys: throttled" "tailspintoys: throttled (429) in collectd and in the check"
like "$(row woodgrovebank)" "^woodgrovebank +0 +0 +0 .*CRITICAL: woodgrovebank: application not consented" \
  "woodgrovebank: revoked consent is seen by collectd and the check"
like "$out" ">>> woodgrovebank's admin revoked consent" "the demo announces the revocation"
like "$out" "collectd_mde_bool\{mde=\"contosopharma\",type=\"token_valid\",instance=\"demo\"\} 1" \
  "write_prometheus serves the plugin's values"
like "$out" "woodgrovebank woodgrovebank: app_not_in_tenant \[AADSTS700016 trace" "the revocation became a notification"
for g in alerts-contosopharma latency-contosopharma token-left-contosopharma credential-left-contosopharma; do
  f="$MDE_ROOT/build/demo/graphs/$g.png"
  ok $([ -s "$f" ] && [ "$(stat -c %Y "$f")" -ge "$before" ] && head -c 8 "$f" | grep -q PNG; echo $?) "graph $g.png rendered"
done
for _ in $(seq 1 50); do # the demo's children may take a moment to go
  left=$(pgrep -af 'mde-demo\.' | grep -v pgrep)
  [ -z "$left" ] && break
  sleep 0.1
done
is "$left" "" "no process of the demo is left running"
ok $(ls -d /tmp/mde-demo.* >/dev/null 2>&1; echo $(( ! $? ))) "the demo's temporary folder is gone"
