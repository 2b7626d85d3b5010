#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <sys/stat.h>

#include "file.h"
#include "helpers.h"

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void
test_atomic_write_and_read(void **state)
{
	char *dir = make_tmpdir(), path[4200];
	unsigned char *data;
	size_t len;
	struct stat st;
	(void)state;

	snprintf(path, sizeof(path), "%s/a.json", dir);
	assert_int_equal(pb_file_write_atomic(path, "first", 5, 0640), PB_OK);
	assert_int_equal(pb_file_write_atomic(path, "second!", 7, 0640), PB_OK);
	assert_int_equal(pb_file_read(path, 100, &data, &len), PB_OK);
	assert_int_equal(len, 7);
	assert_string_equal((char *)data, "second!");
	free(data);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	/* no temporary file is left behind */
	assert_int_equal(count_entries(dir), 1);

	/* the size limit holds */
	assert_int_equal(pb_file_read(path, 3, &data, &len), PB_ERR_INPUT);
	assert_null(data);
	rm_tree(dir);
	free(dir);
}

static void
test_errors(void **state)
{
	unsigned char *data;
	size_t len;
	(void)state;
	assert_int_equal(pb_file_write_atomic("/nonexistent/dir/x", "x", 1, 0644), PB_ERR_IO);
	assert_int_equal(pb_file_read("/nonexistent/file", 10, &data, &len), PB_ERR_INPUT);
	assert_int_equal(pb_file_read("/", 10, &data, &len), PB_ERR_INPUT); /* a directory */
}

static void
test_mkdirs_and_remove(void **state)
{
	char *dir = make_tmpdir(), deep[4200], file[4300];
	struct stat st;
	(void)state;
	snprintf(deep, sizeof(deep), "%s/a/b/c", dir);
	assert_int_equal(pb_file_mkdirs(deep, 0750), PB_OK);
	assert_int_equal(pb_file_mkdirs(deep, 0750), PB_OK); /* already there: fine */
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	snprintf(file, sizeof(file), "%s/x.jpg", deep);
	assert_int_equal(pb_file_write_atomic(file, "x", 1, 0644), PB_OK);
	assert_int_equal(pb_file_remove_dir(deep), PB_OK);
	assert_int_equal(stat(deep, &st), -1);
	assert_int_equal(pb_file_remove_dir(deep), PB_OK); /* gone already: fine */
	rm_tree(dir);
	free(dir);
}

/* A secret's file: its first line; an empty first line and a missing file each said apart. */
static void
test_read_secret(void **state)
{
	(void)state;
	char *dir = make_tmpdir(), path[600], *secret = (char *)1;
	snprintf(path, sizeof(path), "%s/key", dir);
	write_text(path, "s3cret\r\nsecond line\n");
	assert_int_equal(pb_file_read_secret(path, &secret), PB_OK);
	assert_string_equal(secret, "s3cret");
	free(secret);
	write_text(path, "\nkey on the second line\n");
	assert_int_equal(pb_file_read_secret(path, &secret), PB_ERR_INPUT);
	assert_null(secret);
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(pb_file_read_secret(path, &secret), PB_ERR_IO);
	assert_null(secret);
	rm_tree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atomic_write_and_read),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mkdirs_and_remove),
		cmocka_unit_test(test_read_secret),
	};
	return cmocka_run_group_tests_name("file", tests, NULL, NULL);
}
