#!/usr/bin/env python3
"""sipkb benchmark: tshark with sipkb against the same tshark without it, on
the benchmark captures (see bench/README.md).

Run it through bench/run-bench.sh, which builds the plugin and makes the
captures first. Three variants of one tshark are run:

  on    the fresh sipkb.so loaded and enabled
  off   the same sipkb.so loaded, --disable-protocol sipkb
  none  no sipkb.so at all (Wireshark's own plugins only)

on/none is the figure the targets apply to (what a user compares with),
on/off the second column; off/none is what a disabled sipkb costs. Every
variant sees the same plugin folder apart from sipkb.so: the distribution's
global plugins (symlinked) plus, for on and off, a copy of the fresh build, as
tests/e2e/tshark-sipkb does. When run as root, tshark runs as `nobody`
(Wireshark running as root loads plugins only from its global folder), with
HOME in a private staging folder, so no profile or installed copy interferes.

Two kinds of figures:
  instructions  valgrind --tool=callgrind on the small capture; a run with
                -c 1 (start-up, one packet, exit) is subtracted from each run,
                so the ratios are about packet processing; plus sipkb's own
                top functions and the functions that grow most from none to on.
  time          wall time, CPU time (user + system) and peak RSS from wait4(),
                one warm-up per variant, then rounds of on, off, none
                interleaved; median and min-max; per-packet CPU cost at each
                size; peak memory at `large`.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# name -> label, tshark arguments for on and off, for none (None: the same), and the target of
# on/none in processing instructions (None: shown without a target). Every mode's off/none is
# the cost of sipkb loaded but disabled; the "disabled" row of the report is summary's off/none.
MODES = {
    "summary": ("summary lines (-r)", ["-r", "{cap}"], None, 1.35),
    "ysip": ("filter -Y sip (first pass with a tree)", ["-r", "{cap}", "-Y", "sip"], None, 1.25),
    "tree": ("full tree (-V)", ["-r", "{cap}", "-V"], None, None),
    "twopass": ("two-pass tree (-2 -V)", ["-2", "-r", "{cap}", "-V"], None, 1.30),
    "gui": ("GUI-like: colouring rules as -Y", ["-r", "{cap}", "-Y", "{colour}"],
            ["-r", "{cap}", "-Y", "{colour_none}"], None),
}
MODE_ORDER = ["summary", "ysip", "tree", "twopass", "gui"]
DISABLED_TARGET = 1.01  # summary lines, off/none
VARIANTS = ["on", "off", "none"]
VARIANT_TEXT = {"on": "sipkb on", "off": "sipkb off (--disable-protocol sipkb)",
                "none": "no sipkb.so"}
SIZES = ["small", "medium", "large", "mixed"]
MEMORY_TARGET = 1.10  # peak resident memory at `large`, on/none
FLAT_TARGET = 1.10  # per-packet cost at a size / per-packet cost at `small`

# Which modes the wall-time part runs on which capture, to keep a run near an hour on two
# CPUs: every mode on `small`, all but the two-pass tree (the most expensive run, measured exactly
# by the instruction counts) on `medium` and `mixed`, summary lines on `large` (for the
# per-packet cost and the peak memory at a million packets; its -V output alone takes minutes
# per run). --full runs every mode everywhere.
TIME_PLAN = {
    "small": ["summary", "ysip", "tree", "twopass", "gui"],
    "medium": ["summary", "ysip", "tree", "gui"],
    "mixed": ["summary", "ysip", "tree", "gui"],
    "large": ["summary"],
}


def colour_filters(path):
    """The filters of a colouring-rule file (@name@filter@colours; disabled rules start with !),
    in order, as Wireshark's GUI applies them on its first pass."""
    filters = []
    with open(path) as f:
        for line in f:
            if line.startswith("@"):
                filters.append(line.split("@")[2])
    return filters


