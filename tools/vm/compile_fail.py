#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Compile-fail tests of the typed GEM layer (gem/tests/compile-fail/).

Each case is a small kernel source that misuses the layer in one way and
says, in a `/* expect: REGEX */` comment, the compiler diagnostic it must
produce; `/* expect: builds */` marks the control, which must compile. Each
case is built on its own through kbuild, against the kernel headers the
driver is built against, so the flags (-Werror=incompatible-pointer-types
among them) are the driver's.

    compile_fail.py KDIR [CASE.c...]
"""

import glob
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(TOP, "gem", "tests", "compile-fail")


def expectation(path):
    with open(path) as f:
        m = re.search(r"/\* expect: (.*?) \*/", f.read())
    return m.group(1) if m else None


def run_case(kdir, path, workdir):
    """(ok, why) for one case."""
    name = os.path.splitext(os.path.basename(path))[0]
    want = expectation(path)
    if not want:
        return False, "no /* expect: ... */ line"
    d = os.path.abspath(os.path.join(workdir, name))  # kbuild wants M= absolute
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    shutil.copy(path, d)
    shutil.copy(os.path.join(CASES, "common.h"), d)
    with open(os.path.join(d, "Kbuild"), "w") as f:
        f.write("ccflags-y := -I%s/include -I%s/uapi -I$(srctree)/include/uapi/drm\n"
                "obj-m += %s.o\n" % (TOP, TOP, name))
    # The layer's functions live in osprey.ko: the cases are about
    # compiling, so modpost's unresolved symbols are only warnings here.
    r = subprocess.run(["make", "-s", "-C", kdir, "M=" + d, "KBUILD_MODPOST_WARN=1",
                        "modules"], capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C"))
    # gcc quotes with U+2018/U+2019 in UTF-8 locales, which kbuild keeps.
    out = (r.stdout + r.stderr).replace("\u2018", "'").replace("\u2019", "'")
    if want == "builds":
        return r.returncode == 0, out.strip().splitlines()[-15:]
    if r.returncode == 0:
        return False, ["built, but should have failed with: " + want]
    errors = [l for l in out.splitlines() if "error" in l]
    if not any(re.search(want, l) for l in errors):
        return False, ["failed, but not with: " + want] + errors[:10]
    return True, []


def main():
    kdir = sys.argv[1]
    cases = sys.argv[2:] or sorted(glob.glob(os.path.join(CASES, "*.c")))
    workdir = os.path.join(TOP, "build", "compile-fail")
    failed = 0
    for c in cases:
        ok, why = run_case(kdir, c, workdir)
        print("%s %s" % ("PASS" if ok else "FAIL", os.path.basename(c)))
        for w in ([] if ok else why):
            print("    " + w)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
