#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""`make check`, `make run` and `make shell`: what the guest runs and how it is judged.

    vm.py check --kver K --kos A.ko B.ko --bins BIN... [--tier NAME]
    vm.py run   --kver K --kos ... --bins ...
    vm.py shell --kver K --kos ... --bins ...

check prints one line per subtest, `PASS|FAIL|SKIP binary/subtest (time)`,
the output of the failing ones, and ends with `N passed, N failed, N skipped`.
Besides the test binaries it runs the harness's own self-tests: guests that
must fail (a failing subtest, a WARN, a hang, a module that will not
unload), so that a gate that stops working breaks `make check`.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guest  # noqa: E402

# DRM helper modules the guest carries (with their dependencies).
HELPER_MODULES = ["drm", "drm_kms_helper", "drm_shmem_helper", "gpu-sched",
                  "drm_exec", "drm_gpuvm", "vgem"]

OSPREY_MODULES = ["osprey_sim", "osprey"]

MAIN_TIMEOUT = 600
SELFTEST_TIMEOUT = 120
HANG_TIMEOUT = 12


def load_plan(modules, extra=()):
    lines = ["load_module %s" % m for m in modules]
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
        prefix = "%s/" % self.tier if self.tier else ""
        print("%s %s%s%s" % (result, prefix, name, t), flush=True)
        if result == "FAIL":
            for line in output:
                print("    " + line, flush=True)

    def summary(self):
        c = self.counts
        print("%d passed, %d failed, %d skipped" % (c["PASS"], c["FAIL"], c["SKIP"]),
              flush=True)
        return 1 if c["FAIL"] else 0


def judge_guest(report, res, what):
    """Turn the guest-wide gates into result lines."""
    klog = res.klog_reports()
    report.line("FAIL" if klog else "PASS", "%s/kernel-log" % what,
                output=["%s: %s" % (k, l) for k, l in klog[:20]] +
                ["(full log: build/vm/console.log)"])
    bad_mods = [m for m in res.modules if m[2] != 0]
    report.line("FAIL" if bad_mods else "PASS", "%s/modules-load-unload" % what,
                output=["%s %s: status %d" % m for m in bad_mods])
    ok = res.done and not res.timed_out
    why = [w for w in res.failures() if w.startswith("guest")]
    report.line("PASS" if ok else "FAIL", "%s/completed" % what, res.seconds, why)


def run_suite(g, report, bins):
    tests = sorted(b for b in bins if os.path.basename(b).startswith("osprey_"))
    plan = load_plan(OSPREY_MODULES + ["vgem"])
    for b in tests:
        name = os.path.basename(b)
        plan += "run_test %s /osprey/bin/%s\n" % (name, name)
    plan += unload_plan(OSPREY_MODULES + ["vgem"])
    res = g.boot(plan, MAIN_TIMEOUT)
    for t in res.tests:
        for s in guest.igt_subtests(t):
            name = t.name + ("/" + s.name if s.name else "")
            report.line(s.result, name, s.seconds, s.output)
    judge_guest(report, res, "guest")
    return res


# The harness's self-tests: each boots a guest that must be judged failing.
def selftest_failing_subtest(g):
    res = g.boot("run_test igt_selftest /osprey/bin/igt_selftest\n", SELFTEST_TIMEOUT)
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


def selftest_warn(g):
    plan = load_plan(["osprey_gates"],
                     ["echo warn > /sys/kernel/debug/osprey_gates/trigger"])
    res = g.boot(plan, SELFTEST_TIMEOUT)
    kinds = {k for k, _ in res.klog_reports()}
    if kinds != {"WARNING"}:
        return ["kernel-log gate found %s, expected exactly a WARNING" % sorted(kinds)], res
    return [], res


def selftest_hang(g):
    res = g.boot("run_test hang-forever sleep 100000\n", HANG_TIMEOUT)
    if not res.timed_out or res.running_test() != "hang-forever":
        return ["expected a timeout naming hang-forever; got timed_out=%s running=%s"
                % (res.timed_out, res.running_test())], res
    if not any("timed out while running hang-forever" in w for w in res.failures()):
        return ["the timeout is not reported as a failure"], res
    return [], res