def colour_filter_args():
    """-Y filters of the GUI-like mode: sipkb's shipped rules above Wireshark's default ones (as
    plugin/sipkb.colorfilters says to import them) for on and off; Wireshark's alone for none,
    where the sipkb fields do not exist."""
    ws = colour_filters("/usr/share/wireshark/colorfilters")
    ours = colour_filters(os.path.join(ROOT, "plugin", "sipkb.colorfilters"))
    join = lambda fs: " || ".join(f"({f})" for f in fs)
    return {"{colour}": join(ours + ws), "{colour_none}": join(ws)}


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# ---- staging: the same approach as tests/e2e/tshark-sipkb --------------------------------

class Stage:
    def __init__(self, plugin_dir, tshark):
        self.tshark = tshark
        self.root = tempfile.mkdtemp(prefix="sipkb-bench.", dir=os.environ.get("TMPDIR", "/tmp"))
        os.chmod(self.root, 0o755)
        self.as_nobody = os.geteuid() == 0
        for sub in ("home", "in", "out"):
            os.mkdir(os.path.join(self.root, sub), 0o755)
        if self.as_nobody:
            import pwd
            nobody = pwd.getpwnam("nobody")
            self.uid, self.gid = nobody.pw_uid, nobody.pw_gid
            for sub in ("home", "out"):
                os.chown(os.path.join(self.root, sub), self.uid, self.gid)
        global_dir = self._global_plugins()
        self.plugins = {}
        for variant in ("sipkb", "none"):
            dest = os.path.join(self.root, "plugins-" + variant)
            os.mkdir(dest)
            if global_dir and os.path.isdir(global_dir):
                for dirpath, _, files in os.walk(global_dir):
                    for f in files:
                        if f.endswith(".so") and f != "sipkb.so":
                            rel = os.path.relpath(os.path.join(dirpath, f), global_dir)
                            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
                            os.symlink(os.path.join(dirpath, f), os.path.join(dest, rel))
            if variant == "sipkb":
                shutil.copytree(plugin_dir, dest, dirs_exist_ok=True)
            self.plugins[variant] = dest
        subprocess.run(["chmod", "-R", "a+rX", self.root], check=True)
        self.sipkb_so = None
        for dirpath, _, files in os.walk(self.plugins["sipkb"]):
            if "sipkb.so" in files and not os.path.islink(os.path.join(dirpath, "sipkb.so")):
                self.sipkb_so = os.path.join(dirpath, "sipkb.so")
        if not self.sipkb_so:
            sys.exit(f"sipkb-bench: no sipkb.so under {plugin_dir}")

    def _global_plugins(self):
        out = subprocess.run([self.tshark, "-G", "folders"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition("\t")
            if key.strip() == "Global Plugins:":
                return value.strip()
        return None

    def stage_input(self, path):
        dest = os.path.join(self.root, "in", os.path.basename(path))
        if not os.path.exists(dest):
            try:
                os.link(path, dest)
            except OSError:
                shutil.copyfile(path, dest)
            os.chmod(dest, 0o644)
        return dest

    def env(self, variant):
        home = os.path.join(self.root, "home")
        return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
                "XDG_CONFIG_HOME": os.path.join(home, ".config"), "LANG": "C.UTF-8",
                "WIRESHARK_PLUGIN_DIR": self.plugins["none" if variant == "none" else "sipkb"]}

    def popen(self, argv, variant, stdout):
        kwargs = {}
        if self.as_nobody:
            kwargs = {"user": self.uid, "group": self.gid, "extra_groups": []}
        return subprocess.Popen(argv, env=self.env(variant), cwd=self.root, stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=subprocess.PIPE, **kwargs)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def tshark_args(mode, variant, cap, extra=()):
    _, on_args, none_args, _ = MODES[mode]
    args = none_args if variant == "none" and none_args else on_args
    subst = dict(colour_filter_args(), **{"{cap}": cap})
    args = [subst.get(a, a) for a in args]
    if variant == "off":
        args = ["--disable-protocol", "sipkb"] + args
    return list(extra) + args


# ---- one measured run ----------------------------------------------------------------------

def timed_run(stage, argv, variant, count_lines=False):
    """Runs argv; returns wall s, cpu s, peak RSS KiB and (optionally) the output's line count."""
    out = subprocess.PIPE if count_lines else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = stage.popen(argv, variant, out)
    lines = None
    if count_lines:
        lines = 0
        for chunk in iter(lambda: proc.stdout.read(1 << 20), b""):
            lines += chunk.count(b"\n")
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"sipkb-bench: {' '.join(argv)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
    if err.strip():
        log(f"sipkb-bench: warning: {' '.join(argv)} wrote to stderr:\n{err.decode()[-1000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
            "lines": lines}


# ---- instructions (callgrind) ----------------------------------------------------------------

def callgrind_total(path):
    total = None
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    if total is None:
        sys.exit(f"sipkb-bench: no totals in {path}")
    return total


def run_callgrind_jobs(stage, jobs, parallel):
    """jobs: list of (key, argv, variant). Returns key -> (total Ir, callgrind file)."""
    results = {}
    pending = list(jobs)
    running = []
    while pending or running:
        while pending and len(running) < parallel:
            key, argv, variant = pending.pop(0)
            outfile = os.path.join(stage.root, "out", f"{key}.callgrind")
            cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={outfile}",
                   "--dump-instr=no", "--dump-line=no", "--compress-strings=no"] + argv
            proc = stage.popen(cmd, variant, subprocess.DEVNULL)
            running.append((key, proc, outfile, time.time()))
        time.sleep(0.2)
        for item in list(running):
            key, proc, outfile, t0 = item
            if proc.poll() is None:
                continue
            running.remove(item)
            err = proc.stderr.read().decode(errors="replace")
            if proc.returncode != 0:
                sys.exit(f"sipkb-bench: callgrind run {key} failed:\n{err[-3000:]}")
            results[key] = (callgrind_total(outfile), outfile)
            log(f"  callgrind {key}: {results[key][0]:,} Ir ({time.time() - t0:.0f} s)")
    return results


