#!/bin/bash
# SPDX-License-Identifier: MIT
# The Debian packages, for real: `make deb` (lintian reports neither an
# error nor a warning); monitoring-plugins-mde alone first (its Depends name
# no collectd, it holds only the check and its command definitions, and
# Nagios runs the installed check_mde through the installed
# /etc/nagios-plugins/config/mde.cfg against the simulator); then
# collectd-mde and mde-sim: the system collectd loading the installed mde.so
# from /usr/lib/collectd, the installed check_mde and mde-sim working, the
# shipped collectd.conf.d/mde.conf loading nothing until edited, then removal
# and purge leaving nothing behind. The build profile pkg.collectd-mde.nosim
# builds the plugin and check packages without libmicrohttpd, and
# pkg.collectd-mde.nocollectd the check's alone without collectd's headers.
# And `make rpm`
# builds the spec's three packages, the check's without collectd.
. "$(dirname "$0")/lib.sh"
cd "$MDE_ROOT" || exit 1
PKGS="collectd-mde monitoring-plugins-mde mde-sim"
out=$(make deb 2>&1)
rc=$?
is "$rc" 0 "make deb builds the packages and lintian reports no error"
[ "$rc" -eq 0 ] || { tail -20 <<<"$out" | sed 's/^/#   /'; exit 1; }
is "$(grep -E '^[EW]: ' <<<"$out")" "" "lintian reports no warning either"
# the build profile that leaves the simulator out builds the plugin and the
# check packages where libmicrohttpd is unknown
pkgconfig_without "$WORK/pc" libmicrohttpd
rm -rf "$WORK/nosim" && mkdir -p "$WORK/nosim/src"
tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$WORK/nosim/src"
cp -r packaging/debian "$WORK/nosim/src/debian"
out=$(cd "$WORK/nosim/src" && PKG_CONFIG_LIBDIR="$WORK/pc" nice dpkg-buildpackage -us -uc -b \
  --build-profiles=pkg.collectd-mde.nosim 2>&1)
is "$?" 0 "the pkg.collectd-mde.nosim profile builds without libmicrohttpd"
is "$(cd "$WORK/nosim" && ls ./*.deb | grep -v dbgsym | tr '\n' ' ')" \
  "./collectd-mde_0.1.0_amd64.deb ./monitoring-plugins-mde_0.1.0_amd64.deb " \
  "... and makes the plugin and check packages, no simulator"
# the build profile that leaves the plugin out builds the check's package
# where collectd's headers are out of reach (COLLECTD_INCLUDE: empty)
mkdir -p "$WORK/no-collectd"
rm -rf "$WORK/nosim/src/build" "$WORK/nosim"/*.deb
out=$(cd "$WORK/nosim/src" && COLLECTD_INCLUDE="$WORK/no-collectd" nice dpkg-buildpackage \
  -us -uc -b --build-profiles=pkg.collectd-mde.nocollectd,pkg.collectd-mde.nosim 2>&1)
is "$?" 0 "the pkg.collectd-mde.nocollectd profile builds without collectd's headers"
is "$(cd "$WORK/nosim" && ls ./*.deb | grep -v dbgsym | tr '\n' ' ')" \
  "./monitoring-plugins-mde_0.1.0_amd64.deb " "... and makes the check's package alone"
check_deb=(build/pkg/monitoring-plugins-mde_*_amd64.deb)
debs=(build/pkg/collectd-mde_*_amd64.deb build/pkg/mde-sim_*_amd64.deb)
trap 'rc=$?; dpkg -P $PKGS >/dev/null 2>&1; finish_exit $rc' EXIT
dpkg -P $PKGS >/dev/null 2>&1

# --- the check on its own
depends=$(dpkg-deb -f "${check_deb[0]}" Depends)
like "$depends" "libcurl" "monitoring-plugins-mde depends on its libraries ($depends)"
unlike "$depends" "collectd" "monitoring-plugins-mde does not depend on collectd"
is "$(dpkg-deb -c "${check_deb[0]}" | awk '{ print $6 }' | grep -v '/$' | grep -v '^./usr/share/doc/' | sort | tr '\n' ' ')" \
  "./etc/nagios-plugins/config/mde.cfg ./usr/lib/nagios/plugins/check_mde " \
  "monitoring-plugins-mde holds the check and its command definitions (and docs)"
out=$(dpkg -i "${check_deb[@]}" 2>&1)
is "$?" 0 "dpkg -i installs monitoring-plugins-mde alone"
is "$(dpkg-query -W -f='${Status}' collectd-mde 2>/dev/null)" "" "collectd-mde is not installed with it"
like "$(/usr/lib/nagios/plugins/check_mde --version)" "^check_mde 0\.1\.0$" "the installed check_mde runs"
start_sim "$MDE_ROOT/tests/integration/scenarios/basic.json"
nagios_objects
cp "$MDE_CERTS/ca.pem" "$NAGIOS_DIR/ca.pem"
(umask 077; printf 'sim-secret-current\n' >"$NAGIOS_DIR/secret")
EXTRA="--login-endpoint https://127.0.0.1:$SIM_PORT --api-endpoint https://127.0.0.1:$SIM_PORT --cacert $NAGIOS_DIR/ca.pem -r Alert.Read.All --api"
nagios_service "MDE contoso" "check_mde!contoso.onmicrosoft.com!11111111-2222-3333-4444-555555555555!$NAGIOS_DIR/secret!$EXTRA"
nagios_start /etc/nagios-plugins/config/mde.cfg
is "$?" 0 "nagios4 -v accepts the installed /etc/nagios-plugins/config/mde.cfg"
for i in $(seq 1 120); do
  [ -n "$(nagios_services)" ] && break
  sleep 0.5
done
like "$(nagios_services)" "^MDE contoso\|0\|MDE OK - contoso.onmicrosoft.com: token valid" \
  "Nagios runs the installed /usr/lib/nagios/plugins/check_mde: OK"
# This machine has collectd (the plugin is tested on it): what the check
# needs is shown by what it opens. Not one file of a collectd package.
# As Nagios runs it: the nagios user, who owns the secret.
runuser -u nagios -- strace -f -qq -e trace=open,openat,execve \
  /usr/lib/nagios/plugins/check_mde -T contoso.onmicrosoft.com \
  -C 11111111-2222-3333-4444-555555555555 --secret-file "$NAGIOS_DIR/secret" \
  $EXTRA >"$WORK/check.out" 2>"$WORK/check.trace"
like "$(cat "$WORK/check.out")" "^MDE OK" "check_mde under strace, as the nagios user: OK"
opened=$(sed -n 's/.*\(open\|openat\|execve\)(\(AT_FDCWD, \)\{0,1\}"\([^"]*\)".* = [0-9].*/\3/p' "$WORK/check.trace" | sort -u)
owners=$(for f in $opened; do dpkg -S "$(readlink -f "$f")" 2>/dev/null | cut -d: -f1; done | tr ', ' '\n\n' | sort -u | grep . | tr '\n' ' ')
ok $([ -n "$owners" ] && ! grep -qw 'collectd\|collectd-core\|libcollectdclient1' <<<"$owners"; echo $?) \
  "check_mde opens no file of a collectd package ($(wc -w <<<"$opened") files, from: $owners)"
