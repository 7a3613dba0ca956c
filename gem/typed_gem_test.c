// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The Osprey authors */

/**
 * DOC: KUnit tests of the typed GEM layer
 *
 * Two object types of a test driver, a shmem one and an internal one, on a
 * DRM device made for the test: the checked downcasts tell the types (and
 * foreign objects) apart, open and close reach the typed callbacks with
 * the typed file, the free trampoline runs the driver's release exactly
 * once and unlinks the object, and the internal backend hands out zeroed,
 * mapped pages.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/module.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "typed_gem.h"

struct tgt_file {
	int handles;
};

struct tgt_shmem {
	struct drm_gem_shmem_object base;
	struct tgem_link tgem;
	int *released;
};

struct tgt_internal {
	struct drm_gem_object base;
	struct tgem_link tgem;
	int *released;
};

struct tgt_device {
	struct drm_device drm;
	struct tgem_device tdev;
};

TGEM_DECLARE_SHMEM_TYPE(tgt_shmem, struct tgt_shmem, base, struct tgt_file);
TGEM_DECLARE_GEM_TYPE(tgt_internal, struct tgt_internal, base, struct tgt_file);
TGEM_DECLARE_INTERNAL_CREATE(tgt_internal);

static struct tgem_device *tgt_tdev(struct drm_device *drm)
{
	return &container_of(drm, struct tgt_device, drm)->tdev;
}

static int tgt_open(struct tgt_shmem *obj, struct tgt_file *file)
{
	file->handles++;
	return 0;
}

static void tgt_close(struct tgt_shmem *obj, struct tgt_file *file)
{
	file->handles--;
}

static void tgt_shmem_release(struct tgt_shmem *obj)
{
	if (obj->released)
		(*obj->released)++;
}

static void tgt_internal_release(struct tgt_internal *obj)
{
	if (obj->released)
		(*obj->released)++;
}

TGEM_DEFINE_SHMEM_TYPE(tgt_shmem, base, tgt_tdev, tgt_shmem_release,
		       .open = tgt_open, .close = tgt_close);
TGEM_DEFINE_INTERNAL_TYPE(tgt_internal, base, tgt_tdev, tgt_internal_release);

static const struct drm_driver tgt_driver = {
	.driver_features = DRIVER_GEM,
	.gem_create_object = tgt_shmem_gem_create_object,
	.name = "tgem-kunit",
	.desc = "typed GEM KUnit device",
};

static int tgt_init(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "tgem-kunit");
	struct tgt_device *tdev;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	tdev = devm_drm_dev_alloc(dev, &tgt_driver, struct tgt_device, drm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tdev);
	KUNIT_ASSERT_EQ(test, tgem_device_init(&tdev->drm, &tdev->tdev), 0);
	test->priv = tdev;
	return 0;
}

static void downcasts_check_the_type(struct kunit *test)
{
	struct tgt_device *tdev = test->priv;
	struct tgt_shmem *s = tgt_shmem_create(&tdev->drm, PAGE_SIZE);
	struct tgt_internal *i = tgt_internal_create(&tdev->drm, PAGE_SIZE);
	struct drm_gem_object foreign = {};
	static const struct drm_gem_object_funcs foreign_funcs = {};

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, i);

	KUNIT_EXPECT_PTR_EQ(test, to_tgt_shmem(tgt_shmem_gem(s)), s);
	KUNIT_EXPECT_PTR_EQ(test, to_tgt_internal(tgt_internal_gem(i)), i);
	KUNIT_EXPECT_NULL(test, to_tgt_shmem(tgt_internal_gem(i)));
	KUNIT_EXPECT_NULL(test, to_tgt_internal(tgt_shmem_gem(s)));
	KUNIT_EXPECT_NULL(test, to_tgt_shmem_const(tgt_internal_gem_const(i)));
	KUNIT_EXPECT_NULL(test, to_tgt_shmem(NULL));

	/* An object of another driver, or of no type at all. */
	KUNIT_EXPECT_NULL(test, to_tgt_shmem(&foreign));
	foreign.funcs = &foreign_funcs;
	KUNIT_EXPECT_NULL(test, to_tgt_shmem(&foreign));
	KUNIT_EXPECT_NULL(test, to_tgt_internal(&foreign));

	KUNIT_EXPECT_PTR_EQ(test, tgem_object_type(tgt_shmem_gem(s)), &tgt_shmem_tgem_type);
	KUNIT_EXPECT_EQ(test, tgem_object_type(tgt_internal_gem(i))->backend,
			TGEM_BACKEND_INTERNAL);

	tgt_shmem_put(s);
	tgt_internal_put(i);
}

