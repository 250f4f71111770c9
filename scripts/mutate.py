#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Mutation testing for lib/, conf/, plugin/ and check/ (`make mutate`).

Each mutant is one small change to one line of a function body: a
comparison or its boundary flipped (< <=, == !=), && for ||, + for -, a
constant n made n+1, a constant return value changed, a ! dropped, a
statement line removed. Each is built, one at a time, in a copy of the tree
(build/mutate/tree, plain -O1: no sanitizers, for speed), and the tests that
link the mutated file run against it, quickest first; the first that fails
kills the mutant. A mutant that survives every test is a test we lack, or an
equivalent change (listed with the reason in tests/mutate/equivalent.txt).

Deterministic: every mutant is enumerated from the source, then a seeded
hash of each (its file, line text and change) picks MUTATE_MAX of them. Bounded: no mutant starts after
MUTATE_SECONDS. Releases (free, cleanup, close, wipe) are not removed: a
plain build cannot see a leak; the sanitised `make check` does.

Environment: MUTATE_SEED (1), MUTATE_MAX (all), MUTATE_SECONDS (3600),
MUTATE_FILES (space-separated globs; default lib/*.c conf/*.c plugin/*.c check/*.c),
MUTATE_EXCLUDE (globs to leave out),
MUTATE_TESTS ("fast": unit tests, itest_engine and the check and plugin
scripts; "unit": unit tests only), MUTATE_REPORT (bench/results/mutate.md),
MUTATE_MIN_SCORE (a percentage: exit 1 if the score falls below it),
MUTATE_DIR (build/mutate: the copy of the tree, its build, the certificates),
MUTATE_RERUN (1: run the survivors of the last report again, after tests
were added, and rewrite it), MUTATE_LIST (1: build the unmutated tree and
print, for each file, the tests its mutants would run against; nothing is
mutated, run or reported).
"""

import fnmatch
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.environ.get("MUTATE_DIR", os.path.join(ROOT, "build", "mutate"))
TREE = os.path.join(WORK, "tree")
BUILD = "build"  # inside TREE
CFLAGS = "-O1"

# Engine files are the lead's; their survivors are reported, not fixed here.
ENGINE = re.compile(r"^lib/(engine.*\.c|http\.c)$")

# Integration tests, the programs they run (a test covers a file if one of
# its programs links it) and the files they are worth their time for. The
# option model moved from plugin/ to conf/ (issue 18): the scripts that
# read a <Plugin mde> block through collectd cover it there.
SCRIPTS = {
    "build/tests/itest_engine": (["tests/itest_engine"], ["lib/*"]),
    "tests/integration/check_mde.sh": (
        ["check_mde", "mde-sim"], ["lib/*", "check/*", "conf/options.c"]),
    "tests/integration/collectd_config.sh": (
        ["mde.so"], ["plugin/*", "conf/*"]),
    "tests/integration/config_sweep.sh": (
        ["mde.so", "check_mde"], ["conf/options.c", "check/conffile.c"]),
    "tests/integration/collectd_plugin.sh": (
        ["mde.so", "mde-sim"], ["plugin/*"]),
    "tests/integration/collectd_values.sh": (
        ["mde.so", "mde-sim"], ["plugin/*", "conf/*"]),
}

# Files that hold a program's main(): covered by the tests that run it.
PROGRAMS = {"check/main.c": "check_mde"}

RELEASE = re.compile(r"\b\w*(free|cleanup|close|destroy|unref|wipe)\w*\s*\(")

DECL = re.compile(
    r"^(?:(?:const|static|unsigned|signed|struct|enum|volatile)\s+)*"
    r"[A-Za-z_]\w*[\s*]+[A-Za-z_]\w*\s*(?:=|;|\[|,)")
KEYWORDS = ("return", "break", "continue", "goto", "case", "default", "if",
            "for", "while", "do", "else", "switch", "typedef")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --- where mutants may go: code inside function bodies -------------------

def body_mask(src):
    """True for each character of code inside a function body: not in a
    comment, a string or character literal, a preprocessor line, or a
    top-level initializer or type definition."""
    n = len(src)
    mask = [False] * n
    i = depth = 0
    in_body = False
    line_start = True
    last = ""  # last significant character outside bodies
    header = 0  # where the text before the next top-level '{' starts
    while i < n:
        c = src[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if line_start and c in " \t":
            i += 1
            continue
        if line_start and c == "#":
            while i < n and not (src[i] == "\n" and src[i - 1] != "\\"):
                i += 1
            continue
        line_start = False
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            if depth == 0:
                name = re.search(r"(\w+)\s*\(", src[header:i])
                # Releases are left to the sanitised make check: a plain
                # build cannot see a leak.
                in_body = last == ")" and not (
                    name and RELEASE.match(name.group(0)))
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                in_body = False
                last = "}"
                header = i + 1
        elif depth == 0 and c == ";":
            last = c
            header = i + 1
        elif depth == 0 and not c.isspace():
            last = c
        if in_body and depth > 0:
            mask[i] = True
        i += 1
    return mask


# --- the operators --------------------------------------------------------

def prev_token(src, i):
    j = i - 1
    while j >= 0 and src[j] in " \t":
        j -= 1
    k = j
    while k >= 0 and (src[k].isalnum() or src[k] in "_."):
        k -= 1
    return src[k + 1:j + 1] if k < j else (src[j] if j >= 0 else "")


def is_operand_end(tok):
    return (bool(tok) and (tok[-1].isalnum() or tok[-1] in "_)]")
            and tok not in KEYWORDS)


SWAPS = [
    ("cmp", re.compile(r"(?<![<>=!\-])(<=|>=)"), {"<=": "<", ">=": ">"}),
    ("cmp", re.compile(r"(?<![<>\-])(<|>)(?![<>=])"), {"<": "<=", ">": ">="}),
    ("eq", re.compile(r"(?<![=!<>])(==|!=)(?!=)"), {"==": "!=", "!=": "=="}),
    ("bool", re.compile(r"(&&|\|\|)"), {"&&": "||", "||": "&&"}),
    ("arith", re.compile(r"(?<![+\-])(\+=|-=)"), {"+=": "-=", "-=": "+="}),
]
ARITH = re.compile(r"(?<![+\-])([+\-])(?![+\-=>])")
NUMBER = re.compile(r"(?<![\w.])(\d+)(?![\w.])")
RETURN = re.compile(r"\breturn (-1|0|1|true|false);")
RETURN_SWAP = {"-1": "0", "0": "-1", "1": "0", "true": "false",
               "false": "true"}
NOT = re.compile(r"!(?!=)(?=\s*[A-Za-z_(])")
ARRAY_DECL = re.compile(r"^\s*(static\s+)?(const\s+)?[A-Za-z_][\w\s*]*\w\s*\[")


def mutants_of(path, src):
    """Yields (line, col, op, start, end, replacement)."""
    mask = body_mask(src)
    lines = src.split("\n")
    offsets = []
    o = 0
    for ln in lines:
        offsets.append(o)
        o += len(ln) + 1

    def where(pos):
        lo, hi = 0, len(offsets) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if offsets[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, pos - offsets[lo] + 1

    def code(a, b):
        return all(mask[a:b])

    out = []
    for op, rx, table in SWAPS:
        for m in rx.finditer(src):
            if code(m.start(1), m.end(1)):
                out.append((op, m.start(1), m.end(1), table[m.group(1)]))
    for m in ARITH.finditer(src):
        a = m.start(1)
        tok = prev_token(src, a)
        if (code(a, a + 1) and is_operand_end(tok) and tok not in KEYWORDS
                and not re.search(r"\d[eE]$", tok)):
            out.append(("arith", a, a + 1, "-" if m.group(1) == "+" else "+"))
    for m in NUMBER.finditer(src):
        a = m.start(1)
        line, col = where(a)
        before = lines[line - 1][:col - 1]
        size = ARRAY_DECL.match(lines[line - 1]) and (
            before.count("[") > before.count("]"))
        negative = src[a - 1] == "-" and not is_operand_end(
            prev_token(src, a - 1))
        # One byte more allocated is never observable: not a mutant.
        alloc = re.search(r"\b(malloc|calloc|realloc)\([^;]*$", before)
        if code(a, m.end(1)) and not size and not negative and not alloc:
            out.append(("const", a, m.end(1), str(int(m.group(1)) + 1)))
    for m in RETURN.finditer(src):
        if code(m.start(), m.end()):
            v = m.group(1)
            out.append(("return", m.start(1), m.end(1), RETURN_SWAP[v]))
    for m in NOT.finditer(src):
        if code(m.start(), m.end()):
            out.append(("not", m.start(), m.start() + 1, ""))
    for idx, ln in enumerate(lines):
        s = ln.strip()
        a = offsets[idx] + (len(ln) - len(ln.lstrip()))
        if not s.endswith(";") or not code(a, a + len(s)):
            continue
        first = re.match(r"[A-Za-z_]\w*", s)
        if (not first or first.group(0) in KEYWORDS or DECL.match(s)
                or RELEASE.search(s) or s.count("(") != s.count(")")
                or s.startswith(("}", "{", "*"))):
            continue
        prev = lines[idx - 1].rstrip() if idx else ""
        if not prev.endswith((";", "{", "}", ")", ":", "else")):
            continue
        out.append(("delete", a, a + len(s), "{}"))
    def near(idx, step):  # the nearest line with text, stripped
        idx += step
        while 0 <= idx < len(lines) and not lines[idx].strip():
            idx += step
        return lines[idx].strip() if 0 <= idx < len(lines) else ""

    result = []
    for op, a, b, rep in sorted(out, key=lambda t: (t[1], t[0])):
        line, col = where(a)
        result.append({"file": path, "line": line, "col": col, "op": op,
                       "start": a, "end": b, "rep": rep,
                       "orig": lines[line - 1].strip(),
                       "ctx": near(line - 1, -1) + " / " +
                       near(line - 1, 1)})
    return result


def mutated_line(src, m):
    s = src[:m["start"]] + m["rep"] + src[m["end"]:]
    return s, s.split("\n")[m["line"] - 1].strip()


# --- the copy of the tree and its tests --------------------------------------

def sync_tree():
    """Copies the worktree into TREE; only changed files are rewritten (with
    a fresh mtime, so make rebuilds exactly what changed)."""
    skip = {".git", "build"}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel = os.path.relpath(dirpath, ROOT)
        dirnames[:] = [d for d in dirnames
                       if not (rel == "." and d in skip)]
        os.makedirs(os.path.join(TREE, rel), exist_ok=True)
        for f in filenames:
            src = os.path.join(dirpath, f)
            dst = os.path.join(TREE, rel, f)
            if os.path.islink(src):
                continue
            if not (os.path.exists(dst) and same(src, dst)):
                shutil.copyfile(src, dst)
                shutil.copymode(src, dst)


def same(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def make(targets, quiet=True):
    cmd = ["nice", "make", "-C", TREE, "-j2", "-s", "BUILD=" + BUILD,
           "CFLAGS=" + CFLAGS] + targets
    # Not the caller's make (make check): its flags and jobserver are not
    # this build's.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=env)
    if r.returncode != 0 and not quiet:
        log(r.stdout[-3000:])
    return r.returncode == 0


def symbols(path):
    r = subprocess.run(["nm", path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return {ln.split()[-1] for ln in r.stdout.splitlines()
            if len(ln.split()) == 3 and ln.split()[1] in "TtDdBbRr"}


def exported(obj):
    r = subprocess.run(["nm", "--defined-only", "--extern-only", obj],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    return {ln.split()[-1] for ln in r.stdout.splitlines()
            if len(ln.split()) == 3}


class Tests:
    def __init__(self, kind, certs):
        b = os.path.join(TREE, BUILD)
        units = sorted(
            os.path.join(BUILD, "tests", f[:-2])
            for f in os.listdir(os.path.join(TREE, "tests", "unit"))
            if f.startswith("test_") and f.endswith(".c"))
        self.tests = {}  # name -> programs (make targets, for coverage)
        self.scope = {}  # name -> the files it is run for
        for u in units:
            self.tests[u] = [u]
            self.scope[u] = ["*"]
        if kind == "fast":
            for s, (progs, scope) in SCRIPTS.items():
                self.tests[s] = [os.path.join(BUILD, p) for p in progs]
                self.scope[s] = scope
        self.certs = certs
        self.b = b
        self.seconds = {}
        self.syms = {}

    def targets(self, names):
        return sorted({t for n in names for t in self.tests[n]})

    def refresh_symbols(self):
        for n, progs in self.tests.items():
            self.syms[n] = set()
            for p in progs:
                self.syms[n] |= symbols(os.path.join(TREE, p))

    def covering(self, source):
        obj = os.path.join(self.b, source[:-2] + ".o")
        names = exported(obj) - {"main"}
        tests = [n for n in self.tests
                 if any(fnmatch.fnmatch(source, g) for g in self.scope[n])]
        if not names:  # a program's main file: the tests that run it
            prog = os.path.join(BUILD, PROGRAMS.get(source, "?"))
            return [n for n in tests if prog in self.tests[n]]
        return [n for n in tests if names & self.syms[n]]

    def run(self, name, limit):
        """Returns "pass", "fail" or "timeout"."""
        tmp = tempfile.mkdtemp(prefix="mutate.", dir=WORK)
        env = dict(os.environ, MDE_BUILD=self.b, MDE_ROOT=TREE,
                   MDE_CERTS=self.certs, MDE_TEST_TMP=tmp,
                   CMOCKA_MESSAGE_OUTPUT="TAP")
        path = os.path.join(TREE, name)
        p = subprocess.Popen([path], cwd=TREE, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, start_new_session=True)
        try:
            out, _ = p.communicate(timeout=limit)
            verdict = ("fail" if p.returncode != 0
                       or re.search(rb"^not ok", out, re.M) else "pass")
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            verdict = "timeout"
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            shutil.rmtree(tmp, ignore_errors=True)
        return verdict


# --- equivalent mutants, explained once ----------------------------------

def load_equivalent():
    """tests/mutate/equivalent.txt: file, operator, original line, mutated
    line and why, separated by tabs, one mutant a line; lines are matched
    by their text, not their numbers, so they survive edits elsewhere. A
    line that occurs more than once in its file (`return -1;`) is told
    apart by a sixth field before the why: its neighbours, the nearest
    lines with text before and after it, as "before / after"."""
    eq = {}
    path = os.path.join(ROOT, "tests", "mutate", "equivalent.txt")
    if os.path.exists(path):
        for ln in open(path, encoding="utf-8"):
            if ln.strip() and not ln.startswith("#"):
                parts = [p.strip() for p in ln.rstrip("\n").split("\t")]
                if len(parts) == 5:
                    eq[tuple(parts[:4])] = parts[4]
                elif len(parts) == 6:
                    eq[tuple(parts[:5])] = parts[5]
    return eq


def equivalent_why(equivalent, m, new):
    """The reason mutant m (its mutated line `new`) is equivalent, or None."""
    key = (m["file"], m["op"], m["orig"], new)
    return equivalent.get(key + (m.get("ctx", ""),), equivalent.get(key))


# --- the run ----------------------------------------------------------------

def main():
    # Stopped (timeout, Ctrl-C): restore the mutated file on the way out,
    # and leave the marker, since a compiler still running may yet write
    # the mutant's object: the next run rebuilds that file.
    interrupted = []

    def stop(*_):
        interrupted.append(1)
        sys.exit(143)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    seed = int(os.environ.get("MUTATE_SEED", "1"))
    limit = int(os.environ.get("MUTATE_MAX", "0")) or None
    budget = float(os.environ.get("MUTATE_SECONDS", "3600"))
    kind = os.environ.get("MUTATE_TESTS", "fast")
    globs = os.environ.get("MUTATE_FILES", "lib/*.c conf/*.c plugin/*.c check/*.c")
    report = os.environ.get("MUTATE_REPORT",
                            os.path.join(ROOT, "bench", "results",
                                         "mutate.md"))
    min_score = os.environ.get("MUTATE_MIN_SCORE")
    started = time.time()
    commit = commit_of()  # the tree is copied now; commits made later are not in it

    exclude = os.environ.get("MUTATE_EXCLUDE", "").split()
    files = sorted({os.path.relpath(os.path.join(ROOT, f), ROOT)
                    for g in globs.split()
                    for f in _glob(g)
                    if not any(fnmatch.fnmatch(f, x) for x in exclude)})
    everything = []
    for f in files:
        with open(os.path.join(ROOT, f), encoding="utf-8") as fh:
            everything += mutants_of(f, fh.read())
    # Seeded order by a hash of what the mutant is (file, line text, change),
    # not of where it is: an edit elsewhere does not reshuffle the sample.
    # Run in that order, so a run cut short by MUTATE_SECONDS still samples
    # every file.
    seen = {}
    for m in everything:
        key = (m["file"], m["op"], m["orig"], m["rep"])
        seen[key] = seen.get(key, 0) + 1
        m["rank"] = hashlib.sha256(
            repr((seed,) + key + (seen[key],)).encode()).hexdigest()
    chosen = sorted(everything, key=lambda m: m["rank"])[:limit]
    prior, header = [], None
    if os.environ.get("MUTATE_RERUN"):
        prior, chosen, header = previous_run(report, everything)
    log(f"mutate: {len(everything)} mutants in {len(files)} files, "
        f"{len(chosen)} chosen (seed {seed})")

    os.makedirs(WORK, exist_ok=True)
    dirty = os.path.join(WORK, "dirty")
    sync_tree()
    if os.path.exists(dirty):  # an interrupted run: rebuild that file
        f = open(dirty).read().strip()
        if os.path.exists(os.path.join(TREE, f)):
            os.utime(os.path.join(TREE, f))
        os.remove(dirty)
    certs = os.path.join(WORK, "certs")
    if not os.path.exists(os.path.join(certs, "ca.pem")):
        subprocess.run([os.path.join(ROOT, "scripts", "gen-certs.sh"), certs],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
    tests = Tests(kind, certs)
    if not make(tests.targets(list(tests.tests)), quiet=False):
        log("mutate: the unmutated tree does not build")
        return 2
    tests.refresh_symbols()
    if os.environ.get("MUTATE_LIST"):
        for f in sorted({m["file"] for m in chosen}):
            print(f"{f}: " + " ".join(sorted(tests.covering(f))))
        return 0

    # Baseline: every test the chosen mutants need passes unmutated, and
    # how long it takes.
    needed = {n for f in {m["file"] for m in chosen}
              for n in tests.covering(f)}
    for n in list(tests.tests):
        if n not in needed:
            del tests.tests[n]
    broken = []
    for n in list(tests.tests):
        t0 = time.time()
        if tests.run(n, 600) != "pass":
            broken.append(n)
            del tests.tests[n]
        tests.seconds[n] = time.time() - t0
    for n in broken:
        log(f"mutate: {n} fails unmutated; left out")

    equivalent = load_equivalent()
    results = []
    for k, m in enumerate(chosen):
        if time.time() - started > budget:
            m["verdict"] = "not run"
            results.append(m)
            continue
        path = os.path.join(TREE, m["file"])
        with open(os.path.join(ROOT, m["file"]), encoding="utf-8") as fh:
            original = fh.read()
        mutated, m["new"] = mutated_line(original, m)
        cover = sorted(tests.covering(m["file"]),
                       key=lambda n: tests.seconds.get(n, 0))
        with open(dirty, "w") as fh:
            fh.write(m["file"])
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(mutated)
        try:
            if not cover:
                m["verdict"] = "uncovered"
            elif not make(tests.targets(cover)):
                m["verdict"] = "stillborn"
            else:
                m["verdict"] = "survived"
                for n in cover:
                    v = tests.run(n, 3 * tests.seconds[n] + 10)
                    if v != "pass":
                        m["verdict"] = "killed" if v == "fail" else "timeout"
                        m["by"] = n
                        break
        finally:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(original)
            if not interrupted:
                os.remove(dirty)
        why = equivalent_why(equivalent, m, m["new"])
        if m["verdict"] == "survived" and why is not None:
            m["verdict"] = "equivalent"
            m["why"] = why
        log(f"[{k + 1}/{len(chosen)}] {m['file']}:{m['line']} {m['op']}: "
            f"{m['verdict']}" + (f" by {m.get('by')}" if m.get("by") else ""))
        results.append(m)
    make(tests.targets(list(tests.tests)))  # leave the tree unmutated

    if header:
        killed = sum(m["verdict"] in ("killed", "timeout") for m in results)
        header += (f" Its {len(results)} survivors were run again at commit "
                   f"`{commit}` ({time.strftime('%H:%M UTC', time.gmtime())}"
                   f", {(time.time() - started) / 60:.1f} min), with the "
                   f"tests added since: {killed} of them are now killed.")
    score = write_report(report, prior + results, everything, files, seed,
                         limit, budget, kind, time.time() - started, broken,
                         header, commit)
    print(f"mutate: score {score:.1f}% ({report})")
    if min_score is not None and score < float(min_score):
        print(f"mutate: below the threshold of {min_score}%")
        return 1
    return 0


def commit_of():
    return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True).stdout.strip() or "?"


def previous_run(path, everything):
    """MUTATE_RERUN=1: the report of an earlier run, its survivors to run
    again (after tests were added), the rest of its results as they were,
    and its first paragraph."""
    text = open(path, encoding="utf-8").read()
    header = text.split("\n\n")[1].strip()
    prior, again = [], []
    for f, k, t, _, _, sb in re.findall(
            r"^\| `([^`]+)`(?: \(engine\))? \| (\d+) \| (\d+) \| (\d+) \| "
            r"(\d+) \| (\d+) \|", text, re.M):
        for verdict, n in (("killed", k), ("timeout", t), ("stillborn", sb)):
            prior += [{"file": f, "verdict": verdict}] * int(n)
    m = re.search(r"(\d+) not linked by any test, (\d+) not run", text)
    if m:
        prior += [{"file": None, "verdict": "uncovered"}] * int(m.group(1))
        prior += [{"file": None, "verdict": "not run"}] * int(m.group(2))
    equivalent = load_equivalent()
    for f, line, op, orig, new, why in re.findall(
            r"^- `([^:`]+):(\d+)` (\w+): `(.*)` → `(.*?)`(?: — (.*))?$", text,
            re.M):
        found = [x for x in everything if x["file"] == f
                 and x["line"] == int(line) and x["op"] == op
                 and x["orig"] == orig]
        src = open(os.path.join(ROOT, f), encoding="utf-8").read()
        found = [x for x in found if mutated_line(src, x)[1] == new]
        known = why or equivalent_why(
            equivalent, found[0] if found else
            {"file": f, "op": op, "orig": orig}, new)
        if known or not found:
            prior.append({"file": f, "line": int(line), "op": op,
                          "orig": orig, "new": new,
                          "verdict": "equivalent" if known else "survived",
                          "why": known or ""})
        else:
            again.append(found[0])
    return prior, again, header


def _glob(pattern):
    d = os.path.dirname(pattern)
    base = os.path.basename(pattern)
    full = os.path.join(ROOT, d)
    return [os.path.join(d, f) for f in sorted(os.listdir(full))
            if fnmatch.fnmatch(f, base)]


def write_report(path, results, everything, files, seed, limit, budget,
                 kind, took, broken, header=None, commit="?"):
    results = sorted(results, key=lambda m: (m["file"] or "",
                                             m.get("line", 0), m["op"]
                                             if "op" in m else ""))
    counts = {}
    for m in results:
        c = counts.setdefault(m["file"], {})
        c[m["verdict"]] = c.get(m["verdict"], 0) + 1

    def score_of(c):
        killed = c.get("killed", 0) + c.get("timeout", 0)
        alive = c.get("survived", 0)
        return 100.0 * killed / (killed + alive) if killed + alive else 100.0

    total = {}
    for c in counts.values():
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    lines = [
        "# Mutation testing",
        "",
        header or
        f"`make mutate` (scripts/mutate.py) at commit `{commit}`"
        f", {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"{len(results)} of {len(everything)} mutants in {len(files)} files "
        f"(MUTATE_SEED={seed}, MUTATE_MAX={limit or 'all'}, "
        f"MUTATE_SECONDS={budget:.0f}, MUTATE_TESTS={kind}), "
        f"{took / 60:.1f} min on {os.cpu_count()} cores "
        f"(load average {os.getloadavg()[0]:.1f} at the end).",
        "",
        "Score = killed (a test failed, or timed out) / (killed + survived);"
        " stillborn mutants (they do not compile) and equivalent ones (listed"
        " with the reason in tests/mutate/equivalent.txt) are not counted.",
        "",
        f"**Score: {score_of(total):.1f}%** "
        f"({total.get('killed', 0)} killed, {total.get('timeout', 0)} timed "
        f"out, {total.get('survived', 0)} survived, "
        f"{total.get('equivalent', 0)} equivalent, "
        f"{total.get('stillborn', 0)} stillborn, "
        f"{total.get('uncovered', 0)} not linked by any test, "
        f"{total.get('not run', 0)} not run in the time budget).",
        "",
    ]
    if broken:
        lines += ["Left out because they fail unmutated: " +
                  ", ".join(f"`{b}`" for b in broken), ""]
    lines += ["| file | killed | timed out | survived | equivalent | "
              "stillborn | score |", "|---|---|---|---|---|---|---|"]
    for f in sorted(x for x in counts if x):
        c = counts[f]
        lines.append(
            f"| `{f}`{' (engine)' if ENGINE.match(f) else ''} | "
            f"{c.get('killed', 0)} | {c.get('timeout', 0)} | "
            f"{c.get('survived', 0)} | {c.get('equivalent', 0)} | "
            f"{c.get('stillborn', 0)} | {score_of(c):.0f}% |")
    lines.append("")
    for title, pick in (
            ("Survivors", lambda m: m["verdict"] == "survived"
             and not ENGINE.match(m["file"])),
            ("Survivors in the engine (for the lead)",
             lambda m: m["verdict"] == "survived" and ENGINE.match(m["file"])),
            ("Equivalent", lambda m: m["verdict"] == "equivalent")):
        chosen = [m for m in results if pick(m)]
        if not chosen:
            continue
        lines += [f"## {title}", ""]
        for m in chosen:
            why = f" — {m['why']}" if m.get("why") else ""
            lines.append(f"- `{m['file']}:{m['line']}` {m['op']}: "
                         f"`{m['orig']}` → `{m['new']}`{why}")
        lines.append("")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    return score_of(total)


if __name__ == "__main__":
    sys.exit(main())
