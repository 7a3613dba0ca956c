// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: Harness gate self-test module
 *
 * A test-only module that misbehaves on request, so that the test harness
 * can prove its kernel-log gates still catch each kind of report. It is
 * built with the tests, loaded only by the harness's expect-failure runs,
 * and never installed.
 *
 * Writing a word to /sys/kernel/debug/osprey_gates/trigger does one thing:
 *
 * - ``warn``: a WARN().
 * - ``uaf``: reads a freed allocation (KASAN reports a use-after-free).
 * - ``lockdep``: takes two mutexes in one order, then in the other (lockdep
 *   reports a possible circular locking dependency; no deadlock happens, as
 *   the two orders are taken one after the other by one task).
 * - ``atomic-sleep``: a GFP_KERNEL allocation under a spinlock
 *   (DEBUG_ATOMIC_SLEEP reports a sleeping function in atomic context).
 * - ``leak``: allocates and forgets (kmemleak reports it at the next scan).
 *
 * Reading the file lists the words.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static struct dentry *gates_dir;

static void gate_warn(void)
{
	WARN(1, "osprey_gates: deliberate warning for the harness self-test\n");
}

static void gate_uaf(void)
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	pr_info("osprey_gates: read after free: %u\n", READ_ONCE(p[8]));
}

static DEFINE_MUTEX(gate_lock_a);
static DEFINE_MUTEX(gate_lock_b);

static void gate_lockdep(void)
{
	mutex_lock(&gate_lock_a);
	mutex_lock(&gate_lock_b);
	mutex_unlock(&gate_lock_b);
	mutex_unlock(&gate_lock_a);

	mutex_lock(&gate_lock_b);
	mutex_lock(&gate_lock_a);
	mutex_unlock(&gate_lock_a);
	mutex_unlock(&gate_lock_b);
}

static DEFINE_SPINLOCK(gate_spinlock);

static void gate_atomic_sleep(void)
{
	void *p;

	spin_lock(&gate_spinlock);
	p = kmalloc(64, GFP_KERNEL);
	spin_unlock(&gate_spinlock);
	kfree(p);
}

static void gate_leak(void)
{
	void *p = kmalloc(128, GFP_KERNEL);

	pr_info("osprey_gates: leaking %s allocation\n", p ? "an" : "no");
}

static const struct {
	const char *word;
	void (*fire)(void);
} gates[] = {
	{ "warn", gate_warn },
	{ "uaf", gate_uaf },
	{ "lockdep", gate_lockdep },
	{ "atomic-sleep", gate_atomic_sleep },
	{ "leak", gate_leak },
};

static ssize_t trigger_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[16];
	size_t n = min(len, sizeof(buf) - 1);
	unsigned int i;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	strim(buf);

	for (i = 0; i < ARRAY_SIZE(gates); i++) {
		if (!strcmp(buf, gates[i].word)) {
			gates[i].fire();
			return len;
		}
	}
	return -EINVAL;
}

static ssize_t trigger_read(struct file *file, char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	char buf[128] = "";
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gates); i++) {
		strlcat(buf, gates[i].word, sizeof(buf));
		strlcat(buf, "\n", sizeof(buf));
	}
	return simple_read_from_buffer(ubuf, len, ppos, buf, strlen(buf));
}

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.read = trigger_read,
	.write = trigger_write,
	.llseek = default_llseek,
};

static int __init osprey_gates_init(void)
{
	gates_dir = debugfs_create_dir("osprey_gates", NULL);
	debugfs_create_file("trigger", 0600, gates_dir, NULL, &trigger_fops);
	return 0;
}

static void __exit osprey_gates_exit(void)
{
	debugfs_remove_recursive(gates_dir);
}

module_init(osprey_gates_init);
module_exit(osprey_gates_exit);

MODULE_DESCRIPTION("Osprey test harness: misbehaves on request");
MODULE_LICENSE("GPL");