def callgrind_functions(path):
    """Self and inclusive Ir per (object, function) of a callgrind output file.

    Read directly rather than through callgrind_annotate, which lists a function once per file
    its code comes from (inlined code: `???:fn` beside `file.c:fn`, the former without its
    object), so that its lines neither add up to the total nor name the object. Here self
    costs add up to the total exactly; inclusive = self + the costs of the calls made (calls
    of a function to itself left out)."""
    names = {"fl": {}, "fn": {}, "ob": {}}
    space = {"fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl", "fn": "fn", "cfn": "fn",
             "ob": "ob", "cob": "ob"}

    def name(kind, text):
        m = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if not m:
            return text
        table = names[space[kind]]
        if m.group(2) is not None:
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), "?")

    self_ir, incl_ir = {}, {}
    ob = fn = cob = cfn = None
    after_calls = False
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) >= 2:
                    cost = int(parts[1])
                    key = (ob, fn)
                    if after_calls:
                        if (cob or ob, cfn) != key:
                            incl_ir[key] = incl_ir.get(key, 0) + cost
                        cob = None
                    else:
                        self_ir[key] = self_ir.get(key, 0) + cost
                        incl_ir[key] = incl_ir.get(key, 0) + cost
                after_calls = False
                continue
            k, _, v = line.rstrip("\n").partition("=")
            if k == "ob":
                ob = name(k, v)
            elif k == "fn":
                fn, cob = name(k, v), None
            elif k in ("fl", "fi", "fe", "cfi", "cfl"):
                name(k, v)
            elif k == "cob":
                cob = name(k, v)
            elif k == "cfn":
                cfn = name(k, v)
            elif k == "calls":
                after_calls = True
    return self_ir, incl_ir


def is_sipkb(key):
    return key[0].endswith("/sipkb.so")


def fn_label(key):
    obj, fn = key
    lib = os.path.basename(obj) if obj else "?"
    return f"{fn} ({re.sub(r'[.]so[.0-9]*$', '', lib)})"