nagios_stop
stop_sim
out=$(dpkg -r monitoring-plugins-mde 2>&1)
is "$?" 0 "dpkg -r removes monitoring-plugins-mde"

# --- all three
out=$(dpkg -i "${debs[@]}" "${check_deb[@]}" 2>&1)
is "$?" 0 "dpkg -i installs collectd-mde, monitoring-plugins-mde and mde-sim"
for f in /usr/lib/collectd/mde.so /usr/lib/nagios/plugins/check_mde /usr/bin/mde-sim \
  /etc/collectd/collectd.conf.d/mde.conf /usr/share/doc/collectd-mde/examples/minimal.conf \
  /etc/nagios-plugins/config/mde.cfg /usr/share/doc/monitoring-plugins-mde/examples/check_mde.cfg; do
  ok $([ -e "$f" ]; echo $?) "installed: $f"
done
is "$(grep -vc '^#' /etc/collectd/collectd.conf.d/mde.conf)" 0 "the shipped mde.conf loads nothing until edited"

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
out=$(dpkg -r $PKGS 2>&1)
is "$?" 0 "dpkg -r removes the three packages"
ok $([ ! -e /usr/lib/collectd/mde.so ] && [ ! -e /usr/lib/nagios/plugins/check_mde ] && [ ! -e /usr/bin/mde-sim ]; echo $?) \
  "removed: the plugin, the check and the simulator are gone"
ok $([ -e /etc/collectd/collectd.conf.d/mde.conf ] && [ -e /etc/nagios-plugins/config/mde.cfg ]; echo $?) \
  "removed, not purged: the configurations stay (conffiles)"
dpkg -P $PKGS >/dev/null 2>&1
ok $([ ! -e /etc/collectd/collectd.conf.d/mde.conf ] && [ ! -e /etc/nagios-plugins/config/mde.cfg ]; echo $?) \
  "purged: the configurations are gone too"
is "$(dpkg-query -W -f='${Status}' collectd-mde 2>/dev/null)" "" "dpkg knows nothing of collectd-mde any more"

out=$(make rpm 2>&1)
rc=$?
is "$rc" 0 "make rpm builds packaging/rpm/collectd-mde.spec"
[ "$rc" -eq 0 ] || tail -15 <<<"$out" | sed 's/^/#   /'
rpms=build/pkg/rpm/RPMS/x86_64
is "$(rpm -qlp $rpms/collectd-mde-0*.rpm 2>/dev/null | grep -v '^/usr/share/\|^/usr/lib/.build-id')" \
  "$(printf '/etc/collectd.d/mde.conf\n/usr/lib64/collectd/mde.so')" "the collectd-mde RPM holds the plugin"
is "$(rpm -qlp $rpms/nagios-plugins-mde-*.rpm 2>/dev/null | grep -v '^/usr/share/\|^/usr/lib/.build-id')" \
  "/usr/lib64/nagios/plugins/check_mde" "the nagios-plugins-mde RPM holds the check"
unlike "$(rpm -qpR $rpms/nagios-plugins-mde-*.rpm 2>/dev/null)" "collectd" "nagios-plugins-mde requires no collectd"
optflags=$(rpm --eval '%{optflags}')
ok $(grep -qF -- "-fPIC -O2 -g $optflags -MMD" <<<"$out"; echo $?) "the spec compiles with the distribution's %{optflags} ($optflags)"
