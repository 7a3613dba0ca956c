// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel module helpers (Osprey's subset of IGT's igt_kmod). Loading goes
 * through modprobe, which resolves dependencies; unloading calls
 * delete_module(2) on the module alone, as upstream's libkmod path does, so
 * that the modules it depends on stay loaded.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt_core.h"
#include "igt_kmod.h"

/* Module names in /proc/modules and /sys/module use '_' where '-' may be given. */
static void normalize(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
	for (char *c = dst; *c; c++)
		if (*c == '-')
			*c = '_';
}

bool igt_kmod_is_loaded(const char *mod_name)
{
	char want[128], *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	normalize(want, sizeof(want), mod_name);
	while (!found && getline(&line, &cap, f) > 0) {
		line[strcspn(line, " ")] = '\0';
		found = !strcmp(line, want);
	}
	free(line);
	fclose(f);
	return found;
}

/*
 * modprobe only reports failures as text, so recover the errno from its
 * message: the longest strerror() text found in it wins.
 */
static int errno_from_message(const char *msg)
{
	size_t best_len = 0;
	int best = 0;

	for (int e = 1; e < 134; e++) {
		const char *text = strerror(e);

		if (strncmp(text, "Unknown error", 13) && strlen(text) > best_len &&
		    strstr(msg, text)) {
			best = e;
			best_len = strlen(text);
		}
	}
	if (best)
		return -best;
	if (strstr(msg, "in use"))
		return -EBUSY;
	if (strstr(msg, "not found") || strstr(msg, "not loaded"))
		return -ENOENT;
	return -EIO;	/* failed for a reason modprobe did not tell */
}

/* Run modprobe with @args (args[0] is "modprobe"); 0 or a negative errno. */
static int run_modprobe(char *const args[])
{
	char msg[1024];
	size_t len = 0;
	ssize_t n;
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd))
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		execvp("modprobe", args);
		execv("/sbin/modprobe", args);	/* PATH may lack the sbin dirs */
		execv("/usr/sbin/modprobe", args);
		dprintf(STDERR_FILENO, "cannot run modprobe: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while (len < sizeof(msg) - 1 &&
	       ((n = read(pipefd[0], msg + len, sizeof(msg) - 1 - len)) > 0 ||
		(n < 0 && errno == EINTR)))
		len += n > 0 ? n : 0;
	msg[len] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;

	if (len)
		igt_debug("modprobe: %s%s", msg, msg[len - 1] == '\n' ? "" : "\n");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return errno_from_message(msg);
}

int igt_kmod_load(const char *mod_name, const char *opts)
{
	char *args[64] = { "modprobe", (char *)mod_name };
	char *copy = NULL, *save = NULL;
	int n = 2, err;

	if (opts && igt_kmod_is_loaded(mod_name)) {
		igt_debug("Module %s already inserted\n", mod_name);
		return -EEXIST;
	}
	if (opts)
		copy = strdup(opts);
	if (copy)
		for (char *tok = strtok_r(copy, " \t\n", &save); tok && n < 63;
		     tok = strtok_r(NULL, " \t\n", &save))
			args[n++] = tok;
	args[n] = NULL;

	err = run_modprobe(args);
	if (err)
		igt_debug("Could not insert %s (%s)\n", mod_name, strerror(-err));
	free(copy);
	return err;
}

int igt_kmod_unload(const char *mod_name)
{
	char name[128], path[300];
	struct dirent *de;
	DIR *dir;
	int err = 0;

	normalize(name, sizeof(name), mod_name);
	if (!igt_kmod_is_loaded(name)) {
		/* A built-in module has a /sys/module entry but no initstate. */
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
		if (access(path, F_OK)) {
			snprintf(path, sizeof(path), "/sys/module/%s", name);
			if (!access(path, F_OK))
				return 0;
		}
		igt_debug("Module %s could not be found or does not exist\n", name);
		return -ENOENT;
	}

	/* Modules using this one have to go first. */
	snprintf(path, sizeof(path), "/sys/module/%s/holders", name);
	dir = opendir(path);
	while (dir && !err && (de = readdir(dir)))
		if (de->d_name[0] != '.')
			err = igt_kmod_unload(de->d_name);
	if (dir)
		closedir(dir);
	if (err)
		return err;

	for (int tries = 1; tries <= 20; tries++) {
		err = syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
		if (err != -EBUSY && err != -EAGAIN)
			break;
		igt_debug("Module %s failed to unload with err: %d on attempt: %i\n",
			  name, err, tries);
		if (tries < 20)
			usleep(500 * 1000);
	}
	if (err)
		igt_debug("Could not remove module %s (%s)\n", name, strerror(-err));
	return err;
}
