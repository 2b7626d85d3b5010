/* A TurboJPEG handle shared by the tests of one file: cmocka group setup and teardown. */
#ifndef PB_TEST_JPEG_FIXTURE_H
#define PB_TEST_JPEG_FIXTURE_H

#include "jpeg.h"

static struct pb_jpeg *j;

static int
setup(void **state)
{
	(void)state;
	j = pb_jpeg_create();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pb_jpeg_destroy(j);
	return 0;
}

#endif
