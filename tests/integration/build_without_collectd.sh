#!/bin/bash
# SPDX-License-Identifier: MIT
# check_mde, the option model it shares with the plugin (conf/) and their
# unit tests build and pass without collectd's headers (collectd-dev), which
# only the plugin needs: with COLLECTD_INCLUDE an empty directory, `make
# plugin` fails for want of collectd.h (the control: the headers are really
# out of reach) while check_mde, test_check and test_options build, no object
# of theirs read a collectd header, and the tests pass.
. "$(dirname "$0")/lib.sh"
plan 7
cd "$MDE_ROOT" || exit 1
empty="$WORK/no-collectd"
mkdir -p "$empty"
b="$WORK/build"
out=$(nice make -j2 BUILD="$b" COLLECTD_INCLUDE="$empty" plugin 2>&1)
is "$?" 2 "control: make plugin fails without collectd's headers"
like "$out" "collectd\.h" "control: for want of collectd.h"
out=$(nice make -j2 BUILD="$b" COLLECTD_INCLUDE="$empty" check_mde \
  "$b/tests/test_check" "$b/tests/test_options" 2>&1)
rc=$?
is "$rc" 0 "check_mde and its unit tests build without collectd's headers"
[ "$rc" -eq 0 ] || tail -15 <<<"$out" | sed 's/^/#   /'
deps=$(cat "$b"/check/*.d "$b"/conf/*.d "$b"/tests/unit/test_check.d \
  "$b"/tests/unit/test_options.d 2>/dev/null)
like "$deps" "conf/options\.h" "control: the dependency files list the headers read"
unlike "$deps" "collectd|oconfig" "no object of check_mde or its tests read a collectd header"
"$b/tests/test_check" >"$WORK/check.tap" 2>&1
is "$?" 0 "test_check passes ($(grep -c '^ok' "$WORK/check.tap") ok)"
"$b/tests/test_options" >"$WORK/options.tap" 2>&1
is "$?" 0 "test_options passes ($(grep -c '^ok' "$WORK/options.tap") ok)"
