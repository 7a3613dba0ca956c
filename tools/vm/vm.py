#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""`make check`, `make run` and `make shell`: what the guest runs and how it is judged.

    vm.py check --tier debian|debug --kver K --kos A.ko ... --bins BIN... \\
                [--kernel-image IMG --modroot DIR] [--counts FILE]
    vm.py summary FILE...
    vm.py run   --kver K --kos ... --bins ...
    vm.py shell --kver K --kos ... --bins ...
    vm.py fuzz-long --kver K --kos ... --bins ...   (osprey_fuzz until stopped)

check runs one tier: it prints one line per test, `PASS|FAIL|SKIP
tier/binary/subtest (time)`, the output of the failing ones, and the tier's
counts (`debian: N passed, N failed, N skipped`), which it also writes to
--counts. After each IGT binary, `<binary>/(live-objects)` checks that the
Osprey devices' live buffers (debugfs gem_count) are back to what they were
once the modules loaded and that no job is left (job_count). summary adds up the tiers' count files into the closing line
`N passed, N failed, N skipped`; a tier that left no count file failed.

Besides the test binaries, check runs the harness's own self-tests: guests
that must be judged failing, so that a gate that stops working breaks
`make check`. On the Debian tier: a failing subtest, a hang, a module that
will not unload, and a WARN. On the debug tier, one guest commits, between
kernel-log markers, a lock-order inversion, a sleeping allocation under a
spinlock, a WARN, a use-after-free and a leak, and each must be caught by
its own gate.
"""

import argparse
import dataclasses
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compile_fail  # noqa: E402
import guest  # noqa: E402

# DRM helper modules the guest carries (with their dependencies); on the
# debug kernel they are built in and nothing is carried.
HELPER_MODULES = ["drm", "drm_kms_helper", "drm_shmem_helper", "gpu-sched",
                  "drm_exec", "drm_gpuvm", "vgem"]

OSPREY_MODULES = ["osprey_sim", "osprey"]
SUITE_MODULES = OSPREY_MODULES + ["vgem"]


@dataclasses.dataclass
class Tier:
    name: str
    append: str          # extra kernel command line
    slow: float          # time-limit multiplier
    kmemleak: bool       # scan for leaks at the end of the suite
    kunit: bool          # run the osprey_kunit suites
    klog_gates: list     # (trigger word, expected report kinds)
    common_selftests: bool


TIERS = {
    # fbcon=map:9: the console stays off Osprey's fbdev (fb0 still exists
    # and is tested); bound, fbcon keeps both pipes scanning out and the
    # monitor cable presenting, background work that the timing of the
    # other tests and their live-object counts should not share.
    "debian": Tier("debian", "fbcon=map:9", 1, False, False, [("warn", {"WARNING"})], True),
    # no5lvl: TCG's -cpu max offers 5-level paging, under which this
    # KASAN kernel faults in early boot. acpi=noirq: the PCI devices'
    # interrupts are routed from the BIOS's table; the ACPI way runs the pc
    # machine's _PRT, a loop that this kernel, under TCG, does not finish
    # within ACPICA's 30 s loop limit (the virtio devices then get no IRQ).
    "debug": Tier("debug", "kunit.enable=1 kasan_multi_shot no5lvl acpi=noirq", 4, True,
                  True, [
        # lockdep first: the other reports taint the kernel, which turns
        # lockdep off.
        ("lockdep", {"lockdep"}),
        ("atomic-sleep", {"atomic-sleep"}),
        ("warn", {"WARNING"}),
        ("uaf", {"KASAN"}),
    ], False),
}

# The result line of the live-object check after each IGT binary.
COUNTS_CHECK = "(live-objects)"

# Time limits of a guest's plan, from /init's first report (the boot has
# its own: guest.Guest.boot).
MAIN_TIMEOUT = 600
SELFTEST_TIMEOUT = 120
HANG_TIMEOUT = 8


def load_plan(modules, extra=(), params=None):
    params = params or {}
    lines = [" ".join(["load_module", m] + params.get(m, [])) for m in modules]
    lines += list(extra)
    return "\n".join(lines) + "\n"


def unload_plan(modules):
    return "unload_modules %s\n" % " ".join(reversed(modules))


class Report:
    def __init__(self, tier):
        self.tier = tier
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def line(self, result, name, seconds=None, output=()):
        self.counts[result] += 1
        t = " (%.3fs)" % seconds if seconds is not None else ""
        print("%s %s/%s%s" % (result, self.tier, name, t), flush=True)
        if result == "FAIL":
            for line in output:
                print("    " + line, flush=True)

    def counts_line(self):
        c = self.counts
        return "%d passed, %d failed, %d skipped" % (c["PASS"], c["FAIL"], c["SKIP"])


# kmemleak ----------------------------------------------------------------

MODULE_LINE = re.compile(r"^module: (\S+) (\d+) .* (0x[0-9a-f]+)")
FRAME_ADDR = re.compile(r"\[<([0-9a-f]+)>\]")


def kmemleak_records(lines, module_map):
    """kmemleak's report as (record lines, owning module or None) pairs.

    A record belongs to a module when a backtrace frame names a symbol of it
    or, for a module already unloaded, falls in the range it was loaded at.
    """
    records, cur = [], None
    for line in lines:
        if line.startswith("unreferenced object"):
            cur = [line]
            records.append(cur)
        elif cur is not None and line.startswith(" "):
            cur.append(line)
    out = []
    for rec in records:
        owner = None
        for line in rec:
            m = re.search(r"\[(osprey\w*)\]", line)
            if m:
                owner = m.group(1)
            for a in FRAME_ADDR.findall(line):
                addr = int(a, 16)
                for name, (base, size) in module_map.items():
                    if base <= addr < base + size:
                        owner = owner or name
        out.append((rec, owner))
    return out


def module_map_of(lines):
    mods = {}
    for line in lines:
        m = MODULE_LINE.match(line)
        if m and m.group(1).startswith("osprey"):
            mods[m.group(1)] = (int(m.group(3), 16), int(m.group(2)))
    return mods


# KUnit -------------------------------------------------------------------

KTAP_SUITE = re.compile(r"^\s*# Subtest: (\S+)")
KTAP_CASE = re.compile(r"^(\s+)(ok|not ok) \d+ (\S+)(.*)$")


def kunit_results(lines):
    """(suite/case, result, output) for every KUnit test case in KTAP output."""
    out, suite, case_out = [], None, []
    for line in lines:
        m = KTAP_SUITE.match(line)
        if m and not line.startswith("        "):
            suite = m.group(1)
            case_out = []
            continue
        case_out.append(line)
        m = KTAP_CASE.match(line)
        if m and suite and len(m.group(1)) >= 4:
            if "# SKIP" in m.group(4):
                result = "SKIP"
            else:
                result = "PASS" if m.group(2) == "ok" else "FAIL"
            out.append(("%s/%s" % (suite, m.group(3)), result, case_out))
            case_out = []
    return out


# The main suite ----------------------------------------------------------

def judge_guest(report, res, what):
    """Turn the guest-wide gates into result lines."""
    klog = res.klog_reports()
    report.line("FAIL" if klog else "PASS", "%s/kernel-log" % what,
                output=["%s: %s" % (k, l) for k, l in klog[:20]] +
                ["(full log: %s)" % res.console])
    bad_mods = [m for m in res.modules if m[2] != 0]
    report.line("FAIL" if bad_mods else "PASS", "%s/modules-load-unload" % what,
                output=["%s %s: status %d" % m for m in bad_mods])
    ok = res.done and not res.timed_out
    why = [w for w in res.failures() if w.startswith("guest")]
    report.line("PASS" if ok else "FAIL", "%s/completed" % what, res.seconds, why)


def run_suite(g, tier, report, bins):
    # The IGT binaries of igt-tests/; tools (ospreyctl, osprey_bench) are not tests.
    tests = sorted(b for b in bins if os.path.basename(os.path.dirname(b)) == "igt-tests"
                   and os.path.basename(b).startswith("osprey_"))
    # After each binary, its own result line: the live objects and jobs of
    # the Osprey devices are back to what they were once the modules loaded.
    plan = load_plan(SUITE_MODULES, ["record_baseline"])
    for b in tests:
        name = os.path.basename(b)
        plan += "run_test %s /osprey/bin/%s\n" % (name, name)
        plan += "run_test '%s/%s' check_counts\n" % (name, COUNTS_CHECK)
    if tier.kunit:
        plan += ("run_test kunit sh -c 'modprobe osprey_kunit && "
                 "cat /sys/kernel/debug/kunit/*/results; rmmod osprey_kunit'\n")
    if tier.kmemleak:
        plan += "run_test kmemleak-loaded kmemleak_scan\n"
    plan += unload_plan(SUITE_MODULES)
    if tier.kmemleak:
        plan += "run_test kmemleak-unloaded kmemleak_scan\n"
    res = g.boot(plan, MAIN_TIMEOUT * tier.slow, name="suite")

    module_map = {}
    leaks = []
    for t in res.tests:
        if t.name == "kunit":
            cases = kunit_results(t.output)
            for name, result, out in cases:
                report.line(result, "kunit/" + name, output=out)
            if not cases or t.status != 0:
                report.line("FAIL", "kunit/(module)", output=t.output)
        elif t.name.startswith("kmemleak"):
            module_map.update(module_map_of(t.output))
            leaks += [(rec, owner) for rec, owner in kmemleak_records(t.output, module_map)
                      if owner]
        else:
            for s in guest.igt_subtests(t):
                name = t.name + ("/" + s.name if s.name else "")
                report.line(s.result, name, s.seconds, s.output)
    if tier.kmemleak:
        # Each scan must have run: a scan that did not is no evidence.
        scans = [t for t in res.tests if t.name.startswith("kmemleak")]
        problems = ["%s: kmemleak did not scan" % t.name for t in scans
                    if t.status != 0 or "kmemleak: scanned" not in t.output]
        if len(scans) != 2:
            problems.append("expected 2 kmemleak scans, got %d" % len(scans))
        report.line("FAIL" if leaks or problems else "PASS", "guest/kmemleak",
                    output=problems + [l for rec, _ in leaks[:10] for l in rec])
    judge_guest(report, res, "guest")
    return res


# The harness's self-tests: guests that must be judged failing -------------

def selftest_failing_subtest(g, tier):
    res = g.boot("run_test igt_selftest /osprey/bin/igt_selftest\n",
                 SELFTEST_TIMEOUT * tier.slow, name="selftest-subtests")
    want = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP", "fork-fail": "FAIL",
            "dynamic": "PASS"}
    got = {}
    for t in res.tests:
        for s in guest.igt_subtests(t):
            got[s.name] = s.result
    status = res.tests[0].status if res.tests else None
    problems = []
    if got != want:
        problems.append("subtest results %r, expected %r" % (got, want))
    if status != 98:
        problems.append("exit status %r, expected 98" % status)
    return problems, res


def selftest_hang(g, tier):
    res = g.boot("run_test hang-forever sleep 100000\n", HANG_TIMEOUT * tier.slow,
                 name="selftest-hang")
    if not res.timed_out or res.running_test() != "hang-forever":
        return ["expected a timeout naming hang-forever; got timed_out=%s running=%s"
                % (res.timed_out, res.running_test())], res
    if not any("timed out while running hang-forever" in w for w in res.failures()):
        return ["the timeout is not reported as a failure"], res
    return [], res


def selftest_unload(g, tier):
    # An open file on the device holds the module: rmmod must fail and the
    # harness must say so.
    plan = load_plan(OSPREY_MODULES,
                     ["sleep 100000 < /dev/dri/card0 &", "sleep 1"])
    plan += unload_plan(OSPREY_MODULES)
    res = g.boot(plan, SELFTEST_TIMEOUT * tier.slow, name="selftest-unload")
    if not any(a == "unload" and m == "osprey" and s != 0 for a, m, s in res.modules):
        return ["rmmod of a busy osprey was not reported as failed: %r" % res.modules], res
    return [], res


def klog_segments(klog):
    """Kernel log lines between `osprey-gate: begin X` and `... end X`, by X."""
    segs, cur, outside = {}, None, []
    for line in klog:
        m = re.search(r"osprey-gate: (begin|end) (\S+)", line)
        if m:
            cur = m.group(2) if m.group(1) == "begin" else None
            segs.setdefault(m.group(2), [])
            continue
        (segs[cur] if cur else outside).append(line)
    return segs, outside


def selftest_klog_gates(g, tier, report):
    """One guest fires every gate of the tier, each between markers."""
    plan = load_plan(["osprey_gates"])
    plan += "".join("run_test gate-%s gate %s\n" % (w, w) for w, _ in tier.klog_gates)
    if tier.kmemleak:
        # run_test forks, so the leaked pointer dies with the process's stack.
        plan += "run_test gate-leak gate leak\n"
        plan += "run_test kmemleak kmemleak_scan\n"
    plan += unload_plan(["osprey_gates"])
    res = g.boot(plan, SELFTEST_TIMEOUT * tier.slow, name="selftest-gates")
    segs, outside = klog_segments(res.klog)
    for word, want in tier.klog_gates:
        got = {k for k, _ in guest.GuestResult([], [], segs.get(word, []), True, False,
                                               0).klog_reports()}
        problems = [] if got == want else [
            "the %s gate found %s, expected %s" % (word, sorted(got), sorted(want))]
        report.line("FAIL" if problems else "PASS", "harness/%s-gate" % word,
                    output=problems)
    if tier.kmemleak:
        out = [l for t in res.tests if t.name == "kmemleak" for l in t.output]
        owners = [o for _, o in kmemleak_records(out, module_map_of(out))]
        ok = "osprey_gates" in owners
        report.line("PASS" if ok else "FAIL", "harness/leak-gate",
                    output=["kmemleak found no leak from osprey_gates: %r" % owners] + out[-20:])
    stray = guest.GuestResult([], [], outside, True, False, 0).klog_reports()
    problems = ["report outside the gates: %s: %s" % r for r in stray]
    if not res.done or res.timed_out:
        problems.append("the gates guest did not finish: %s" % res.failures())
    report.line("FAIL" if problems else "PASS", "harness/gates-guest", res.seconds, problems)


COMMON_SELFTESTS = [
    ("failing-subtest", selftest_failing_subtest),
    ("hang-gate", selftest_hang),
    ("unload-gate", selftest_unload),
]


def host_unit_tests(report, binary, prefix):
    """Run build/tools/<binary>, which prints "PASS name" or "FAIL name: why"
    per test: one line each, as host/<prefix>/<name>."""
    res = subprocess.run([os.path.join("build", "tools", binary)],
                         capture_output=True, text=True)
    lines = [l for l in res.stdout.splitlines() if re.match(r"(PASS|FAIL) ", l)]
    for line in lines:
        result, _, rest = line.partition(" ")
        name, _, why = rest.partition(": ")
        report.line(result, "host/%s/%s" % (prefix, name.strip()), output=[why] if why else [])
    if res.returncode != 0 and not any(l.startswith("FAIL") for l in lines):
        report.line("FAIL", "host/" + prefix, output=(res.stdout + res.stderr).splitlines()[-20:])


FUZZ_RUNS = 100000


def coredump_fuzz(report):
    """A bounded run of the coredump parser's libFuzzer target (ASan, UBSan),
    seeded from tools/tests/coredump-samples; a crash fails it, naming the
    input libFuzzer saved."""
    workdir = os.path.join("build", "fuzz")
    corpus = os.path.join(workdir, "check-corpus")
    os.makedirs(corpus, exist_ok=True)
    cmd = [os.path.join("build", "tools", "coredump_fuzz"), "-runs=%d" % FUZZ_RUNS,
           "-max_len=65536", "-artifact_prefix=" + workdir + "/", corpus,
           os.path.join("tools", "tests", "coredump-samples")]
    start = time.monotonic()
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        out, rc = res.stdout + res.stderr, res.returncode
    except subprocess.TimeoutExpired:
        out, rc = "timed out after 600 s", -1
    seconds = time.monotonic() - start
    lines = out.splitlines()
    saved = [l for l in lines if "Test unit written to" in l]
    why = ["crashing input: " + l.split("Test unit written to", 1)[1].strip() for l in saved]
    # The sanitizer's report from its first line (the error and the stack).
    first = [i for i, l in enumerate(lines) if "ERROR:" in l or "runtime error:" in l]
    detail = lines[first[0]:first[0] + 25] if first else lines[-30:]
    report.line("PASS" if rc == 0 else "FAIL", "host/coredump-fuzz/%d-runs" % FUZZ_RUNS,
                seconds, output=why + detail)


def host_checks(report, kdir):
    """Checks that need no guest: the uapi header stands alone in C and C++,
    and the typed GEM layer's misuses fail to compile."""
    cflags = subprocess.run(["pkg-config", "--cflags", "libdrm"], capture_output=True,
                            text=True).stdout.split()
    for lang, compiler in (("c", "cc"), ("c++", "c++")):
        src = '#include "osprey_drm.h"\nstruct drm_osprey_get_param p;\n'
        r = subprocess.run([compiler, "-x", lang, "-fsyntax-only", "-Wall", "-Wextra",
                            "-Werror", "-pedantic", "-Iuapi"] + cflags + ["-"],
                           input=src, capture_output=True, text=True)
        report.line("PASS" if r.returncode == 0 else "FAIL",
                    "host/uapi-header-alone-%s" % lang, output=r.stderr.splitlines())
    host_unit_tests(report, "isa_test", "isa")
    host_unit_tests(report, "coredump_test", "coredump")
    coredump_fuzz(report)
    workdir = os.path.join("build", "compile-fail")
    for case in sorted(glob.glob(os.path.join(compile_fail.CASES, "*.c"))):
        ok, why = compile_fail.run_case(kdir, case, workdir)
        report.line("PASS" if ok else "FAIL",
                    "host/gem-compile-fail/" + os.path.basename(case)[:-2], output=why)