def instruction_figures(stage, cap, packets, parallel, modes):
    jobs = []
    for mode in modes:
        for variant in VARIANTS:
            argv = [stage.tshark] + tshark_args(mode, variant, cap)
            jobs.append((f"{mode}-{variant}", argv, variant))
            argv1 = [stage.tshark] + tshark_args(mode, variant, cap, extra=["-c", "1"])
            jobs.append((f"{mode}-{variant}-c1", argv1, variant))
    log(f"sipkb-bench: instructions: callgrind on {os.path.basename(cap)} ({packets} packets), "
        f"{len(jobs)} runs, {parallel} at a time")
    res = run_callgrind_jobs(stage, jobs, parallel)
    fig = {"packets": packets, "modes": {}}
    for mode in modes:
        m = {}
        for variant in VARIANTS:
            total, path = res[f"{mode}-{variant}"]
            startup, _ = res[f"{mode}-{variant}-c1"]
            m[variant] = {"total": total, "startup": startup, "processing": total - startup,
                          "file": path}
        m["on_none"] = m["on"]["processing"] / m["none"]["processing"]
        m["on_off"] = m["on"]["processing"] / m["off"]["processing"]
        m["off_none"] = m["off"]["processing"] / m["none"]["processing"]
        fig["modes"][mode] = m
    return fig


def profile(fig, modes, top=12):
    """sipkb's own functions in the on runs, and the functions whose cost grows most from none
    to on (Wireshark building the fields sipkb primes shows up there, not in sipkb.so)."""
    prof = {}
    for mode in modes:
        m = fig["modes"][mode]
        processing = m["on"]["processing"]
        self_on, incl_on = callgrind_functions(m["on"]["file"])
        self_none, _ = callgrind_functions(m["none"]["file"])
        plugin = sorted(((ir, key) for key, ir in self_on.items() if is_sipkb(key)), reverse=True)
        growth = sorted(((ir - self_none.get(key, 0), key) for key, ir in self_on.items()
                         if ir > self_none.get(key, 0)), reverse=True)
        prof[mode] = {
            "processing": processing,
            "delta": processing - m["none"]["processing"],
            "plugin_self": sum(ir for ir, _ in plugin),
            "dissect_sipkb_inclusive": max((ir for key, ir in incl_on.items()
                                            if is_sipkb(key) and key[1] == "dissect_sipkb"),
                                           default=0),
            "functions": [{"self": ir, "inclusive": incl_on.get(key, ir), "name": fn_label(key)}
                          for ir, key in plugin[:top]],
            "growth": [{"delta": d, "name": fn_label(key)} for d, key in growth[:top]],
        }
    return prof


# ---- time, CPU, memory ------------------------------------------------------------------------

def time_figures(stage, captures, plan, rounds, startup_cap):
    fig = {}
    jobs = []
    # start-up (-c 1) on the small capture, to take out of the per-packet figures
    jobs.append(("startup", startup_cap, "summary", ["-c", "1"]))
    for size, (cap, packets) in captures.items():
        for mode in plan.get(size, []):
            jobs.append((size, cap, mode, []))
    for size, cap, mode, extra in jobs:
        t0 = time.time()
        runs = {v: [] for v in VARIANTS}
        lines = {}
        # warm-up: one run per variant (page cache, dynamic loader), its output counted
        for variant in VARIANTS:
            r = timed_run(stage, [stage.tshark] + tshark_args(mode, variant, cap, extra), variant,
                          count_lines=mode in ("summary", "ysip", "gui"))
            lines[variant] = r["lines"]
        for _ in range(rounds):
            for variant in VARIANTS:
                runs[variant].append(
                    timed_run(stage, [stage.tshark] + tshark_args(mode, variant, cap, extra), variant))
        key = "startup" if size == "startup" else f"{size}/{mode}"
        fig[key] = {"size": size, "mode": mode, "runs": runs, "lines": lines}
        log(f"  time {key}: {time.time() - t0:.0f} s (cpu median on {med(runs['on'], 'cpu'):.2f} s, "
            f"off {med(runs['off'], 'cpu'):.2f} s, none {med(runs['none'], 'cpu'):.2f} s)")
    return fig


def med(runs, key):
    return statistics.median(r[key] for r in runs)


def spread(runs, key):
    values = [r[key] for r in runs]
    return min(values), max(values)


# ---- the report --------------------------------------------------------------------------------

def verdict(ratio, target):
    if target is None:
        return "—"
    return "PASS" if ratio <= target + 1e-9 else "MISS"


