# SPDX-License-Identifier: MIT
# Sourced by the demo, the benchmarks and the tests: starts and stops one
# mde-sim on loopback with ephemeral ports.
#   sim_start BINARY SCENARIO CERTS_DIR WORK_DIR [mde-sim args...]
# sets SIM_PID, SIM_ADDR (127.0.0.1:port), SIM_PORT, SIM_ADMIN (host:port);
# the log is WORK_DIR/sim.log. Returns non-zero if it did not come up.
#   sim_stop    sends SIGTERM and returns mde-sim's exit status.

sim_start() {
  local bin="$1" scenario="$2" certs="$3" work="$4"
  shift 4
  rm -f "$work/sim.ready"
  "$bin" --scenario "$scenario" --cert "$certs/server.pem" \
    --key "$certs/server.key" --listen 127.0.0.1:0 --admin 127.0.0.1:0 \
    --data-dir "$certs" --ready-file "$work/sim.ready" "$@" \
    >"$work/sim.log" 2>&1 &
  SIM_PID=$!
  local i line
  for i in $(seq 1 100); do
    [ -s "$work/sim.ready" ] && break
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -s "$work/sim.ready" ] || return 1
  read -r line <"$work/sim.ready"
  SIM_ADDR=${line#listen=}
  SIM_ADDR=${SIM_ADDR%% *}
  SIM_ADMIN=${line##*admin=}
  SIM_PORT=${SIM_ADDR##*:}
}

sim_stop() {
  [ -n "${SIM_PID:-}" ] || return 0
  kill -TERM "$SIM_PID" 2>/dev/null
  local rc=0
  wait "$SIM_PID" || rc=$?
  SIM_PID=""
  return $rc
}
