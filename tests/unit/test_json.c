#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "json.h"

static void
test_escaping(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_json_open(&b, NULL);
	pb_json_str(&b, "q", "say \"hi\"\\ now\n\t\x01");
	pb_json_str(&b, "nul", NULL);
	pb_json_close(&b);
	assert_string_equal(b.data, "{\"q\":\"say \\\"hi\\\"\\\\ now\\n\\t\\u0001\",\"nul\":null}");
	pb_buf_fini(&b);
}

static void
test_html(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_buf_html(&b, "re:Play <2026> & \"friends\" 'n' 사진");
	assert_string_equal(b.data,
			    "re:Play &lt;2026&gt; &amp; &quot;friends&quot; &#39;n&#39; 사진");
	pb_buf_fini(&b);
}

static void
test_nesting(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	pb_json_open(&b, NULL);
	pb_json_int(&b, "n", -42);
	pb_json_array(&b, "a");
	pb_json_str(&b, NULL, "x");
	pb_json_int(&b, NULL, 1);
	pb_json_close(&b);
	pb_json_open(&b, "o");
	pb_json_bool(&b, "t", 1);
	pb_json_bool(&b, "f", 0);
	pb_json_close(&b);
	pb_json_close(&b);
	assert_string_equal(b.data, "{\"n\":-42,\"a\":[\"x\",1],\"o\":{\"t\":true,\"f\":false}}");
	pb_buf_fini(&b);
}

static void
test_buffer_grows(void **state)
{
	struct pb_buf b;
	(void)state;
	pb_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		pb_buf_printf(&b, "%04d", i);
	assert_int_equal(b.len, 4000);
	assert_memory_equal(b.data + 3996, "0999", 4);
	pb_buf_printf(&b, "%s",
		      "a string longer than the two hundred and fifty six bytes of the "
		      "printf fast path, so that the slow path that allocates is taken "
		      "as well, and its output must still arrive in one piece at the end "
		      "of the buffer without being cut at any boundary whatsoever, ok?");
	assert_non_null(strstr(b.data, "whatsoever, ok?"));
	pb_buf_fini(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_buffer_grows),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
