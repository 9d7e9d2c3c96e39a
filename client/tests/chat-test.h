/* chat-test.h -- what every client unit test includes: cmocka in the order
 * it needs, GLib, and a helper to build JSON from text. Header only. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glib.h>
#include <jansson.h>
#include <string.h>

/* Parses text (must be valid JSON); caller json_decref()s. */
static inline json_t *
chat_test_json (const char *text)
{
  json_t *v = json_loads (text, JSON_DECODE_ANY, NULL);

  assert_non_null (v);
  return v;
}