def fmt_ratio(x):
    return f"{x:.3f}"


def fmt_target(target):
    return f"≤ {target:.2f}" if target else "—"


def derive_time(timing, captures):
    """Ratios of the timed runs: CPU (start-up subtracted) and peak memory, per-packet cost."""
    s_cpu = {v: med(timing["startup"]["runs"][v], "cpu") for v in VARIANTS}
    base = None
    for key, t in timing.items():
        if key == "startup":
            continue
        r = t["runs"]
        net = {v: med(r[v], "cpu") - s_cpu[v] for v in VARIANTS}
        t["cpu_none"], t["cpu_off"] = net["on"] / net["none"], net["on"] / net["off"]
        t["mem_none"] = med(r["on"], "rss_kib") / med(r["none"], "rss_kib")
        t["mem_off"] = med(r["on"], "rss_kib") / med(r["off"], "rss_kib")
    for size in SIZES:
        t = timing.get(f"{size}/summary")
        if not t:
            continue
        packets = captures[size][1]
        on = (med(t["runs"]["on"], "cpu") - s_cpu["on"]) / packets * 1e6
        none = (med(t["runs"]["none"], "cpu") - s_cpu["none"]) / packets * 1e6
        t["per_packet"] = {"on": on, "none": none}
        if size == "mixed":
            continue
        if base is None:
            base = (on, none)
        t["per_packet"].update(growth_on=on / base[0], growth_none=none / base[1])
    return s_cpu


def headline(instr, timing):
    """The targets of issue 17 in one table: processing instructions on/none per mode, the
    disabled plugin (summary off/none), peak memory at `large` and the per-packet growth."""
    rows = []
    if instr:
        modes = instr["modes"]
        if "summary" in modes:
            m = modes["summary"]
            rows.append(("sipkb disabled (`--disable-protocol sipkb`), summary lines, off/none",
                         m["off_none"], None, DISABLED_TARGET))
        for mode, m in modes.items():
            rows.append((MODES[mode][0], m["on_none"], m["on_off"], MODES[mode][3]))
    if timing:
        t = timing.get("large/summary")
        if t:
            rows.append(("peak memory at `large`, summary lines", t["mem_none"], t["mem_off"],
                         MEMORY_TARGET))
        for size in ("medium", "large"):
            t = timing.get(f"{size}/summary")
            if t and "growth_on" in t.get("per_packet", {}):
                rows.append((f"CPU per packet, `{size}` / `small`, summary lines (on)",
                             t["per_packet"]["growth_on"], None, FLAT_TARGET))
    return rows


