#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Boot the Osprey test guest and read back what happened in it.

The guest is Debian's kernel (or the project's debug kernel) under
qemu-system-x86_64 with a busybox initramfs built here. The initramfs holds
the DRM helper modules the driver needs (decompressed, with a modules.dep so
busybox's modprobe resolves them), the Osprey modules, the userspace binaries
with their shared libraries, and tools/vm/init. What the guest runs is a plan:
a small shell script appended to the initramfs as a second cpio archive and
sourced by /init (see tools/vm/init for its helpers and the result framing).

The kernel log arrives on the first serial port and the framed results on
the second; both are files the host reads, so nothing depends on timing.

A run fails when:
  - a test fails, or a module fails to load or unload;
  - the kernel log holds an oops, WARNING, BUG, lockdep, KASAN, UBSAN,
    refcount, list-corruption, ODEBUG, hung-task or stall report (kmemleak's
    reports are judged by vm.py, which attributes them to a module);
  - the guest does not finish within the time limit (the test that was
    running is named).
"""

import dataclasses
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Kernel log lines that fail a run, with the kind of report they belong to.
KLOG_GATES = [
    (re.compile(r"\bOops\b|general protection fault|Kernel panic"), "oops"),
    (re.compile(r"BUG: KASAN:"), "KASAN"),
    (re.compile(r"UBSAN:"), "UBSAN"),
    (re.compile(r"possible circular locking|possible recursive locking|"
                r"inconsistent lock state|possible irq lock inversion|"
                r"suspicious RCU usage|trying to register non-static key|"
                r"lock held when returning to user space|"
                r"bad unlock balance|held lock freed"), "lockdep"),
    (re.compile(r"BUG: sleeping function called from invalid context|"
                r"BUG: scheduling while atomic"), "atomic-sleep"),
    (re.compile(r"\bBUG:"), "BUG"),
    (re.compile(r"\bWARNING:"), "WARNING"),
    (re.compile(r"refcount_t:"), "refcount"),
    (re.compile(r"list_(add|del) corruption|list corruption"), "list corruption"),
    (re.compile(r"ODEBUG:"), "debugobjects"),
    (re.compile(r"INFO: task .* blocked for more than"), "hung task"),
    (re.compile(r"kmemleak: .*(disabled|Cannot allocate)"), "kmemleak off"),
    (re.compile(r"INFO: rcu_.* self-detected stall|rcu: INFO: .* stall"), "RCU stall"),
    (re.compile(r"soft lockup|hard LOCKUP"), "lockup"),
]

# Lines known to be harmless that a gate pattern would otherwise catch.
KLOG_ALLOW = [
    # Loading any out-of-tree module taints the kernel; that is expected.
    re.compile(r"loading out-of-tree module taints kernel|"
               r"module verification failed"),
    # Fault injection (osprey_failinject) may fail kmemleak's own scan-area
    # allocation in vmalloc(); kmemleak goes on, scanning the whole object.
    re.compile(r"kmemleak: Cannot allocate a scan area, scanning the full object"),
]

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclasses.dataclass
class Kernel:
    """What to boot: a kernel image and the module tree that goes with it."""
    version: str
    image: str
    modroot: str  # the directory that holds lib/modules/<version>


@dataclasses.dataclass
class TestRun:
    name: str
    status: int | None = None  # None: the guest never reported an end
    output: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class GuestResult:
    tests: list
    modules: list  # (action, module, status)
    klog: list
    done: bool
    timed_out: bool
    seconds: float
    console: str = ""

    def running_test(self):
        for t in self.tests:
            if t.status is None:
                return t.name
        return None

    def klog_reports(self):
        """The kernel log lines that fail the run, as (kind, line)."""
        found = []
        for line in self.klog:
            if any(a.search(line) for a in KLOG_ALLOW):
                continue
            for pattern, kind in KLOG_GATES:
                if pattern.search(line):
                    found.append((kind, line))
                    break
        return found

    def failures(self):
        """Every reason this run failed, as human-readable strings."""
        why = []
        if self.timed_out:
            why.append("guest timed out while running %s" %
                       (self.running_test() or "its plan"))
        elif not self.done:
            why.append("guest stopped before the end of its plan (running %s)" %
                       (self.running_test() or "nothing"))
        for action, module, status in self.modules:
            if status != 0:
                why.append("module %s failed to %s (status %d)" % (module, action, status))
        for kind, line in self.klog_reports():
            why.append("kernel log: %s report: %s" % (kind, line.strip()))
        return why


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def module_files(kernel, names):
    """Module files (absolute paths) that `names` need, dependencies first."""
    files = []
    for name in names:
        out = subprocess.run(
            ["modprobe", "-d", kernel.modroot, "-S", kernel.version,
             "--show-depends", name],
            check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            words = line.split()
            if words[:1] == ["insmod"] and words[1] not in files:
                files.append(words[1])
    return files


def shared_libs(binary):
    """Absolute paths of the shared libraries a dynamic binary loads."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r"(/\S+) \(0x", line)
        if m:
            libs.append(m.group(1))
    return libs


def copy_into(root, src, dst=None):
    dst = os.path.join(root, (dst or src).lstrip("/"))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if src.endswith(".ko.xz"):
        with open(dst[:-3], "wb") as f:
            run(["xz", "-dc", src], stdout=f)
    else:
        shutil.copy2(os.path.realpath(src), dst)


def cpio(root, out, compress):
    files = subprocess.run(["find", ".", "-mindepth", "1"], cwd=root, check=True,
                           capture_output=True).stdout
    data = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"],
                          cwd=root, input=files, check=True,
                          capture_output=True).stdout
    if compress:
        data = gzip.compress(data, 1)
    # The kernel takes concatenated archives; each must start 4-byte aligned.
    data += b"\0" * (-len(data) % 512)
    with open(out, "wb") as f:
        f.write(data)


def build_initramfs(kernel, helper_modules, kos, binaries, workdir):
    """Build (or reuse) the base initramfs; return its path."""
    inputs = [kernel.version, kernel.image, os.path.join(HERE, "init")]
    inputs += sorted(kos) + sorted(binaries) + sorted(helper_modules)
    key = hashlib.sha256()
    for item in inputs:
        key.update(item.encode())
        if os.path.isfile(item):
            st = os.stat(item)
            key.update(b"%d:%d" % (st.st_size, st.st_mtime_ns))
    out = os.path.join(workdir, "initramfs-%s.cpio.gz" % key.hexdigest()[:16])
    if os.path.exists(out):
        return out
    for old in os.listdir(workdir):
        if old.startswith("initramfs-"):
            os.unlink(os.path.join(workdir, old))

    with tempfile.TemporaryDirectory(dir=workdir) as root:
        copy_into(root, "/bin/busybox", "/bin/busybox")
        copy_into(root, os.path.join(HERE, "init"), "/init")
        moddir = "/lib/modules/%s" % kernel.version
        src_moddir = os.path.join(kernel.modroot, moddir.lstrip("/"))
        for f in module_files(kernel, helper_modules):
            copy_into(root, f, os.path.join(moddir, os.path.relpath(f, src_moddir)))
        for name in ("modules.builtin", "modules.builtin.modinfo", "modules.order"):
            if os.path.exists(os.path.join(src_moddir, name)):
                copy_into(root, os.path.join(src_moddir, name), os.path.join(moddir, name))
        for ko in kos:
            copy_into(root, ko, os.path.join(moddir, "extra", os.path.basename(ko)))
        run(["depmod", "-b", root, kernel.version])
        libs = set()
        for b in binaries:
            copy_into(root, b, "/osprey/bin/" + os.path.basename(b))
            libs.update(shared_libs(b))
        for lib in libs:
            copy_into(root, lib)
        cpio(root, out, compress=True)
    return out


class Guest:
    def __init__(self, kernel, initramfs, workdir, memory_mb=2048, cpus=2, append=""):
        self.kernel = kernel
        self.append = append
        self.initramfs = initramfs
        self.workdir = workdir
        self.memory_mb = memory_mb
        self.cpus = cpus

    def _plan_cpio(self, plan):
        with tempfile.TemporaryDirectory(dir=self.workdir) as root:
            os.makedirs(os.path.join(root, "osprey"))
            with open(os.path.join(root, "osprey", "plan"), "w") as f:
                f.write(plan)
            out = os.path.join(self.workdir, "plan.cpio")
            cpio(root, out, compress=False)
        # The kernel unpacks concatenated archives in order: the plan last.
        combined = os.path.join(self.workdir, "initrd.img")
        with open(combined, "wb") as dst:
            for part in (self.initramfs, out):
                with open(part, "rb") as src:
                    shutil.copyfileobj(src, dst)
        return combined

    def qemu_cmd(self, initrd, console, results, interactive=False):
        append = ("console=ttyS0 ignore_loglevel panic=-1 "
                  "sysctl.kernel.hung_task_timeout_secs=30 "
                  "sysctl.kernel.panic_on_warn=0 " + self.append)
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
               "-m", str(self.memory_mb), "-smp", str(self.cpus),
               "-kernel", self.kernel.image, "-initrd", initrd,
               "-append", append.strip(), "-no-reboot", "-display", "none",
               "-vga", "none", "-nodefaults"]
        if interactive:
            cmd += ["-serial", "mon:stdio"]
        else:
            cmd += ["-serial", "file:" + console, "-monitor", "none"]
        cmd += ["-serial", "file:" + results]
        return cmd

    def boot(self, plan, timeout, live=None, interactive=False, boot_timeout=None,
             name="guest"):
        """Run `plan` in a fresh guest. `live` is called with each result line.

        The guest fails after `timeout` seconds, or after `boot_timeout`
        seconds (default: two minutes) if /init has not reported anything by
        then: a kernel that never reaches /init fails fast.
        """
        boot_timeout = min(timeout, boot_timeout or 120)
        initrd = self._plan_cpio(plan)
        console = os.path.join(self.workdir, name + ".console.log")
        results = os.path.join(self.workdir, name + ".results.log")
        for f in (console, results):
            open(f, "w").close()
        cmd = self.qemu_cmd(initrd, console, results, interactive)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=None if interactive else subprocess.DEVNULL)
        timed_out = False
        seen = 0
        while True:
            try:
                proc.wait(timeout=0.2)
                finished = True
            except subprocess.TimeoutExpired:
                finished = False
            if live:
                with open(results, "rb") as f:
                    f.seek(seen)
                    chunk = f.read()
                    complete = chunk[:chunk.rfind(b"\n") + 1]
                    seen += len(complete)
                    for line in complete.decode(errors="replace").splitlines():
                        live(line.rstrip("\r"))
            if finished:
                break
            elapsed = time.monotonic() - start
            if not interactive and (elapsed > timeout or (
                    elapsed > boot_timeout and os.path.getsize(results) == 0)):
                proc.kill()
                proc.wait()
                timed_out = True
                break
        seconds = time.monotonic() - start
        with open(results, "rb") as f:
            res_lines = f.read().decode(errors="replace").splitlines()
        try:
            with open(console, "rb") as f:
                klog = [ANSI.sub("", l) for l in
                        f.read().decode(errors="replace").splitlines()]
        except FileNotFoundError:
            klog = []
        res = parse_results(res_lines, klog, timed_out, seconds)
        res.console = console
        return res