def make_guest(args, tier, host_root=False):
    kernel = guest.Kernel(args.kver, args.kernel_image or "/boot/vmlinuz-" + args.kver,
                          args.modroot)
    os.makedirs(args.workdir, exist_ok=True)
    initramfs = guest.build_initramfs(kernel, HELPER_MODULES, args.kos, args.bins,
                                      args.workdir)
    return guest.Guest(kernel, initramfs, args.workdir, append=tier.append,
                       host_root=host_root)


def cmd_check(args):
    tier = TIERS[args.tier]
    g = make_guest(args, tier)
    report = Report(tier.name)
    if tier.common_selftests:
        host_checks(report, args.kdir or "/lib/modules/%s/build" % args.kver)
    run_suite(g, tier, report, args.bins)
    if tier.common_selftests:
        for name, fn in COMMON_SELFTESTS:
            problems, res = fn(g, tier)
            report.line("FAIL" if problems else "PASS", "harness/" + name, res.seconds,
                        problems)
    selftest_klog_gates(g, tier, report)
    line = report.counts_line()
    print("%s: %s" % (tier.name, line), flush=True)
    if args.counts:
        with open(args.counts, "w") as f:
            f.write(line + "\n")
    return 1 if report.counts["FAIL"] else 0


def cmd_summary(args):
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for path in args.files:
        try:
            with open(path) as f:
                for n, word in re.findall(r"(\d+) (passed|failed|skipped)", f.read()):
                    total[word] += int(n)
        except FileNotFoundError:
            print("%s: the tier did not finish" % path)
            total["failed"] += 1
    print("%d passed, %d failed, %d skipped" %
          (total["passed"], total["failed"], total["skipped"]), flush=True)
    return 1 if total["failed"] else 0