def selftest_unload(g):
    # An open file on the device holds the module: rmmod must fail and the
    # harness must say so.
    plan = load_plan(OSPREY_MODULES,
                     ["sleep 100000 < /dev/dri/card0 &", "sleep 1"])
    plan += unload_plan(OSPREY_MODULES)
    res = g.boot(plan, SELFTEST_TIMEOUT)
    if not any(a == "unload" and m == "osprey" and s != 0 for a, m, s in res.modules):
        return ["rmmod of a busy osprey was not reported as failed: %r" % res.modules], res
    return [], res


SELFTESTS = [
    ("failing-subtest", selftest_failing_subtest),
    ("warn-gate", selftest_warn),
    ("hang-gate", selftest_hang),
    ("unload-gate", selftest_unload),
]


def host_checks(report):
    """Checks that need no guest: the uapi header stands alone in C and C++."""
    cflags = subprocess.run(["pkg-config", "--cflags", "libdrm"], capture_output=True,
                            text=True).stdout.split()
    for lang, compiler in (("c", "cc"), ("c++", "c++")):
        src = '#include "osprey_drm.h"\nstruct drm_osprey_get_param p;\n'
        r = subprocess.run([compiler, "-x", lang, "-fsyntax-only", "-Wall", "-Wextra",
                            "-Werror", "-pedantic", "-Iuapi"] + cflags + ["-"],
                           input=src, capture_output=True, text=True)
        report.line("PASS" if r.returncode == 0 else "FAIL",
                    "host/uapi-header-alone-%s" % lang, output=r.stderr.splitlines())


def make_guest(args):
    kernel = guest.Kernel(args.kver, args.kernel_image or "/boot/vmlinuz-" + args.kver,
                          args.modroot)
    os.makedirs(args.workdir, exist_ok=True)
    initramfs = guest.build_initramfs(kernel, HELPER_MODULES, args.kos, args.bins,
                                      args.workdir)
    return guest.Guest(kernel, initramfs, args.workdir)


def cmd_check(args):
    g = make_guest(args)
    report = Report(args.tier)
    host_checks(report)
    run_suite(g, report, args.bins)
    for name, fn in SELFTESTS:
        problems, res = fn(g)
        report.line("FAIL" if problems else "PASS", "harness/" + name, res.seconds, problems)
    return report.summary()


def cmd_run(args):
    g = make_guest(args)
    plan = load_plan(OSPREY_MODULES)
    plan += "run_test ospreyctl-info /osprey/bin/ospreyctl info\n"
    plan += unload_plan(OSPREY_MODULES)

    def show(line):
        if line.startswith("| "):
            print(line[2:], flush=True)
        elif line.startswith("@@OSPREY BEGIN"):
            print("== guest$ %s" % line.split()[2], flush=True)
    res = g.boot(plan, MAIN_TIMEOUT, live=show)
    why = res.failures() + ["%s exited with %s" % (t.name, t.status)
                            for t in res.tests if t.status != 0]
    for w in why:
        print("run: " + w, file=sys.stderr)
    print("guest ran for %.1fs" % res.seconds)
    return 1 if why else 0


def cmd_shell(args):
    g = make_guest(args)
    plan = load_plan(OSPREY_MODULES + ["vgem"]) + "shell\n"
    g.boot(plan, 0, interactive=True)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["check", "run", "shell"])
    p.add_argument("--kver", required=True)
    p.add_argument("--kernel-image")
    p.add_argument("--modroot", default="/")
    p.add_argument("--kos", nargs="+", required=True)
    p.add_argument("--bins", nargs="+", required=True)
    p.add_argument("--workdir", default="build/vm")
    p.add_argument("--tier", default="")
    args = p.parse_args()
    return {"check": cmd_check, "run": cmd_run, "shell": cmd_shell}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
