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

Every guest also has:
  - a virtio-gpu display (`-device virtio-gpu-pci,id=gpu0,max_outputs=2`),
    which the Osprey model's monitor cable drives from inside osprey_sim
    (the kernel's virtio_gpu driver is never loaded: module_blacklist);
  - QEMU's human monitor on a unix socket, <workdir>/monitor.sock
    (`socat - UNIX-CONNECT:build/vm/monitor.sock` while a guest runs);
  - a writable 9p share, tag `ospreyout`, host directory <workdir>/share,
    mounted by /init at /run/osprey-host (exported to the plan and the
    tests as OSPREY_HOST_SHARE), through which the guest asks the host for
    screenshots (ScreenshotService);
  - on request (Guest(host_root=True), `make run`), the host's root
    read-only, tag `hostroot`, for big host programs (Mesa, libdrm's tools).

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
import socket
import tempfile
import threading
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

# Modules every guest loads before its plan, for the 9p shares (built into
# the debug kernel; netfs and 9pnet come as dependencies).
GUEST_MODULES = ["9pnet_virtio", "9p"]

# The display: QEMU's virtio-gpu, which osprey_sim's monitor cable drives.
# One scanout per pipe of the model's default configuration.
GPU_ID = "gpu0"
GPU_OUTPUTS = 2
SHARE_TAG = "ospreyout"
HOSTROOT_TAG = "hostroot"


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
    inputs = [kernel.version, kernel.image, os.path.join(HERE, "init"),
              os.path.join(HERE, "screenshot")]
    inputs += sorted(kos) + sorted(binaries) + sorted(helper_modules) + GUEST_MODULES
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
        copy_into(root, os.path.join(HERE, "screenshot"), "/osprey/bin/screenshot")
        moddir = "/lib/modules/%s" % kernel.version
        src_moddir = os.path.join(kernel.modroot, moddir.lstrip("/"))
        for f in module_files(kernel, list(helper_modules) + GUEST_MODULES):
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


class Monitor:
    """QEMU's human monitor (HMP) on a unix socket, one connection a command.

    Connecting per command leaves the socket free in between, for a person
    with socat.
    """

    PROMPT = b"(qemu) "

    def __init__(self, path):
        self.path = path

    def _read_prompt(self, sock, deadline):
        data = b""
        while not data.endswith(self.PROMPT):
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("the monitor closed the connection")
            data += chunk
        return data

    def command(self, line, timeout=30):
        """Run one HMP command; return what it printed (without the echo)."""
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(self.path)
            self._read_prompt(sock, deadline)
            sock.sendall(line.encode() + b"\n")
            out = self._read_prompt(sock, deadline)
        text = ANSI.sub("", out[:-len(self.PROMPT)].decode(errors="replace"))
        # The first line is the monitor's echo of the command.
        return text.partition("\n")[2].replace("\r", "").strip()


def image_size(path):
    """(width, height) of a complete PPM (P6) or PNG file, else None."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if data.startswith(b"P6"):
        m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        if not m:
            return None
        w, h, maxval = (int(x) for x in m.groups())
        bpp = 3 if maxval < 256 else 6
        return (w, h) if len(data) >= m.end() + w * h * bpp else None
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82"):
        w, h = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return (w, h)
    return None


class ScreenshotService(threading.Thread):
    """Screenshots on the guest's request, through the writable 9p share.

    The host directory <workdir>/share is the guest's /run/osprey-host
    (OSPREY_HOST_SHARE). Protocol, for one screenshot called NAME (letters,
    digits, `_`, `-` and `.`, not starting with `.`):

    1. The guest removes any old NAME.done and NAME.ppm (or NAME.png), then
       creates NAME.req. Its content, if any, is options separated by
       white space: `png` (a PNG instead of a PPM), `head=N` (virtio-gpu
       scanout N, i.e. Osprey pipe N; default 0). A request with options
       must appear whole: write NAME.req.tmp, then rename it to NAME.req.
       An empty NAME.req (open, close) asks for a PPM of head 0.
    2. The host, which polls the share every 50 ms, removes NAME.req and runs
       `screendump <share>/NAME.ppm gpu0 N` (`screendump ... -f png ...`
       for png) on QEMU's monitor. The picture is what the virtio-gpu
       scanout showed at that moment (the last frame the cable presented),
       at the scanout's size (QEMU shows a 640x480 placeholder text while
       the scanout is disabled).
    3. When the image file is complete, the host writes NAME.done (whole:
       written as NAME.done.tmp, then renamed). Its one line is
       `ok ppm|png WIDTHxHEIGHT`, or `error MESSAGE` (then there is no
       image).
    4. The guest waits for NAME.done (poll; 9p reads are not cached), reads
       NAME.ppm and may delete the files. A PPM is `P6\n<w> <h>\n255\n`
       then w*h RGB triplets, rows top to bottom.

    tools/vm/screenshot (/osprey/bin/screenshot in the guest) is the shell
    side: `screenshot NAME [png] [head=N]`.
    """

    NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")
    POLL = 0.05

    def __init__(self, share, monitor):
        super().__init__(daemon=True)
        self.share = share
        self.monitor = monitor
        self.stop = threading.Event()
        self.handled = []  # (name, the line written to NAME.done)

    def run(self):
        while not self.stop.wait(self.POLL):
            try:
                names = os.listdir(self.share)
            except OSError:
                continue
            for f in sorted(names):
                if f.endswith(".req") and not f.startswith("."):
                    self.handle(f[:-4])

    def _done(self, name, line):
        tmp = os.path.join(self.share, name + ".done.tmp")
        with open(tmp, "w") as f:
            f.write(line + "\n")
        os.rename(tmp, os.path.join(self.share, name + ".done"))
        self.handled.append((name, line))

    def handle(self, name):
        req = os.path.join(self.share, name + ".req")
        try:
            with open(req) as f:
                words = f.read().split()
            os.unlink(req)
        except OSError:
            return
        fmt, head = "ppm", 0
        for w in words:
            if w in ("png", "ppm"):
                fmt = w
            elif re.fullmatch(r"head=\d+", w):
                head = int(w[5:])
            else:
                self._done(name, "error unknown option %r" % w)
                return
        if not self.NAME.match(name) or name.endswith(".tmp"):
            self._done(name, "error bad screenshot name %r" % name)
            return
        image = os.path.join(os.path.abspath(self.share), "%s.%s" % (name, fmt))
        for old in (image, os.path.join(self.share, name + ".done")):
            if os.path.exists(old):
                os.unlink(old)
        try:
            out = self.monitor.command("screendump %s%s %s %d" % (
                image, " -f png" if fmt == "png" else "", GPU_ID, head))
        except OSError as e:
            self._done(name, "error monitor: %s" % e)
            return
        size = None
        for _ in range(100):  # screendump returns once written; be lenient
            size = image_size(image)
            if size:
                break
            time.sleep(0.02)
        if not size:
            self._done(name, "error screendump: %s" % (out or "no complete image"))
            return
        self._done(name, "ok %s %dx%d" % (fmt, size[0], size[1]))


class Guest:
    def __init__(self, kernel, initramfs, workdir, memory_mb=2048, cpus=2, append="",
                 host_root=False):
        self.kernel = kernel
        self.append = append
        self.initramfs = initramfs
        self.workdir = workdir
        self.memory_mb = memory_mb
        self.cpus = cpus
        self.host_root = host_root
        self.share = os.path.join(workdir, "share")
        self.monitor_path = os.path.join(workdir, "monitor.sock")
        self.screenshots = None  # the last boot's ScreenshotService

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

    def _monitor_socket(self):
        # A unix socket's path has at most 107 bytes.
        path = os.path.abspath(self.monitor_path)
        return path if len(path) < 100 else os.path.relpath(path)

    def qemu_cmd(self, initrd, console, results, interactive=False):
        # The kernel's virtio_gpu must never bind the display: the model's
        # monitor cable drives it.
        append = ("console=ttyS0 ignore_loglevel panic=-1 "
                  "sysctl.kernel.hung_task_timeout_secs=30 "
                  "sysctl.kernel.panic_on_warn=0 module_blacklist=virtio_gpu " + self.append)
        cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
               "-m", str(self.memory_mb), "-smp", str(self.cpus),
               "-kernel", self.kernel.image, "-initrd", initrd,
               "-append", append.strip(), "-no-reboot", "-display", "none",
               "-vga", "none", "-nodefaults",
               "-device", "virtio-gpu-pci,id=%s,max_outputs=%d" % (GPU_ID, GPU_OUTPUTS),
               "-monitor", "unix:%s,server=on,wait=off" % self._monitor_socket(),
               "-virtfs", "local,path=%s,mount_tag=%s,security_model=none" % (
                   os.path.abspath(self.share), SHARE_TAG)]
        if self.host_root:
            cmd += ["-virtfs", "local,path=/,mount_tag=%s,security_model=none,"
                    "readonly=on,multidevs=remap" % HOSTROOT_TAG]
        if interactive:
            cmd += ["-serial", "mon:stdio"]
        else:
            cmd += ["-serial", "file:" + console]
        cmd += ["-serial", "file:" + results]
        return cmd

    def _fresh_share(self):
        shutil.rmtree(self.share, ignore_errors=True)
        os.makedirs(self.share)
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)

    def boot(self, plan, timeout, live=None, interactive=False, boot_timeout=None,
             name="guest"):
        """Run `plan` in a fresh guest. `live` is called with each result line.

        The guest fails `timeout` seconds after /init's first report (the
        plan's time, whatever the boot took), or after `boot_timeout`
        seconds (default: two minutes) if /init has not reported anything by
        then: a kernel that never reaches /init fails fast.
        """
        boot_timeout = boot_timeout or 120
        initrd = self._plan_cpio(plan)
        console = os.path.join(self.workdir, name + ".console.log")
        results = os.path.join(self.workdir, name + ".results.log")
        for f in (console, results):
            open(f, "w").close()
        self._fresh_share()
        cmd = self.qemu_cmd(initrd, console, results, interactive)
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=None if interactive else subprocess.DEVNULL)
        self.screenshots = ScreenshotService(self.share, Monitor(self._monitor_socket()))
        self.screenshots.start()
        try:
            timed_out = self._wait(proc, timeout, boot_timeout, start, results, live,
                                   interactive)
        finally:
            self.screenshots.stop.set()
            self.screenshots.join()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return self._results(results, console, timed_out, time.monotonic() - start)

    def _wait(self, proc, timeout, boot_timeout, start, results, live, interactive):
        """Wait for QEMU to exit, passing result lines to `live`; return
        whether the guest was killed for taking too long."""
        seen = 0
        reported = None  # when /init first reported
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
                return False
            now = time.monotonic()
            if reported is None and os.path.getsize(results):
                reported = now
            if reported is None:
                late = now - start > boot_timeout
            else:
                late = now - reported > timeout
            if late and not interactive:
                proc.kill()
                proc.wait()
                return True

    def _results(self, results, console, timed_out, seconds):
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