def png_pixels(path):
    """(width, height, RGB bytes) of an 8-bit RGB or RGBA, non-interlaced
    PNG (what QEMU's screendump writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            hdr = body
        elif kind == b"IDAT":
            idat += body
    width, height = int.from_bytes(hdr[0:4], "big"), int.from_bytes(hdr[4:8], "big")
    depth, ctype, interlace = hdr[8], hdr[9], hdr[12]
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("%s: unsupported PNG (depth %d, colour type %d)" %
                         (path, depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    out = bytearray()
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xff
        elif ftype == 2:
            row = bytearray((a + b) & 0xff for a, b in zip(row, prev))
        elif ftype == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ftype == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                row[i] = (row[i] + pred) & 0xff
        prev = row
        if bpp == 4:
            del row[3::4]
        out += row
    return width, height, bytes(out)


def picture_stats(path):
    """(width, height, non-black pixels, distinct colours) of a PNG."""
    width, height, rgb = png_pixels(path)
    pixels = [rgb[i:i + 3] for i in range(0, len(rgb), 3)]
    nonblack = sum(1 for px in pixels if px != b"\0\0\0")
    return width, height, nonblack, len(set(pixels))


# make run's display act: the pictures it takes, the mode they must have.
RUN_SHOTS = ["run-modetest", "run-kmscube", "run-kmscube-2"]
RUN_MODE = (1024, 768)
KMSCUBE_FRAMES = 30


def check_run_shots(share, outdir):
    """Copy make run's screenshots to outdir, print what they show; return
    the problems (a missing, blank or wrongly sized picture; two kmscube
    pictures alike, i.e. a stale display)."""
    problems, digests = [], {}
    for shot in RUN_SHOTS:
        src = os.path.join(share, shot + ".png")
        if not os.path.exists(src):
            problems.append("no screenshot %s" % shot)
            continue
        dst = os.path.join(outdir, shot + ".png")
        shutil.copyfile(src, dst)
        width, height, nonblack, colours = picture_stats(dst)
        with open(dst, "rb") as f:
            digests[shot] = hashlib.sha256(f.read()).hexdigest()
        print("display: %s: %dx%d, %d non-black pixels (%.1f%%), %d colours" % (
            dst, width, height, nonblack, 100.0 * nonblack / (width * height), colours))
        if (width, height) != RUN_MODE:
            problems.append("%s is %dx%d, not the %dx%d mode" % ((dst, width, height) + RUN_MODE))
        if not nonblack:
            problems.append("%s is black" % dst)
    if digests.get("run-kmscube") and digests.get("run-kmscube") == digests.get("run-kmscube-2"):
        problems.append("the two kmscube screenshots are the same picture: the display "
                        "did not change while kmscube rendered")
    return problems


def cmd_run(args):
    g = make_guest(args, TIERS["debian"], host_root=True)
    # A short job timeout, so that the hang below is over in a second.
    plan = load_plan(OSPREY_MODULES, params={"osprey": ["timeout_ms=1000"]})
    plan += "run_test ospreyctl-info /osprey/bin/ospreyctl info\n"
    plan += "run_test ospreyctl-buffers /osprey/bin/ospreyctl buffers\n"
    # A job: fill and store into a data buffer, then one that faults.
    plan += ("run_test ospreyctl-submit /osprey/bin/ospreyctl submit -n 20 "
             "-e 'fill data, 64, 0xcafe' -e 'store data + 64, 42' -e end\n")
    plan += ("run_test ospreyctl-submit-fault sh -c \"/osprey/bin/ospreyctl submit "
             "-e 'store 0x40000000, 1' -e end; "
             "cat /sys/kernel/debug/dri/0/last_fault; true\"\n")
    # The fault above left a devcoredump: dismiss it, so that the hang's is
    # the one published. Then a job that never ends: it writes a marker,
    # then waits for a word that stays 0. The timeout resets the engine,
    # the job fails with -ETIMEDOUT, and the dump is decoded.
    plan += ("run_test dismiss-fault-coredump sh -c 'for d in /sys/class/devcoredump/devcd*; "
             "do [ -e $d/data ] && echo 1 > $d/data; done; sleep 0.2; true'\n")
    plan += ("run_test ospreyctl-submit-hang sh -c \"/osprey/bin/ospreyctl submit "
             "-e 'store data, 0x0badf00d' -e 'sem_wait.eq data + 4, 1' -e end; true\"\n")
    plan += ("run_test ospreyctl-coredump sh -c 'ls /sys/class/devcoredump/ && "
             "/osprey/bin/ospreyctl coredump --dismiss'\n")
    # The display act (tools/vm/run-display.sh), in the host's root.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "run-display.sh")) as f:
        plan += f.read()
    plan += "DISPLAY_DRIVER=osprey\nKMSCUBE_FRAMES=%d\n" % KMSCUBE_FRAMES
    plan += "run_test display-host-root display_enter\n"
    plan += "run_test display-modetest display_modetest\n"
    plan += "run_test display-kmscube display_kmscube\n"
    plan += "display_leave\n"
    plan += unload_plan(OSPREY_MODULES)

    def show(line):
        if line.startswith("| "):
            print(line[2:], flush=True)
        elif line.startswith("@@OSPREY BEGIN"):
            print("== guest$ %s" % line.split()[2], flush=True)
    res = g.boot(plan, MAIN_TIMEOUT, live=show, name="run")
    why = res.failures() + ["%s exited with %s" % (t.name, t.status)
                            for t in res.tests if t.status != 0]
    why += check_run_shots(g.share, args.outdir)
    for w in why:
        print("run: " + w, file=sys.stderr)
    print("guest ran for %.1fs" % res.seconds)
    return 1 if why else 0


def cmd_bench(args):
    """One guest runs osprey_bench; its figure lines are printed as they come."""
    g = make_guest(args, TIERS["debian"])
    plan = load_plan(SUITE_MODULES)
    plan += "run_test osprey_bench /osprey/bin/osprey_bench %s\n" % args.only
    plan += unload_plan(SUITE_MODULES)

    def show(line):
        if line.startswith("| "):
            print(line[2:], flush=True)
    res = g.boot(plan, MAIN_TIMEOUT, live=show, name="bench")
    why = res.failures() + ["%s exited with %s" % (t.name, t.status)
                            for t in res.tests if t.status != 0]
    for w in why:
        print("bench: " + w, file=sys.stderr)
    return 1 if why else 0


def cmd_fuzz_long(args):
    """`make fuzz-long`: one guest runs osprey_fuzz without a call budget
    (OSPREY_FUZZ_CALLS=0) and without a guest timeout, until stopped (^C) or
    until it fails; OSPREY_FUZZ_SEED and OSPREY_FUZZ_THREADS pass through."""
    g = make_guest(args, TIERS[args.tier])
    env = "OSPREY_FUZZ_CALLS=0"
    for var in ("OSPREY_FUZZ_SEED", "OSPREY_FUZZ_THREADS"):
        if os.environ.get(var):
            env += " %s=%s" % (var, os.environ[var])
    plan = load_plan(SUITE_MODULES)
    plan += "run_test osprey_fuzz env %s /osprey/bin/osprey_fuzz\n" % env
    plan += unload_plan(SUITE_MODULES)

    def show(line):
        if line.startswith("| "):
            print(line[2:], flush=True)
    try:
        res = g.boot(plan, float("inf"), live=show, name="fuzz-long")
    except KeyboardInterrupt:
        print("fuzz-long: stopped; kernel log in %s" %
              os.path.join(args.workdir, "fuzz-long.console.log"))
        return 0
    why = res.failures() + ["%s exited with %s" % (t.name, t.status)
                            for t in res.tests if t.status != 0]
    for w in why:
        print("fuzz-long: " + w, file=sys.stderr)
    return 1 if why else 0


def cmd_shell(args):
    g = make_guest(args, TIERS[args.tier])
    plan = load_plan(SUITE_MODULES) + "shell\n"
    g.boot(plan, 0, interactive=True, name="shell")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["check", "run", "shell", "bench", "summary",
                                       "fuzz-long"])
    p.add_argument("files", nargs="*", help="count files (summary)")
    p.add_argument("--tier", choices=sorted(TIERS), default="debian")
    p.add_argument("--kver")
    p.add_argument("--kernel-image")
    p.add_argument("--kdir", help="kernel build tree (default /lib/modules/KVER/build)")
    p.add_argument("--modroot", default="/")
    p.add_argument("--kos", nargs="+")
    p.add_argument("--bins", nargs="+")
    p.add_argument("--workdir", default="build/vm")
    p.add_argument("--outdir", default="build", help="run: where the screenshots go")
    p.add_argument("--counts")
    p.add_argument("--only", default="", help="bench: benchmark name prefixes, comma-separated")
    args = p.parse_args()
    if args.command != "summary" and not (args.kver and args.kos and args.bins):
        p.error("%s needs --kver, --kos and --bins" % args.command)
    return {"check": cmd_check, "run": cmd_run, "shell": cmd_shell, "bench": cmd_bench,
            "summary": cmd_summary, "fuzz-long": cmd_fuzz_long}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
