#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""memscan.py PID REGEX: prints, once each, the matches of REGEX (bytes,
ASCII) in the memory of process PID that a core dump would hold: every
readable mapping with resident pages, except those marked "don't dump"
(ASan's 16 TiB shadow; gcore writes it out, which fills a disk). Reading
/proc/PID/mem needs the same permission as gcore (ptrace)."""
import re
import sys

CHUNK = 1 << 20
OVERLAP = 16 << 10  # longer than any token: a match across chunks is seen


def mappings(pid):
    cur = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
            if m:
                cur = {"lo": int(m[1], 16), "hi": int(m[2], 16), "perm": m[3],
                       "name": m[4], "rss": 0, "flags": []}
                yield cur
            elif line.startswith("Rss:"):
                cur["rss"] = int(line.split()[1])
            elif line.startswith("VmFlags:"):
                cur["flags"] = line.split()[1:]


def main():
    pid, pattern = sys.argv[1], re.compile(sys.argv[2].encode())
    found = set()
    maps = list(mappings(pid))
    scanned = 0
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for m in maps:
            if (not m["perm"].startswith("r") or m["rss"] == 0 or "dd" in m["flags"]
                    or m["name"] in ("[vvar]", "[vsyscall]")):
                continue
            pos = m["lo"]
            while pos < m["hi"]:
                n = min(CHUNK + OVERLAP, m["hi"] - pos)
                try:
                    mem.seek(pos)
                    data = mem.read(n)
                except OSError:
                    break
                scanned += len(data)
                found.update(x.group(0) for x in pattern.finditer(data))
                pos += CHUNK
    for x in sorted(found):
        print(x.decode("ascii", "replace"))
    print(f"# scanned {scanned >> 20} MiB", file=sys.stderr)
    return 0 if scanned > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
