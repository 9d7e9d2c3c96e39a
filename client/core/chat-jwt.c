/* chat-jwt.c -- decode the payload segment of a JWT for its "exp" claim.
 *
 * base64url (no padding) is mapped to standard base64 for g_base64_decode;
 * a token that is not three dot-separated parts, or whose payload is not a
 * JSON object with an integer exp, has no known expiry. */
#define G_LOG_DOMAIN "chat-jwt"

#include "chat-jwt.h"

#include <jansson.h>
#include <string.h>

static guchar *
chat_jwt_b64url_decode (const char *s,
                        gsize       len,
                        gsize      *out_len)
{
  GString *std = g_string_sized_new (len + 4);
  guchar *out;

  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=')
        {
          g_string_free (std, TRUE);
          return NULL;
        }
      g_string_append_c (std, c);
    }
  while (std->len % 4 != 0)
    g_string_append_c (std, '=');
  out = g_base64_decode (std->str, out_len);
  g_string_free (std, TRUE);
  return out;
}

gint64
chat_jwt_expiry (const char *token)
{
  const char *dot1, *dot2;
  guchar *payload;
  gsize len = 0;
  json_t *obj, *exp;
  gint64 result = 0;

  if (token == NULL)
    return 0;
  dot1 = strchr (token, '.');
  dot2 = dot1 != NULL ? strchr (dot1 + 1, '.') : NULL;
  if (dot2 == NULL || dot2 == dot1 + 1)
    return 0;

  payload = chat_jwt_b64url_decode (dot1 + 1, (gsize) (dot2 - dot1 - 1), &len);
  if (payload == NULL)
    return 0;
  obj = json_loadb ((const char *) payload, len, 0, NULL);
  g_free (payload);

  exp = json_object_get (obj, "exp");
  if (json_is_integer (exp) && json_integer_value (exp) > 0)
    result = json_integer_value (exp);
  else if (json_is_real (exp) && json_real_value (exp) > 0)
    result = (gint64) json_real_value (exp);
  if (obj != NULL)
    json_decref (obj);
  return result;
}

gboolean
chat_jwt_usable_at (const char *token,
                    gint64      now_s)
{
  gint64 exp;

  if (token == NULL || *token == '\0')
    return FALSE;
  exp = chat_jwt_expiry (token);
  return exp == 0 || now_s < exp;
}
