#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages of the given sections of
# packaging/debian-packages.txt that are missing: deps.sh LIST SECTION...
# (no section: every one). As root it runs apt-get; otherwise it prints the
# exact command, so a newcomer never has to guess what the build needs.
set -eu
list="${1:-packaging/debian-packages.txt}"
[ $# -gt 0 ] && shift
wanted=" $* "
pkgs=$(awk -v wanted="$wanted" '
  { sub(/#.*/, "") }
  /^\[[a-z]+\]/ { section = substr($1, 2, length($1) - 2); known[section] = 1; next }
  NF && (wanted == "  " || index(wanted, " " section " ")) { print $1 }
  END {
    n = split(wanted, w, " ")
    for (i = 1; i <= n; i++)
      if (!(w[i] in known)) { print "deps: no section [" w[i] "]" > "/dev/stderr"; exit 2 }
  }' "$list")
missing=""
for pkg in $pkgs; do
  case " $missing " in *" $pkg "*) continue ;; esac
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing Debian packages:$missing" >&2
  echo "deps: run as root: apt-get update && $cmd" >&2
  exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
$cmd
