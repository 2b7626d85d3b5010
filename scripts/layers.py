#!/usr/bin/env python3
"""Checks the layers the Makefile names (make layers; make check runs it).

1. Core files stay free of the screen: a core module's .c and .h include no SDL header, no
   UI module's header (the renderer, the layout, the display, ...) and neither private
   header (booth_priv.h, render_priv.h), directly or through another header.
2. No circles: from the symbols each object file defines and uses (nm), file A depends on B
   when A calls or reads something B defines. No file may depend on itself through others.
3. Pure files stay pure: a module named in --pure (a part of the core) uses nothing but other
   pure modules and the C library's computation (strings, memory, formatting into a buffer,
   maths): no file, socket, thread, clock, environment or library with I/O. Time comes in as
   an argument.

The tiers: pure (--pure), services (the rest of --core: threads, files, sockets, devices), and
the shell (--ui: SDL, the booth).

Usage: layers.py --core "a b c" --ui "d e" --obj build/obj [--pure "a"] [--allow FILE:HEADER ...]
--allow names a known exception, said in the Makefile beside its reason.
Exits 1 and names every breach."""
import argparse
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def includes(path):
    try:
        with open(path, encoding="utf-8") as f:
            return INCLUDE.findall(f.read())
    except FileNotFoundError:
        return []


def header_path(name, args):
    for d in (args.include, args.src):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    return None


def closure(path, args, seen):
    """Every header path reaches, with the chain that reached it."""
    for inc in includes(path):
        if inc in seen:
            continue
        seen[inc] = path
        p = header_path(inc, args)
        if p:
            closure(p, args, seen)
    return seen


def check_core(args, core, ui):
    banned = {m + ".h" for m in ui} | {"booth_priv.h", "render_priv.h"}
    allowed = set(args.allow or [])
    bad = []
    for m in core:
        for path in (os.path.join(args.src, m + ".c"), os.path.join(args.include, m + ".h")):
            if not os.path.exists(path):
                continue
            for inc, via in closure(path, args, {}).items():
                if "%s:%s" % (os.path.basename(path), inc) in allowed:
                    continue
                if inc in banned or inc.startswith("SDL"):
                    how = "" if via == path else " (through %s)" % via
                    bad.append("%s: core file includes %s%s" % (path, inc, how))
    return bad


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True, text=True,
                         check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.split()}
    return defined, used


# What a pure module may call besides other pure modules: computation only.
PURE_LIBC = re.compile(
    r"^(mem(cpy|move|set|cmp|chr|rchr)|str[a-z]*|v?snprintf|qsort|bsearch|abort|__assert_fail|"
    r"__stack_chk_fail|__errno_location|explicit_bzero|malloc|calloc|realloc|free|"
    r"tolower|toupper|__ctype_[a-z_]+|is[a-z]+|__isoc\d*_(sscanf|strto[a-z]+)|sscanf|"
    r"l?l?abs|l?l?round|lrint|floor|ceil|sqrtf?|powf?|fabsf?|fminf?|fmaxf?|_GLOBAL_OFFSET_TABLE_)$")
# What a sanitizer or coverage build adds to every object: instrumentation, not the file's own
# calls (make check SANITIZE=1 runs this check on such a build).
INSTRUMENT = re.compile(r"^__(asan|ubsan|tsan|lsan|msan|sanitizer|gcov|llvm_gcov|llvm_profile)_")
# mem.c reports a failed allocation on stderr before aborting: its one exception.
PURE_ALLOW = {"mem": {"fprintf", "stderr", "fwrite", "fputs"}}


def check_pure(args, pure, core):
    bad, defs = [], {}
    for m in core:
        obj = os.path.join(args.obj, m + ".o")
        if os.path.exists(obj):
            for s in symbols(obj)[0]:
                defs[s] = m
    for m in pure:
        if m not in core:
            bad.append("%s: a pure file must be in the core too" % m)
            continue
        obj = os.path.join(args.obj, m + ".o")
        if not os.path.exists(obj):
            return ["%s: not built (run make first)" % obj]
        for s in sorted(symbols(obj)[1]):
            if s in defs:
                if defs[s] not in pure:
                    bad.append("%s.c: pure, but calls %s of %s.c (a service)" % (m, s, defs[s]))
            elif INSTRUMENT.match(s):
                continue
            elif not PURE_LIBC.match(s) and s not in PURE_ALLOW.get(m, ()):
                bad.append("%s.c: pure, but calls %s (I/O, a thread, a clock or a library)"
                           % (m, s))
    return bad


def check_circles(args, modules):
    defs, uses = {}, {}
    for m in modules:
        obj = os.path.join(args.obj, m + ".o")
        if not os.path.exists(obj):
            return ["%s: not built (run make first)" % obj]
        d, u = symbols(obj)
        uses[m] = u
        for s in d:
            defs[s] = m
    deps = {m: sorted({defs[s] for s in uses[m] if s in defs and defs[s] != m})
            for m in modules}
    bad, state, stack = [], {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in deps[m]:
            if state.get(n) == 1:
                cycle = stack[stack.index(n):] + [n]
                bad.append("circle: " + " -> ".join(cycle))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in modules:
        if m not in state:
            visit(m)
    return bad, deps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--core", required=True)
    ap.add_argument("--ui", required=True)
    ap.add_argument("--pure", default="")
    ap.add_argument("--obj", required=True)
    ap.add_argument("--src", default="src")
    ap.add_argument("--include", default="include")
    ap.add_argument("--allow", action="append", metavar="FILE:HEADER")
    ap.add_argument("--print", action="store_true", help="print each file's dependencies")
    args = ap.parse_args()
    core, ui = args.core.split(), args.ui.split()
    if not core or not ui:
        print("layers: empty core or UI list", file=sys.stderr)
        return 2
    pure = args.pure.split()
    bad = check_core(args, core, ui) + check_pure(args, pure, core)
    circles = check_circles(args, core + ui)
    if isinstance(circles, list):
        bad += circles
        deps = {}
    else:
        bad += circles[0]
        deps = circles[1]
    if args.print:
        for m in sorted(deps):
            print("%s: %s" % (m, " ".join(deps[m])))
    for b in bad:
        print("layers: " + b)
    n = len(core) + len(ui)
    print("layers: %d files (%d pure, %d services, %d shell): %d problem%s" %
          (n, len(pure), len(core) - len(pure), len(ui), len(bad),
           "" if len(bad) == 1 else "s"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
