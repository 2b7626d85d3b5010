/* The libgphoto2 backend's own logic: every GP_ERROR_* code to our status (a failed autofocus
 * told apart from other errors by the library's words), USB port names to device files (bad
 * ones tried: no bus, letters, trailing text, huge numbers), and naming the program that holds
 * a device (another process holding it, nobody holding it, a path that does not exist). The
 * backend against a camera is tested end to end with libgphoto2's virtual camera. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <gphoto2/gphoto2.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "camera_gphoto2.h"
#include "helpers.h"

static void
test_error_translation(void **state)
{
	static const struct {
		int rc;
		const char *msg;
		enum pb_status want;
	} table[] = {
		{ GP_OK, NULL, PB_OK },
		{ 5, NULL, PB_OK }, /* counts are results too */
		{ GP_ERROR_CAMERA_BUSY, NULL, PB_ERR_BUSY },
		{ GP_ERROR_IO_USB_CLAIM, NULL, PB_ERR_BUSY },
		{ GP_ERROR_IO_LOCK, NULL, PB_ERR_BUSY },
		{ GP_ERROR_TIMEOUT, NULL, PB_ERR_TIMEOUT },
		{ GP_ERROR_IO_USB_FIND, NULL, PB_ERR_NODEV },
		{ GP_ERROR_MODEL_NOT_FOUND, NULL, PB_ERR_NODEV },
		{ GP_ERROR_IO, NULL, PB_ERR_NODEV },
		{ GP_ERROR_IO_READ, NULL, PB_ERR_NODEV },
		{ GP_ERROR_IO_WRITE, NULL, PB_ERR_NODEV },
		{ GP_ERROR_IO_INIT, NULL, PB_ERR_NODEV },
		{ GP_ERROR_IO_UPDATE, NULL, PB_ERR_NODEV },
		{ GP_ERROR_IO_USB_CLEAR_HALT, NULL, PB_ERR_NODEV },
		{ GP_ERROR_NO_SPACE, NULL, PB_ERR_MEDIA },
		{ GP_ERROR_NO_MEMORY, NULL, PB_ERR_NOMEM },
		{ GP_ERROR_NOT_SUPPORTED, NULL, PB_ERR_CONFIG },
		{ GP_ERROR_BAD_PARAMETERS, NULL, PB_ERR_CONFIG },
		{ GP_ERROR_UNKNOWN_PORT, NULL, PB_ERR_CONFIG },
		{ GP_ERROR_LIBRARY, NULL, PB_ERR_CONFIG },
		{ GP_ERROR_CORRUPTED_DATA, NULL, PB_ERR_INPUT },
		{ GP_ERROR, NULL, PB_ERR_IO },
		{ GP_ERROR, "", PB_ERR_IO },
		{ GP_ERROR, "Canon EOS Capture failed to release: Perhaps no focus?", PB_ERR_BUSY },
		{ GP_ERROR_CAMERA_ERROR, "Nikon autofocus failed", PB_ERR_BUSY },
		{ GP_ERROR_CAMERA_ERROR, "OUT OF FOCUS", PB_ERR_BUSY },
		{ GP_ERROR_CAMERA_ERROR, "PTP Store Full", PB_ERR_IO },
		{ GP_ERROR_FILE_NOT_FOUND, NULL, PB_ERR_IO },
		{ GP_ERROR_OS_FAILURE, NULL, PB_ERR_IO },
		{ -9999, NULL, PB_ERR_IO }, /* a code from a newer libgphoto2 */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(*table); i++) {
		enum pb_status got = pb_gphoto2_status(table[i].rc, table[i].msg);
		if (got != table[i].want)
			fail_msg("%d (%s) \"%s\": got %s, want %s", table[i].rc,
				 gp_result_as_string(table[i].rc), table[i].msg ? table[i].msg : "",
				 pb_status_str(got), pb_status_str(table[i].want));
	}
}

static void
test_usb_device(void **state)
{
	char path[64];
	(void)state;
	assert_int_equal(pb_gphoto2_usb_device("usb:001,004", path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/bus/usb/001/004");
	assert_int_equal(pb_gphoto2_usb_device("usb:3,117", path, sizeof(path)), 0);
	assert_string_equal(path, "/dev/bus/usb/003/117");
	assert_int_equal(pb_gphoto2_usb_device("usb:", path, sizeof(path)), -1);
	assert_int_equal(pb_gphoto2_usb_device("usb:>rec", path, sizeof(path)), -1);
	assert_int_equal(pb_gphoto2_usb_device("usb:001,004x", path, sizeof(path)), -1);
	assert_int_equal(pb_gphoto2_usb_device("usb:1,99999", path, sizeof(path)), -1);
	assert_int_equal(pb_gphoto2_usb_device("ptpip:10.0.0.2", path, sizeof(path)), -1);
	assert_int_equal(pb_gphoto2_usb_device(NULL, path, sizeof(path)), -1);
}

static void
test_device_holder(void **state)
{
	char *dir = make_tmpdir(), path[4200], who[128] = "", want[64];
	int ready[2];
	pid_t child;
	(void)state;
	snprintf(path, sizeof(path), "%s/device", dir);
	write_text(path, "");
	/* nobody has it open */
	assert_int_equal(pb_device_holder(path, who, sizeof(who)), 0);
	/* our own descriptors do not count: only another program can hold the camera */
	int mine = open(path, O_RDWR);
	assert_true(mine >= 0);
	assert_int_equal(pb_device_holder(path, who, sizeof(who)), 0);
	close(mine);
	/* another process holds it */
	assert_int_equal(pipe(ready), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int fd = open(path, O_RDWR);
		char c = fd >= 0 ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c = 0;
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	int found = pb_device_holder(path, who, sizeof(who));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(ready[0]);
	close(ready[1]);
	assert_int_equal(found, 1);
	/* The child's name is ours: test_gphoto2, or qemu-aarch64 when the arm64 build runs
	 * under qemu-user (make cross-arm64). */
	char me[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(me, sizeof(me), f));
	fclose(f);
	me[strcspn(me, "\n")] = '\0';
	assert_true(me[0] != '\0');
	snprintf(want, sizeof(want), "%s (pid %d)", me, (int)child);
	if (!strstr(who, want))
		fail_msg("holder \"%s\" should name %s", who, want);
	/* a device that is not there */
	assert_int_equal(pb_device_holder("/dev/bus/usb/999/999", who, sizeof(who)), 0);
	rm_tree(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_translation),
		cmocka_unit_test(test_usb_device),
		cmocka_unit_test(test_device_holder),
	};
	return cmocka_run_group_tests_name("gphoto2", tests, NULL, NULL);
}
