#!/bin/bash
# SPDX-License-Identifier: MIT
# Every source file says its license in its first two lines (after a
# shebang): `SPDX-License-Identifier: MIT`, as LICENSE and the Debian
# copyright file say.
. "$(dirname "$0")/lib.sh"
cd "$MDE_ROOT" || exit 1
missing=""
n=0
while read -r f; do
  case "$f" in tests/fuzz/corpus/* | examples/* | packaging/*) continue ;; esac
  case "$f" in
  *.c | *.h | *.sh | *.py) ;;
  *) head -c2 "$f" | grep -q '#!' || continue ;;
  esac
  n=$((n + 1))
  head -n2 "$f" | grep -q 'SPDX-License-Identifier: MIT' || missing="$missing $f"
done < <(git ls-files 2>/dev/null || find . -type f -not -path './build/*' | sed 's|^\./||')
ok $((n >= 200 ? 0 : 1)) "source files found ($n)"
is "$missing" "" "every source file carries SPDX-License-Identifier: MIT in its first two lines"
grep -q '^MIT License' LICENSE
ok $? "LICENSE is the MIT license the SPDX lines name"