def parse_results(lines, klog, timed_out, seconds):
    tests, modules, done, current = [], [], False, None
    for raw in lines:
        line = raw.rstrip("\r")
        if line.startswith("| "):
            if current:
                current.output.append(line[2:])
            continue
        if line == "|":
            if current:
                current.output.append("")
            continue
        words = line.split()
        if words[:1] != ["@@OSPREY"]:
            continue
        if words[1:2] == ["BEGIN"] and len(words) == 3:
            current = TestRun(words[2])
            tests.append(current)
        elif words[1:2] == ["END"] and len(words) == 4 and current:
            current.status = int(words[3]) if words[3].isdigit() else 255
            current = None
        elif words[1:2] == ["MODULE"] and len(words) == 5:
            modules.append((words[2], words[3], int(words[4]) if words[4].isdigit() else 255))
        elif words[1:2] == ["DONE"]:
            done = True
    return GuestResult(tests, modules, klog, done, timed_out, seconds)


# IGT's result lines.
IGT_START = re.compile(r"^Starting (dynamic )?subtest: (\S+)")
IGT_RESULT = re.compile(r"^(Dynamic subtest|Subtest) (\S+): (SUCCESS|FAIL|SKIP|CRASH|TIMEOUT) \(([0-9.]+)s\)")
IGT_SIMPLE = re.compile(r"^(SUCCESS|FAIL|SKIP|CRASH) \(([0-9.]+)s\)$")
IGT_EXIT = {0: "PASS", 77: "SKIP"}


