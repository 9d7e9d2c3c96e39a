/* test_sioc_event.c -- owned copies of events and their accessors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "sioc_event.h"

static struct sioc_event
view(const char *data, const char *args, const char *arg0, int argc)
{
    struct sioc_event ev;

    memset(&ev, 0, sizeof ev);
    ev.kind = SIOC_EVENT;
    strcpy(ev.name, "n");
    ev.id = 3;
    ev.argc = argc;
    ev.data = (struct cmn_json_span){data, strlen(data)};
    ev.args = (struct cmn_json_span){args, strlen(args)};
    if (arg0 != NULL)
        ev.arg0 = (struct cmn_json_span){strstr(data, arg0), strlen(arg0)};
    return ev;
}

static void
test_copy_owns_its_bytes(void **state)
{
    char data[] = "[\"n\",{\"user\":\"Lisa\"},2]";
    char args[] = "[{\"user\":\"Lisa\"},2]";
    struct sioc_event v = view(data, args, "{\"user\":\"Lisa\"}", 2), c;
    char user[16];

    (void)state;
    assert_int_equal(sioc_event_copy(&c, &v), 0);
    memset(data, 'X', sizeof data - 1);     /* the original goes away */
    memset(args, 'X', sizeof args - 1);
    assert_non_null(c.mem);
    assert_string_equal(c.name, "n");
    assert_int_equal(c.id, 3);
    assert_memory_equal(c.data.p, "[\"n\",{\"user\":\"Lisa\"},2]", c.data.len);
    assert_memory_equal(c.args.p, "[{\"user\":\"Lisa\"},2]", c.args.len);
    assert_int_equal(c.arg0.len, strlen("{\"user\":\"Lisa\"}"));
    assert_memory_equal(c.arg0.p, "{\"user\":\"Lisa\"}", c.arg0.len);
    assert_int_equal(sioc_event_str(&c, "user", user, sizeof user), 4);
    assert_string_equal(user, "Lisa");
    assert_int_equal(sioc_event_str(&c, "none", user, sizeof user), -1);
    sioc_event_cleanup(&c);
    assert_null(c.mem);
    assert_int_equal(c.id, -1);
    sioc_event_cleanup(&c);                 /* twice is harmless */
    sioc_event_cleanup(NULL);
}

static void
test_copy_without_arguments(void **state)
{
    struct sioc_event v = view("[\"n\"]", "[]", NULL, 0), c;
    char s[4];

    (void)state;
    assert_int_equal(sioc_event_copy(&c, &v), 0);
    assert_null(c.arg0.p);
    assert_int_equal(c.argc, 0);
    assert_int_equal(sioc_event_str(&c, "a", s, sizeof s), -1);
    sioc_event_cleanup(&c);
}

static void
test_arg_walks_the_arguments(void **state)
{
    struct sioc_event v = view("[\"n\",1,\"two\",[3]]", "[1,\"two\",[3]]",
                               "1", 3);
    struct cmn_json_span a;

    (void)state;
    assert_int_equal(sioc_event_arg(&v, 0, &a), 1);
    assert_memory_equal(a.p, "1", a.len);
    assert_int_equal(sioc_event_arg(&v, 2, &a), 1);
    assert_int_equal(a.len, 3);
    assert_memory_equal(a.p, "[3]", 3);
    assert_int_equal(sioc_event_arg(&v, 3, &a), 0);
    assert_int_equal(sioc_event_arg(&v, -1, &a), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_owns_its_bytes),
        cmocka_unit_test(test_copy_without_arguments),
        cmocka_unit_test(test_arg_walks_the_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