def report(meta, instr, prof, timing, captures, args):
    out = []
    w = out.append
    w("# sipkb benchmark: last run")
    w("")
    w(f"- date: {meta['date']}; host: {meta['host']}, {meta['cpus']} CPUs; "
      f"load average before / after: {meta['load_before']} / {meta['load_after']}")
    w(f"- tshark {meta['tshark']}; valgrind {meta['valgrind']}; sipkb {meta['sipkb']} "
      f"(git {meta['git']}), build type RelWithDebInfo")
    w(f"- command: `{meta['command']}`; run time {meta['elapsed']}")
    w("- variants: **on** = sipkb.so loaded and enabled; **off** = same sipkb.so loaded, "
      "`--disable-protocol sipkb`; **none** = no sipkb.so (the baseline of every target)")
    w("")
    w("Captures (generated by `captures/generate/bench/make-bench-captures.sh`):")
    w("")
    w("| capture | packets | SIP | RTP | Call-IDs | file |")
    w("|---|---:|---:|---:|---:|---:|")
    for size, (cap, packets) in captures.items():
        info = meta["info"].get(size, {})
        w(f"| {size} | {packets:,} | {int(info.get('sip', 0)):,} | {int(info.get('rtp', 0)):,} | "
          f"{int(info.get('call_ids', 0)):,} | {int(info.get('bytes', 0)) / 1e6:.0f} MB |")
    w("")
    s_cpu = derive_time(timing, captures) if timing else None
    rows = headline(instr, timing)
    if rows:
        w("## Targets: with sipkb against without (on/none)")
        w("")
        w("Instructions are callgrind's on `small` with the start-up run (`-c 1`) subtracted, the "
          "figure of record; memory and per-packet figures come from the timed runs below.")
        w("")
        w("| figure | **on/none** | on/off | target | verdict |")
        w("|---|---:|---:|---:|---|")
        for label, ratio, on_off, target in rows:
            w(f"| {label} | **{fmt_ratio(ratio)}** | "
              f"{fmt_ratio(on_off) if on_off is not None else '—'} | {fmt_target(target)} | "
              f"{verdict(ratio, target)} |")
        w("")
    if instr:
        n = instr["packets"]
        w(f"## Processing instructions (callgrind, `small`, {n:,} packets; start-up run with `-c 1` "
          "subtracted)")
        w("")
        w("| mode | on: Ir/packet | off: Ir/packet | none: Ir/packet | **on/none** | target | "
          "verdict | on/off | off/none |")
        w("|---|---:|---:|---:|---:|---:|---|---:|---:|")
        for mode, m in instr["modes"].items():
            label, _, _, target = MODES[mode]
            w(f"| {label} | {m['on']['processing'] / n:,.0f} | {m['off']['processing'] / n:,.0f} | "
              f"{m['none']['processing'] / n:,.0f} | **{fmt_ratio(m['on_none'])}** | "
              f"{fmt_target(target)} | {verdict(m['on_none'], target)} | {fmt_ratio(m['on_off'])} | "
              f"{fmt_ratio(m['off_none'])} |")
        w("")
        su = instr["modes"].get("summary")
        if su:
            w("Start-up (`-c 1`, summary mode): " + ", ".join(
                f"{v} {su[v]['startup']:,} Ir" for v in VARIANTS) + ".")
        w("")
        w("GUI-like: `-Y` with the filters of `plugin/sipkb.colorfilters` and of Wireshark's default "
          "colouring rules joined by `||` (on, off); Wireshark's alone for none, where sipkb's "
          "fields do not exist.")
        w("")
    if prof:
        w("## Where the instructions go (callgrind output of the `on` and `none` runs, `small`)")
        w("")
        for mode, p in prof.items():
            label = MODES[mode][0]
            w(f"### {label}")
            w("")
            w(f"- on − none: {p['delta']:,} Ir ({100 * p['delta'] / (p['processing'] - p['delta']):.1f}% "
              f"of none); `dissect_sipkb` inclusive: {p['dissect_sipkb_inclusive']:,} Ir "
              f"({100 * p['dissect_sipkb_inclusive'] / p['processing']:.1f}% of on); sipkb.so's own "
              f"code (self): {p['plugin_self']:,} Ir ({100 * p['plugin_self'] / p['processing']:.1f}%)")
            w("")
            w("| sipkb function | self Ir | self % of on | inclusive Ir | inclusive % of on |")
            w("|---|---:|---:|---:|---:|")
            for f in p["functions"]:
                w(f"| `{f['name']}` | {f['self']:,} | {100 * f['self'] / p['processing']:.2f}% | "
                  f"{f['inclusive']:,} | {100 * f['inclusive'] / p['processing']:.2f}% |")
            w("")
            w("| function whose self cost grows most from none to on | Δ Ir | % of on − none |")
            w("|---|---:|---:|")
            for g in p["growth"]:
                w(f"| `{g['name']}` | {g['delta']:,} | {100 * g['delta'] / max(p['delta'], 1):.1f}% |")
            w("")
    if timing:
        st = timing.get("startup")
        w(f"## Wall time, CPU time, peak memory ({args.rounds} interleaved rounds of on/off/none "
          "after one warm-up run each; median [min–max])")
        w("")
        w("CPU ratios subtract the start-up CPU (median of the `-c 1` runs on `small`). They are for "
          "reference: on a shared machine CPU time is noisy, instructions are not. Peak memory = "
          "maximum resident set size (wait4).")
        w("")
        w("| capture | mode | wall on s | CPU on s | CPU off s | CPU none s | CPU on/none | "
          "CPU on/off | peak MB on | peak MB off | peak MB none | mem on/none | mem on/off |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for key, t in timing.items():
            if key == "startup":
                continue
            size, mode = t["size"], t["mode"]
            r = t["runs"]

            def cell(v, k, scale=1.0, digits=2):
                lo, hi = spread(r[v], k)
                return (f"{med(r[v], k) * scale:.{digits}f} [{lo * scale:.{digits}f}–"
                        f"{hi * scale:.{digits}f}]")
            w(f"| {size} | {mode} | {cell('on', 'wall')} | {cell('on', 'cpu')} | {cell('off', 'cpu')} | "
              f"{cell('none', 'cpu')} | {fmt_ratio(t['cpu_none'])} | {fmt_ratio(t['cpu_off'])} | "
              f"{cell('on', 'rss_kib', 1 / 1024, 0)} | {cell('off', 'rss_kib', 1 / 1024, 0)} | "
              f"{cell('none', 'rss_kib', 1 / 1024, 0)} | {fmt_ratio(t['mem_none'])} | "
              f"{fmt_ratio(t['mem_off'])} |")
        w("")
        w(f"Start-up (`-c 1` on `small`): CPU " +
          ", ".join(f"{v} {s_cpu[v]:.3f} s" for v in VARIANTS) +
          f"; wall on {med(st['runs']['on'], 'wall'):.3f} s.")
        w("")
        checks = []
        for key, t in timing.items():
            if key != "startup" and t["mode"] in ("ysip", "gui"):
                counts = [t["lines"][v] for v in VARIANTS]
                checks.append(f"{key}: " + " / ".join(f"{c:,}" for c in counts) +
                              (" (equal)" if len(set(counts)) == 1 else " (DIFFERENT)"))
        if checks:
            w("Packets shown by the filters (on / off / none): " + "; ".join(checks) + ".")
            w("")
        w("### Per-packet CPU cost (summary lines, start-up subtracted)")
        w("")
        w("Flat = the cost per packet with sipkb (on) at most 10 % above `small`'s; tshark's own "
          "(none) and sipkb's share (on − none) beside it. At `small` the figures are differences "
          "of small CPU times (±10 %).")
        w("")
        w("| capture | packets | on µs/packet | none µs/packet | on − none µs/packet | on vs small | "
          "target | verdict | none vs small |")
        w("|---|---:|---:|---:|---:|---:|---:|---|---:|")
        for size in SIZES:
            t = timing.get(f"{size}/summary")
            if not t:
                continue
            packets = captures[size][1]
            pp = t["per_packet"]
            on, none = pp["on"], pp["none"]
            if size == "mixed":
                w(f"| {size} (RTP 10:1) | {packets:,} | {on:.2f} | {none:.2f} | {on - none:.2f} | — | "
                  "— | — | — |")
                continue
            w(f"| {size} | {packets:,} | {on:.2f} | {none:.2f} | {on - none:.2f} | "
              f"{pp['growth_on']:.2f} | ≤ {FLAT_TARGET:.2f} | {verdict(pp['growth_on'], FLAT_TARGET)} | "
              f"{pp['growth_none']:.2f} |")
        w("")
    return "\n".join(out) + "\n"


def read_info(path):
    info = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                info[k.strip()] = v.strip()
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugin-dir", required=True, help="the build's plugins folder")
    ap.add_argument("--captures", default=os.path.join(HERE, "captures"))
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds per figure (>= 7)")
    ap.add_argument("--jobs", type=int, default=2, help="callgrind runs at a time")
    ap.add_argument("--full", action="store_true", help="every mode on every capture")
    ap.add_argument("--skip-instructions", action="store_true")
    ap.add_argument("--skip-time", action="store_true")
    ap.add_argument("--sizes", default=",".join(SIZES))
    ap.add_argument("--modes", default=",".join(MODE_ORDER))
    ap.add_argument("--time-modes", help="modes of the timed runs (default: --modes, as planned "
                    "per capture)")
    ap.add_argument("--results", default=os.path.join(HERE, "results", "last-run.md"))
    ap.add_argument("--command", default="bench/run-bench.sh")
    ap.add_argument("--render", metavar="JSON",
                    help="only print (and write) the report of the raw figures of an earlier run")
    args = ap.parse_args()
    if args.render:
        with open(args.render) as f:
            raw = json.load(f)
        args.rounds = raw["meta"].get("rounds", args.rounds)
        text = report(raw["meta"], raw["instructions"], raw["profile"], raw["time"],
                      {k: tuple(v) for k, v in raw["captures"].items()}, args)
        print(text)
        with open(args.results, "w") as f:
            f.write(text)
        return
    t_start = time.time()
    tshark = shutil.which("tshark") or sys.exit("sipkb-bench: tshark not found")
    sizes = [s for s in args.sizes.split(",") if s]
    modes = [m for m in args.modes.split(",") if m]
    captures = {}
    for size in SIZES:
        if size not in sizes:
            continue
        path = os.path.join(args.captures, size + ".pcapng")
        if not os.path.exists(path):
            sys.exit(f"sipkb-bench: missing {path} (captures/generate/bench/make-bench-captures.sh)")
        info = read_info(os.path.join(args.captures, size + ".info"))
        captures[size] = (path, int(info.get("packets", 0)))
    stage = Stage(args.plugin_dir, tshark)
    try:
        for size, (path, packets) in list(captures.items()):
            staged = stage.stage_input(path)
            if not packets:
                packets = int(subprocess.run(["capinfos", "-M", "-c", "-r", "-T", path],
                                             capture_output=True, text=True).stdout.split()[-1])
            captures[size] = (staged, packets)
        meta = {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "host": platform.node(), "cpus": os.cpu_count(),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "tshark": subprocess.run([tshark, "-v"], capture_output=True, text=True).stdout.split()[2],
            "valgrind": subprocess.run(["valgrind", "--version"], capture_output=True,
                                       text=True).stdout.strip().replace("valgrind-", ""),
            "git": subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"],
                                  capture_output=True, text=True).stdout.strip() or "?",
            "sipkb": "?", "command": args.command,
            "info": {s: read_info(os.path.join(args.captures, s + ".pcapng").replace(".pcapng", ".info"))
                     for s in captures},
        }
        for line in open(os.path.join(ROOT, "CMakeLists.txt")):
            m = re.search(r"project\(sipkb VERSION ([\d.]+)", line)
            if m:
                meta["sipkb"] = m.group(1)
        instr = prof = timing = None
        if not args.skip_instructions and "small" in captures:
            instr_modes = [m for m in MODE_ORDER if m in modes]
            instr = instruction_figures(stage, captures["small"][0], captures["small"][1], args.jobs,
                                        instr_modes)
            prof = profile(instr, [m for m in ("summary", "ysip") if m in instr_modes])
        if not args.skip_time:
            time_modes = args.time_modes.split(",") if args.time_modes else modes
            plan = {s: [m for m in (MODE_ORDER if args.full else TIME_PLAN[s]) if m in time_modes]
                    for s in captures}
            startup_cap = captures.get("small", next(iter(captures.values())))[0]
            log(f"sipkb-bench: time: {args.rounds} rounds of on/off/none per figure")
            timing = time_figures(stage, captures, plan, args.rounds, startup_cap)
        meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        elapsed = time.time() - t_start
        meta["elapsed"] = f"{elapsed / 60:.0f} min" if elapsed > 90 else f"{elapsed:.0f} s"
        text = report(meta, instr, prof, timing, captures, args)
        print(text)
        os.makedirs(os.path.dirname(args.results), exist_ok=True)
        with open(args.results, "w") as f:
            f.write(text)
        raw = os.path.splitext(args.results)[0] + ".json"
        with open(raw, "w") as f:
            meta["rounds"] = args.rounds
            json.dump({"meta": meta, "instructions": instr, "profile": prof, "time": timing,
                       "captures": captures}, f, indent=1, default=str)
        log(f"sipkb-bench: wrote {args.results} and {raw}")
    finally:
        if os.environ.get("SIPKB_BENCH_KEEP"):
            log(f"sipkb-bench: staging folder kept: {stage.root}")
        else:
            stage.cleanup()


if __name__ == "__main__":
    main()
