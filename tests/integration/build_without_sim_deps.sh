#!/bin/bash
# SPDX-License-Identifier: MIT
# The plugin and the check (and so their packages) build without
# libmicrohttpd, which only the simulator needs: `make plugin check_mde`
# with a pkg-config that does not know libmicrohttpd (every other .pc file of
# this machine, libmicrohttpd.pc left out) builds both, neither links it,
# and no source of theirs includes its header. `make` still builds the
# simulator (every other test runs it).
. "$(dirname "$0")/lib.sh"
plan 6
cd "$MDE_ROOT" || exit 1
pc="$WORK/pkgconfig"
pkgconfig_without "$pc" libmicrohttpd
PKG_CONFIG_LIBDIR="$pc" pkg-config --exists libmicrohttpd
is "$?" 1 "control: this pkg-config does not know libmicrohttpd"
out=$(PKG_CONFIG_LIBDIR="$pc" nice make -j2 BUILD="$WORK/build" plugin check_mde 2>&1)
rc=$?
is "$rc" 0 "make plugin check_mde builds without libmicrohttpd"
[ "$rc" -eq 0 ] || tail -15 <<<"$out" | sed 's/^/#   /'
unlike "$out" "microhttpd|Package .* was not found" "pkg-config was never asked for libmicrohttpd"
needed=$(readelf -d "$WORK/build/mde.so" "$WORK/build/check_mde" 2>&1 | grep NEEDED)
like "$needed" "libcurl" "control: readelf lists what they link"
unlike "$needed" "microhttpd" "neither mde.so nor check_mde links libmicrohttpd"
is "$(grep -rl 'microhttpd' lib plugin check include)" "" "no source of the core, the plugin or the check includes libmicrohttpd"