@dataclasses.dataclass
class Subtest:
    binary: str
    name: str
    result: str  # PASS, FAIL, SKIP
    seconds: float
    output: list


def igt_subtests(test):
    """Turn one test binary's framed output into per-subtest results."""
    out, pending, lines = [], {}, []
    status_map = {"SUCCESS": "PASS", "SKIP": "SKIP"}
    for line in test.output:
        lines.append(line)
        m = IGT_START.match(line)
        if m:
            # Dynamic subtests roll up into their parent, whose result line
            # says whether any of them failed.
            if not m.group(1):
                pending[m.group(2)] = len(lines) - 1
            continue
        m = IGT_RESULT.match(line)
        if m:
            if m.group(1) == "Dynamic subtest":
                continue
            name = m.group(2)
            start = pending.pop(name, 0)
            out.append(Subtest(test.name, name, status_map.get(m.group(3), "FAIL"),
                               float(m.group(4)), lines[start:]))
            continue
        m = IGT_SIMPLE.match(line)
        if m and not out:
            out.append(Subtest(test.name, "", status_map.get(m.group(1), "FAIL"),
                               float(m.group(2)), lines[:]))
    for name in pending:
        # Started but never finished: the binary crashed or hung in it.
        out.append(Subtest(test.name, name, "FAIL", 0.0,
                           lines[pending[name]:] + ["(subtest did not finish)"]))
    if test.status is None:
        out.append(Subtest(test.name, "(binary)", "FAIL", 0.0,
                           lines + ["(the guest stopped while this binary ran)"]))
    elif not out:
        result = IGT_EXIT.get(test.status, "FAIL")
        out.append(Subtest(test.name, "", result, 0.0, lines[:]))
    elif test.status not in (0, 77) and all(s.result != "FAIL" for s in out):
        out.append(Subtest(test.name, "(exit)", "FAIL", 0.0,
                           lines + ["(exit status %d)" % test.status]))
    return out
