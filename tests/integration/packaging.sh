#!/bin/bash
# The Debian packages, for real: `make deb` (lintian must report no error),
# dpkg -i on this machine, the system collectd loading the installed mde.so
# from /usr/lib/collectd, the installed check_mde and mde-sim working,
# the shipped collectd.conf.d/mde.conf loading nothing until edited, then
# removal and purge leaving nothing behind. And `make rpm` builds the spec.
. "$(dirname "$0")/lib.sh"
cd "$MDE_ROOT" || exit 1
out=$(make deb 2>&1)
rc=$?
is "$rc" 0 "make deb builds the packages and lintian reports no error"
[ "$rc" -eq 0 ] || { tail -20 <<<"$out" | sed 's/^/#   /'; exit 1; }
debs=(build/pkg/collectd-mde_*_amd64.deb build/pkg/mde-sim_*_amd64.deb)
out=$(dpkg -i "${debs[@]}" 2>&1)
is "$?" 0 "dpkg -i installs collectd-mde and mde-sim"
trap 'rc=$?; dpkg -P collectd-mde mde-sim >/dev/null 2>&1; finish_exit $rc' EXIT
for f in /usr/lib/collectd/mde.so /usr/lib/nagios/plugins/check_mde /usr/bin/mde-sim \
  /etc/collectd/collectd.conf.d/mde.conf /usr/share/doc/collectd-mde/examples/minimal.conf; do
  ok $([ -e "$f" ]; echo $?) "installed: $f"
done
is "$(grep -vc '^#' /etc/collectd/collectd.conf.d/mde.conf)" 0 "the shipped mde.conf loads nothing until edited"
like "$(/usr/lib/nagios/plugins/check_mde --version)" "^check_mde 0\.1\.0$" "the installed check_mde runs"

# The installed simulator, collectd with the installed plugin, the check.
MDE_BUILD_SAVED=$MDE_BUILD
MDE_BUILD=$WORK/installed
mkdir -p "$MDE_BUILD"
ln -s /usr/bin/mde-sim "$MDE_BUILD/mde-sim"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
MDE_BUILD=$MDE_BUILD_SAVED
(umask 077; printf 'sim-secret-current\n' >"$WORK/secret")
mkdir -p "$WORK/csv"
cat >"$WORK/collectd.conf" <<CONF
Hostname "pkg"
FQDNLookup false
BaseDir "$WORK"
PIDFile "$WORK/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval 2
LoadPlugin logfile
<Plugin logfile>
  File "$WORK/collectd.log"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$WORK/csv"
</Plugin>
LoadPlugin mde
<Plugin mde>
  ClientId "11111111-2222-3333-4444-555555555555"
  ClientSecretFile "$WORK/secret"
  LoginEndpoint "https://127.0.0.1:$SIM_PORT"
  ApiEndpoint "https://127.0.0.1:$SIM_PORT"
  CACert "$MDE_CERTS/ca.pem"
  RequireRole "Alert.Read.All"
  <Tenant "contoso">
    TenantId "contoso.onmicrosoft.com"
  </Tenant>
</Plugin>
CONF
/usr/sbin/collectd -f -C "$WORK/collectd.conf" >"$WORK/collectd.out" 2>&1 &
cpid=$!
for i in $(seq 1 60); do
  f=$(ls "$WORK"/csv/pkg/mde-contoso/bool-token_valid-* 2>/dev/null | head -n1)
  [ -n "$f" ] && [ "$(tail -n1 "$f" | cut -d, -f2)" = "1.000000" ] && break
  sleep 0.5
done
is "$(tail -n1 "$(ls "$WORK"/csv/pkg/mde-contoso/bool-token_valid-* 2>/dev/null | head -n1)" 2>/dev/null | cut -d, -f2)" \
  "1.000000" "the system collectd runs the installed plugin: bool-token_valid = 1"
kill "$cpid"
wait "$cpid"
out=$(/usr/lib/nagios/plugins/check_mde --config "$WORK/collectd.conf" --api)
is "$?" 0 "the installed check_mde reads the same configuration: OK"

stop_sim
out=$(dpkg -r collectd-mde mde-sim 2>&1)
is "$?" 0 "dpkg -r removes both packages"
ok $([ ! -e /usr/lib/collectd/mde.so ] && [ ! -e /usr/lib/nagios/plugins/check_mde ] && [ ! -e /usr/bin/mde-sim ]; echo $?) \
  "removed: the plugin, the check and the simulator are gone"
ok $([ -e /etc/collectd/collectd.conf.d/mde.conf ]; echo $?) "removed, not purged: the configuration stays (a conffile)"
dpkg -P collectd-mde mde-sim >/dev/null 2>&1
ok $([ ! -e /etc/collectd/collectd.conf.d/mde.conf ]; echo $?) "purged: the configuration is gone too"
is "$(dpkg-query -W -f='${Status}' collectd-mde 2>/dev/null)" "" "dpkg knows nothing of collectd-mde any more"

out=$(make rpm 2>&1)
rc=$?
is "$rc" 0 "make rpm builds packaging/rpm/collectd-mde.spec"
[ "$rc" -eq 0 ] || tail -15 <<<"$out" | sed 's/^/#   /'
like "$(rpm -qlp build/pkg/rpm/RPMS/x86_64/collectd-mde-*.rpm 2>/dev/null)" "/usr/lib64/collectd/mde.so" "the RPM holds the plugin"