static void open_close_reach_typed_callbacks(struct kunit *test)
{
	struct tgt_device *tdev = test->priv;
	struct tgt_shmem *s = tgt_shmem_create(&tdev->drm, PAGE_SIZE);
	struct drm_minor minor = { .dev = &tdev->drm };
	struct tgt_file tfile = {};
	struct drm_file *file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	struct drm_gem_object *obj;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, file);
	file->minor = &minor;
	file->driver_priv = &tfile;
	obj = tgt_shmem_gem(s);

	KUNIT_EXPECT_EQ(test, obj->funcs->open(obj, file), 0);
	KUNIT_EXPECT_EQ(test, obj->funcs->open(obj, file), 0);
	KUNIT_EXPECT_EQ(test, tfile.handles, 2);
	obj->funcs->close(obj, file);
	KUNIT_EXPECT_EQ(test, tfile.handles, 1);
	obj->funcs->close(obj, file);
	KUNIT_EXPECT_EQ(test, tfile.handles, 0);

	tgt_shmem_put(s);
}

static void open_refuses_another_devices_file(struct kunit *test)
{
	struct tgt_device *tdev = test->priv;
	struct tgt_shmem *s = tgt_shmem_create(&tdev->drm, PAGE_SIZE);
	struct drm_device *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	struct drm_file *file = kunit_kzalloc(test, sizeof(*file), GFP_KERNEL);
	struct drm_minor minor = { .dev = other };
	struct tgt_file tfile = {};

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_ASSERT_NOT_NULL(test, file);
	file->minor = &minor;
	file->driver_priv = &tfile;
	KUNIT_EXPECT_EQ(test, tgt_shmem_gem(s)->funcs->open(tgt_shmem_gem(s), file),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, tfile.handles, 0);
	tgt_shmem_put(s);
}

static void free_releases_once_and_unlinks(struct kunit *test)
{
	struct tgt_device *tdev = test->priv;
	struct tgt_shmem *s = tgt_shmem_create(&tdev->drm, 3 * PAGE_SIZE);
	struct tgt_internal *i = tgt_internal_create(&tdev->drm, 1);
	int s_released = 0, i_released = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, i);
	s->released = &s_released;
	i->released = &i_released;
	KUNIT_EXPECT_EQ(test, atomic_read(&tdev->tdev.count), 2);

	tgt_shmem_get(s);
	tgt_shmem_put(s);
	KUNIT_EXPECT_EQ(test, s_released, 0);
	tgt_shmem_put(s);
	KUNIT_EXPECT_EQ(test, s_released, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tdev->tdev.count), 1);

	tgt_internal_put(i);
	KUNIT_EXPECT_EQ(test, i_released, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&tdev->tdev.count), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&tdev->tdev.objects));
}

static void count_one(struct drm_gem_object *obj, const struct tgem_type *type,
		      void *arg)
{
	(*(int *)arg)++;
}

static void walk_sees_live_objects(struct kunit *test)
{
	struct tgt_device *tdev = test->priv;
	struct tgt_shmem *s[3];
	int n = 0, k;

	for (k = 0; k < ARRAY_SIZE(s); k++) {
		s[k] = tgt_shmem_create(&tdev->drm, PAGE_SIZE);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s[k]);
	}
	tgem_device_for_each(&tdev->tdev, count_one, &n);
	KUNIT_EXPECT_EQ(test, n, 3);
	tgt_shmem_put(s[1]);
	n = 0;
	tgem_device_for_each(&tdev->tdev, count_one, &n);
	KUNIT_EXPECT_EQ(test, n, 2);
	tgt_shmem_put(s[0]);
	tgt_shmem_put(s[2]);
}

static void internal_pages_are_zeroed_and_mapped(struct kunit *test)
{
	struct tgt_device *tdev = test->priv;
	struct tgt_internal *i = tgt_internal_create(&tdev->drm, 2 * PAGE_SIZE + 1);
	u8 *p;
	size_t k;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, i);
	KUNIT_EXPECT_EQ(test, tgt_internal_gem(i)->size, 3 * PAGE_SIZE);
	p = tgt_internal_vaddr(i);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (k = 0; k < 3 * PAGE_SIZE; k++)
		if (p[k])
			break;
	KUNIT_EXPECT_EQ(test, k, 3 * PAGE_SIZE);
	p[2 * PAGE_SIZE] = 0xa5;
	KUNIT_EXPECT_EQ(test, *(u8 *)page_address(tgt_internal_pages(i)[2]), 0xa5);
	tgt_internal_put(i);

	KUNIT_EXPECT_TRUE(test, IS_ERR(tgt_internal_create(&tdev->drm, 0)));
}

static struct kunit_case typed_gem_cases[] = {
	KUNIT_CASE(downcasts_check_the_type),
	KUNIT_CASE(open_close_reach_typed_callbacks),
	KUNIT_CASE(open_refuses_another_devices_file),
	KUNIT_CASE(free_releases_once_and_unlinks),
	KUNIT_CASE(walk_sees_live_objects),
	KUNIT_CASE(internal_pages_are_zeroed_and_mapped),
	{}
};

static struct kunit_suite typed_gem_suite = {
	.name = "typed_gem",
	.init = tgt_init,
	.test_cases = typed_gem_cases,
};

kunit_test_suite(typed_gem_suite);
