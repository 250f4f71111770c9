#!/bin/bash
# SPDX-License-Identifier: MIT
# While check_mde holds a secret: it is not in /proc/PID/cmdline, and the
# process is not dumpable, so a crash (here a SIGABRT while it waits for a
# slow token endpoint) leaves no core file holding the secret, where a
# dumpable process in the same place does leave one. The plain build is
# used: ASan disables core dumps by itself, which would prove nothing.
. "$(dirname "$0")/lib.sh"
APP=11111111-2222-3333-4444-555555555555
CHECK="$MDE_ROOT/build/check_mde"
[ -x "$CHECK" ] || CHECK="$MDE_BUILD/check_mde"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
BASE="https://127.0.0.1:$SIM_PORT"
admin PUT /faults '[{"endpoint": "token", "latency_ms": 20000}]' >/dev/null
mkdir -p "$WORK/cores"
cd "$WORK/cores" || exit 1
ulimit -c unlimited

# waits until the check has a connection open (to the slow token endpoint:
# the secret has been read and sent)
connected() {
  for _ in $(seq 1 100); do
    find "/proc/$1/fd" -lname 'socket:*' 2>/dev/null | grep -q . && sleep 0.5 && return 0
    sleep 0.1
  done
  return 1
}

# control: a dumpable process here does leave a core
sleep 30 &
pid=$!
sleep 0.2
kill -ABRT "$pid"
wait "$pid" 2>/dev/null
control=$(find . -maxdepth 1 -name 'core*' | wc -l)
rm -f core*

MDE_CLIENT_SECRET=sim-secret-current "$CHECK" -T contoso.onmicrosoft.com -C "$APP" \
  --login-endpoint "$BASE" --api-endpoint "$BASE" --cacert "$MDE_CERTS/ca.pem" -t 30 \
  >"$WORK/out" 2>&1 &
pid=$!
connected "$pid"
ok $? "the check is waiting for its token"
cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
like "$cmdline" "check_mde -T contoso" "/proc/PID/cmdline is the check's"
unlike "$cmdline" "sim-secret" "/proc/PID/cmdline holds no secret"
kill -ABRT "$pid"
wait "$pid" 2>/dev/null
if [ "$control" -eq 0 ]; then
  echo "ok - # SKIP this machine writes no core files here (core_pattern: $(cat /proc/sys/kernel/core_pattern))"
else
  is "$(find . -maxdepth 1 -name 'core*' | wc -l)" 0 "killed while holding the secret: no core file (a dumpable process left $control)"
fi
unlike "$(cat "$WORK/out")" "sim-secret" "nothing the check printed holds the secret"
cd / || exit 1
admin DELETE /faults >/dev/null
