#!/bin/bash
# SPDX-License-Identifier: MIT
# README.md stays true: every shell block marked <!-- runnable --> runs as
# written from the repository root (with the plain build) and exits 0; the
# commands it promises exist; every make target it lists is in the Makefile.
. "$(dirname "$0")/lib.sh"
cd "$MDE_ROOT" || exit 1
blocks=$(awk '/<!-- runnable -->/ { want = 1; next }
  want && /^```sh$/ { inside = 1; n++; next }
  inside && /^```$/ { inside = 0; want = 0; next }
  inside { print n "\t" $0 }' README.md)
count=$(cut -f1 <<<"$blocks" | sort -u | grep -c .)
ok $(( count >= 2 ? 0 : 1 )) "README.md has runnable blocks ($count)"
unlike "$blocks" $'\t''sleep [0-9]' "README's runnable blocks wait for readiness, never a fixed sleep"
for i in $(seq 1 "$count"); do
  grep "^$i	" <<<"$blocks" | cut -f2- >"$WORK/block$i.sh"
  out=$(timeout 60 bash -e "$WORK/block$i.sh" 2>&1)
  rc=$?
  is "$rc" 0 "README block $i runs as written"
  [ "$rc" -eq 0 ] || sed 's/^/#   /' <<<"$out" | tail -10
  [ "$i" = 1 ] && is "$(tail -n1 <<<"$out")" "Bearer" "README block 1 ends with what the README says"
  [ "$i" = 2 ] && like "$out" "^MDE OK - .*/mde.conf: valid, 1 tenant\|tenants=1$" "README block 2 prints what the README says"
done
for t in $(grep -o '`make [a-z]*' README.md | cut -c7- | sort -u); do
  grep -qE "^$t:" Makefile
  ok $? "README's make $t is a Makefile target"
done
