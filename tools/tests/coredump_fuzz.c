// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/*
 * libFuzzer target of the coredump parser (tools/libosprey/coredump_parse.c):
 * parse the input as a dump and, when it is accepted, use every accessor on
 * the result and check what the parser promises of it. Built by the
 * Makefile with clang -fsanitize=fuzzer,address,undefined and with CRCs
 * ignored, so that mutated bodies are not all stopped at their CRC; each
 * input is also parsed with its section lengths fixed up (parse_fixed_up()).
 * Run for a bounded number of inputs by make check, without bound by make
 * fuzz.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coredump_parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static volatile uint8_t sink;

static void touch(const char *s)
{
	/* Every byte of a returned value must be readable, up to its NUL. */
	volatile size_t n = s ? strlen(s) : 0;

	(void)n;
}

static void use(const struct osp_coredump *cd, size_t len)
{
	static const char *const secs[] = { "header", "job", "fault", "mappings", "jobs",
		"skipped", "bo", "ring", "end", "registers", "display", "nope" };
	static const char *const keys[] = { "sequence", "pid", "comm", "status", "l0", "map",
		"job", "skip", "label", "count", "RING_HEAD", "data", "plane", "underrun",
		"crc_history", "nope" };
	static const char *const fields[] = { "va", "bo", "reason", "what", "index", "entry",
		"model", "x", "format", "address", "plane" };
	const char *vals[8];
	char buf[16];
	uint64_t x;
	size_t i, j, k, n;

	if (!cd->size || cd->size > len || !cd->nsections)
		abort();
	for (i = 0; i < cd->nsections; i++) {
		const struct osp_coredump_section *s = &cd->sections[i];

		if (s->body_offset + s->length > cd->size || s->body != cd->raw + s->body_offset ||
		    s->offset >= s->body_offset)
			abort();
		if (s->length)
			touch(memchr(s->body, 0, s->length) ? "" : "x");
	}
	if (strcmp(cd->sections[cd->nsections - 1].name, "end"))
		abort();
	for (i = 0; i < cd->nbos; i++) {
		const struct osp_coredump_bo *bo = &cd->bos[i];

		if (bo->captured > bo->size || (bo->captured && !bo->data) || bo->id != i + 1)
			abort();
		for (j = 0; j < bo->captured; j += 4096)
			sink += bo->data[j];
		if (bo->captured)
			sink += bo->data[bo->captured - 1];
		touch(bo->label);
		touch(osp_coredump_section_value(cd, bo->section, "label"));
	}
	for (i = 0; i < cd->nring_words; i++)
		touch(cd->ring_words[i] ? "" : NULL);
	if (cd->has_display) {
		const struct osp_coredump_display *d = &cd->display;

		if (d->section >= cd->nsections ||
		    strcmp(cd->sections[d->section].name, "display") ||
		    d->npipes > OSP_CD_DISPLAY_MAX_PIPES || (!d->present && d->npipes) ||
		    (d->has_underrun && d->underrun_pipe >= OSP_CD_DISPLAY_MAX_PIPES))
			abort();
		for (i = 0; i < d->npipes; i++) {
			const struct osp_coredump_pipe *pp = &d->pipes[i];

			if (pp->index != i || pp->ncrcs > OSP_CD_DISPLAY_CRCS)
				abort();
			for (j = 0; j < OSP_CD_DISPLAY_PLANES; j++) {
				if (pp->planes[j].index != j)
					abort();
				touch(pp->planes[j].format);
				touch(pp->planes[j].blend);
			}
		}
	}

	for (i = 0; i < ARRAY_SIZE(secs); i++) {
		for (j = 0; j < ARRAY_SIZE(keys); j++) {
			touch(osp_coredump_value(cd, secs[i], keys[j]));
			osp_coredump_u64(cd, secs[i], keys[j], &x);
			n = osp_coredump_values(cd, secs[i], keys[j], vals, 8);
			for (k = 0; k < n && k < 8; k++) {
				size_t f;

				touch(vals[k]);
				for (f = 0; f < ARRAY_SIZE(fields); f++)
					if (osp_coredump_field(vals[k], fields[f], buf,
							       sizeof(buf)) == 0)
						touch(buf);
			}
		}
	}
}

static void parse_and_use(const uint8_t *data, size_t size)
{
	struct osp_coredump *cd;
	char err[256];

	if (osp_coredump_parse(data, size, &cd, err, sizeof(err)) == 0) {
		use(cd, size);
		osp_coredump_free(cd);
	} else if (cd || !err[0] || !strstr(err, "byte")) {
		/* A failure always says where. */
		abort();
	}
}

/*
 * The input with its section header lines rewritten: every line starting
 * with '@' becomes the header of a section named by what follows it (up to
 * a space), with the length of the bytes up to the next such line, and an
 * "end" section gets the right counts. Mutations that add or remove bytes
 * in a body would otherwise only ever test the length check.
 */
static void parse_fixed_up(const uint8_t *data, size_t size)
{
	size_t i, o = 0, nsec = 0, cap = size + 64;
	uint8_t *out;

	for (i = 0; i < size; i++)
		cap += data[i] == '@' ? 64 : 0;
	out = malloc(cap);
	if (!out)
		return;
	for (i = 0; i < size && data[i] != '@'; i++)
		out[o++] = data[i];
	while (i < size) {
		size_t name = ++i, namelen, body;

		while (i < size && data[i] != ' ' && data[i] != '\n')
			i++;
		namelen = i - name < 40 ? i - name : 40;
		while (i < size && data[i] != '\n')
			i++;
		if (i < size)
			i++;
		body = i;
		while (i < size && !(data[i] == '@' && data[i - 1] == '\n'))
			i++;
		out[o++] = '@';
		memcpy(out + o, data + name, namelen);
		o += namelen;
		if (namelen == 3 && !memcmp(data + name, "end", 3)) {
			char text[64];
			int n = snprintf(text, sizeof(text), "sections: %zu\nbytes: %zu\n", nsec,
					 o - namelen - 1);

			o += (size_t)snprintf((char *)out + o, cap - o, " %010d 00000000\n", n);
			memcpy(out + o, text, (size_t)n);
			o += (size_t)n;
			break;
		}
		o += (size_t)snprintf((char *)out + o, cap - o, " %010zu 00000000\n", i - body);
		memcpy(out + o, data + body, i - body);
		o += i - body;
		nsec++;
	}
	parse_and_use(out, o);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_and_use(data, size);
	parse_fixed_up(data, size);
	/* The field parser on raw input, as a list. */
	if (size && size < 256 && !memchr(data, 0, size)) {
		char list[256], buf[8];

		memcpy(list, data, size);
		list[size] = '\0';
		osp_coredump_field(list, "a", buf, sizeof(buf));
		osp_coredump_parse_u64(list, (uint64_t *)(void *)buf);
	}
	return 0;
}
