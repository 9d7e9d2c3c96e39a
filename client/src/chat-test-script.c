/* chat-test-script.c -- parses and runs the test hook's script.
 *
 * A 50 ms timer runs the current step; a step returns DONE, WAIT or FAIL.
 * Every step and failure is reported on stdout ("test-script: ok ...",
 * "test-script: FAILED ..."), with the main window's text dump on a
 * failure, so the driving shell script can follow and explain. */
#define G_LOG_DOMAIN "chat-test-script"

#include "chat-test-script.h"
#include "chat-contact-row.h"
#include "chat-conversation-window.h"
#include "chat-inspect.h"
#include "chat-line-row.h"
#include "chat-login-dialog.h"
#include "chat-window.h"

#include <stdio.h>
#include <string.h>

typedef enum { STEP_DONE, STEP_WAIT, STEP_FAIL } StepResult;

typedef struct
{
  guint   lineno;
  gchar  *line;
  gchar  *cmd;
  gchar **args;    /* fixed arguments, then the rest of the line */
} Step;

struct _ChatTestScript
{
  GPtrArray          *steps;
  guint               current;
  guint               phase;     /* progress inside a multi-part step */
  gint64              started_us;
  gint64              timeout_us;
  guint               timer;
  GtkApplication     *app;
  ChatSession        *session;
  ChatTestScriptDone  done;
  gpointer            done_data;
  gchar              *failure;
};

/* command -> number of one-word arguments, and whether the rest of the
 * line (spaces included) is one more argument */
static const struct { const char *name; int fixed; gboolean rest; } commands[] = {
  { "timeout", 1, FALSE }, { "login", 2, FALSE },
  { "wait-login-message", 0, TRUE }, { "wait-no-login-dialog", 0, FALSE },
  { "connect", 0, FALSE }, { "disconnect", 0, FALSE },
  { "wait-status", 0, TRUE }, { "wait-title", 0, TRUE },
  { "wait-notice", 0, TRUE }, { "wait-contact", 2, FALSE },
  { "wait-contacts", 1, FALSE }, { "chat-with", 1, FALSE },
  { "activate-contact", 1, FALSE },
  { "wait-line", 1, TRUE }, { "wait-line-state", 2, TRUE },
  { "send", 1, TRUE }, { "expect", 1, TRUE }, { "expect-not", 1, TRUE },
  { "snapshot", 2, FALSE }, { "dump", 2, FALSE }, { "print", 0, TRUE },
  { "wait-file", 1, FALSE }, { "sleep", 1, FALSE }, { "quit", 0, FALSE },
};

static void
step_free (gpointer data)
{
  Step *s = data;

  g_free (s->line);
  g_free (s->cmd);
  g_strfreev (s->args);
  g_free (s);
}

/* Splits "cmd a b rest of line" per the command table. */
static Step *
step_parse (guint        lineno,
            const char  *line,
            GError     **error)
{
  g_autofree gchar *copy = g_strstrip (g_strdup (line));
  gchar **words = g_strsplit_set (copy, " \t", 2);
  Step *s = g_new0 (Step, 1);
  GPtrArray *args = g_ptr_array_new ();
  const char *rest = words[1] != NULL ? g_strchug (words[1]) : "";
  guint i;

  s->lineno = lineno;
  s->line = g_strdup (copy);
  s->cmd = g_strdup (words[0]);
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, s->cmd) == 0)
      break;
  if (i == G_N_ELEMENTS (commands))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "line %u: unknown command \"%s\"", lineno, s->cmd);
      goto fail;
    }
  for (int n = 0; n < commands[i].fixed; n++)
    {
      g_auto (GStrv) two = g_strsplit_set (rest, " \t", 2);

      if (two[0] == NULL || *two[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: %s needs %d arguments", lineno, s->cmd,
                       commands[i].fixed);
          goto fail;
        }
      g_ptr_array_add (args, g_strdup (two[0]));
      rest = rest + strlen (two[0]);
      while (*rest == ' ' || *rest == '\t')
        rest++;
    }
  if (commands[i].rest)
    g_ptr_array_add (args, g_strdup (rest));
  g_ptr_array_add (args, NULL);
  s->args = (gchar **) g_ptr_array_free (args, FALSE);
  g_strfreev (words);
  return s;

fail:
  g_ptr_array_free (args, TRUE);
  g_strfreev (words);
  step_free (s);
  return NULL;
}

ChatTestScript *
chat_test_script_load (const char  *path,
                       GError     **error)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  ChatTestScript *script;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  script = g_new0 (ChatTestScript, 1);
  script->steps = g_ptr_array_new_with_free_func (step_free);
  script->timeout_us = 20 * G_USEC_PER_SEC;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = g_strchug (lines[i]);
      Step *s;

      if (*l == '\0' || *l == '#')
        continue;
      if ((s = step_parse (i + 1, l, error)) == NULL)
        {
          chat_test_script_free (script);
          return NULL;
        }
      g_ptr_array_add (script->steps, s);
    }
  return script;
}

/* ---- finding things on screen -------------------------------------------- */

static GtkWidget *
find_toplevel (ChatTestScript *script,
               GType           type,
               const char     *peer)
{
  GListModel *tops = gtk_window_get_toplevels ();

  (void) script;
  for (guint i = 0; i < g_list_model_get_n_items (tops); i++)
    {
      g_autoptr (GtkWidget) w = g_list_model_get_item (tops, i);

      if (!G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        continue;
      if (peer != NULL &&
          g_strcmp0 (chat_conversation_window_get_peer (CHAT_CONVERSATION_WINDOW (w)),
                     peer) != 0)
        continue;
      /* the toplevels list holds it */
      return w;
    }
  return NULL;
}

static GtkWidget *
find_window (ChatTestScript *script,
             const char     *name)
{
  if (g_strcmp0 (name, "main") == 0)
    return find_toplevel (script, CHAT_TYPE_WINDOW, NULL);
  if (g_strcmp0 (name, "login") == 0)
    return find_toplevel (script, CHAT_TYPE_LOGIN_DIALOG, NULL);
  return find_toplevel (script, CHAT_TYPE_CONVERSATION_WINDOW, name);
}

static const char *
label_text (GtkWidget  *root,
            const char *id)
{
  GtkWidget *w = root != NULL ? chat_inspect_find (root, id) : NULL;

  if (w == NULL || !GTK_IS_LABEL (w) || !gtk_widget_get_mapped (w))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (w));
}

/* The contact row showing name, or NULL. */
static GtkWidget *
find_contact_row (GtkWidget  *main_window,
                  const char *name)
{
  GtkWidget *list = chat_inspect_find (main_window, "contacts");

  for (GtkWidget *c = list != NULL ? gtk_widget_get_first_child (list) : NULL;
       c != NULL; c = gtk_widget_get_next_sibling (c))
    if (CHAT_IS_CONTACT_ROW (c) && g_strcmp0 (label_text (c, "name"), name) == 0)
      return c;
  return NULL;
}

/* The newest line row of peer's conversation whose text contains text. */
static GtkWidget *
find_line_row (ChatTestScript *script,
               const char     *peer,
               const char     *text)
{
  GtkWidget *win = find_window (script, peer);
  GtkWidget *list = win != NULL ? chat_inspect_find (win, "lines") : NULL;
  GtkWidget *found = NULL;

  for (GtkWidget *c = list != NULL ? gtk_widget_get_first_child (list) : NULL;
       c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      const char *content = CHAT_IS_LINE_ROW (c) ? label_text (c, "content") : NULL;

      if (content != NULL && strstr (content, text) != NULL)
        found = c;
    }
  return found;
}

/* ---- steps ---------------------------------------------------------------- */

static StepResult
fail (ChatTestScript *script,
      const char     *format,
      ...) G_GNUC_PRINTF (2, 3);

static StepResult
fail (ChatTestScript *script,
      const char     *format,
      ...)
{
  va_list ap;

  va_start (ap, format);
  g_free (script->failure);
  script->failure = g_strdup_vprintf (format, ap);
  va_end (ap);
  return STEP_FAIL;
}

static StepResult
activate (ChatTestScript *script,
          const char     *action)
{
  GtkWidget *main_window = find_window (script, "main");
  GAction *a = main_window != NULL ?
    g_action_map_lookup_action (G_ACTION_MAP (main_window), action) : NULL;

  if (a == NULL || !g_action_get_enabled (a))
    return fail (script, "action win.%s is not enabled", action);
  g_action_activate (a, NULL);
  return STEP_DONE;
}

static StepResult
step_login (ChatTestScript *script,
            Step           *s)
{
  GtkWidget *dialog = find_window (script, "login");
  GtkWidget *user, *pw;

  if (script->phase == 0)
    {
      if (dialog == NULL && activate (script, "login") == STEP_FAIL)
        return STEP_FAIL;
      script->phase = 1;
      return STEP_WAIT;
    }
  if (dialog == NULL || !gtk_widget_get_mapped (dialog))
    return STEP_WAIT;
  user = chat_inspect_find (dialog, "username");
  pw = chat_inspect_find (dialog, "password");
  gtk_editable_set_text (GTK_EDITABLE (user), s->args[0]);
  gtk_editable_set_text (GTK_EDITABLE (pw), s->args[1]);
  gtk_widget_activate_action (dialog, "login.submit", NULL);
  return STEP_DONE;
}

static StepResult
step_chat_with (ChatTestScript *script,
                Step           *s)
{
  GtkWidget *main_window = find_window (script, "main");
  GtkWidget *row;

  if (script->phase == 1)
    return find_window (script, s->args[0]) != NULL ? STEP_DONE : STEP_WAIT;
  row = main_window != NULL ? find_contact_row (main_window, s->args[0]) : NULL;
  if (row == NULL)
    return STEP_WAIT;
  gtk_list_box_select_row (GTK_LIST_BOX (gtk_widget_get_parent (row)),
                           GTK_LIST_BOX_ROW (row));
  if (activate (script, "chat-with") == STEP_FAIL)
    return STEP_FAIL;
  script->phase = 1;
  return STEP_WAIT;
}

/* A double click: the row is activated (the list box does not activate on
 * a single click), which opens its conversation. */
static StepResult
step_activate_contact (ChatTestScript *script,
                       Step           *s)
{
  GtkWidget *main_window = find_window (script, "main");
  GtkWidget *row;

  if (script->phase == 1)
    return find_window (script, s->args[0]) != NULL ? STEP_DONE : STEP_WAIT;
  row = main_window != NULL ? find_contact_row (main_window, s->args[0]) : NULL;
  if (row == NULL)
    return STEP_WAIT;
  gtk_widget_activate (row);
  script->phase = 1;
  return STEP_WAIT;
}

static StepResult
step_send (ChatTestScript *script,
           Step           *s)
{
  GtkWidget *win = find_window (script, s->args[0]);
  GtkWidget *entry = win != NULL ? chat_inspect_find (win, "entry") : NULL;

  if (entry == NULL)
    return STEP_WAIT;
  if (!gtk_widget_is_sensitive (entry))
    return fail (script, "sending is blocked in %s's conversation", s->args[0]);
  gtk_editable_set_text (GTK_EDITABLE (entry), s->args[1]);
  g_signal_emit_by_name (entry, "activate");
  return STEP_DONE;
}

static StepResult
step_contact (ChatTestScript *script,
              Step           *s)
{
  GtkWidget *main_window = find_window (script, "main");
  GtkWidget *row = main_window != NULL ? find_contact_row (main_window, s->args[0]) : NULL;
  const char *presence = row != NULL ? label_text (row, "presence") : NULL;

  return presence != NULL && strstr (presence, s->args[1]) != NULL ?
         STEP_DONE : STEP_WAIT;
}

static StepResult
step_contacts (ChatTestScript *script,
               Step           *s)
{
  GtkWidget *main_window = find_window (script, "main");
  GtkWidget *list = main_window != NULL ? chat_inspect_find (main_window, "contacts") : NULL;
  guint n = 0;

  for (GtkWidget *c = list != NULL ? gtk_widget_get_first_child (list) : NULL;
       c != NULL; c = gtk_widget_get_next_sibling (c))
    n += CHAT_IS_CONTACT_ROW (c) && gtk_widget_get_mapped (c);
  return n == (guint) g_ascii_strtoull (s->args[0], NULL, 10) ? STEP_DONE : STEP_WAIT;
}

static StepResult
step_expect (ChatTestScript *script,
             Step           *s,
             gboolean        present)
{
  GtkWidget *win = find_window (script, s->args[0]);
  g_autofree gchar *dump = win != NULL ? chat_inspect_dump (win) : NULL;

  if (dump == NULL)
    return STEP_WAIT;
  return (strstr (dump, s->args[1]) != NULL) == present ? STEP_DONE : STEP_WAIT;
}

/* "main", "Avi" or "main#contacts": a window or a widget in it */
static GtkWidget *
find_target (ChatTestScript *script,
             const char     *spec)
{
  g_auto (GStrv) parts = g_strsplit (spec, "#", 2);
  GtkWidget *win = find_window (script, parts[0]);

  if (win == NULL || parts[1] == NULL)
    return win;
  return chat_inspect_find (win, parts[1]);
}

static StepResult
step_output (ChatTestScript *script,
             Step           *s)
{
  GtkWidget *win = find_target (script, s->args[0]);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dump = NULL;

  if (win == NULL || !gtk_widget_get_mapped (win))
    return STEP_WAIT;
  /* let pending layout and drawing happen first */
  if (script->phase++ < 3)
    return STEP_WAIT;
  if (g_str_equal (s->cmd, "dump"))
    {
      dump = chat_inspect_dump (win);
      if (!g_file_set_contents (s->args[1], dump, -1, &error))
        return fail (script, "%s", error->message);
    }
  else if (!chat_inspect_snapshot (win, s->args[1], &error))
    return fail (script, "%s", error->message);
  return STEP_DONE;
}

static StepResult
step_wait_text (const char *have,
                const char *want,
                gboolean    exact)
{
  if (have == NULL)
    return STEP_WAIT;
  if (exact)
    return g_strcmp0 (have, want) == 0 ? STEP_DONE : STEP_WAIT;
  return strstr (have, want) != NULL ? STEP_DONE : STEP_WAIT;
}

static StepResult
step_run (ChatTestScript *script,
          Step           *s)
{
  const char *c = s->cmd;
  GtkWidget *main_window = find_window (script, "main");
  GtkWidget *row;

  if (g_str_equal (c, "timeout"))
    script->timeout_us = g_ascii_strtoll (s->args[0], NULL, 10) * G_USEC_PER_SEC;
  else if (g_str_equal (c, "login"))
    return step_login (script, s);
  else if (g_str_equal (c, "wait-login-message"))
    return step_wait_text (label_text (find_window (script, "login"), "message"),
                           s->args[0], FALSE);
  else if (g_str_equal (c, "wait-no-login-dialog"))
    return find_window (script, "login") == NULL ? STEP_DONE : STEP_WAIT;
  else if (g_str_equal (c, "connect") || g_str_equal (c, "disconnect"))
    return activate (script, c);
  else if (g_str_equal (c, "wait-status"))
    return step_wait_text (label_text (main_window, "status"), s->args[0], TRUE);
  else if (g_str_equal (c, "wait-title"))
    return step_wait_text (main_window != NULL ?
                           gtk_window_get_title (GTK_WINDOW (main_window)) : NULL,
                           s->args[0], TRUE);
  else if (g_str_equal (c, "wait-notice"))
    return step_wait_text (label_text (main_window, "notice"), s->args[0], FALSE);
  else if (g_str_equal (c, "wait-contact"))
    return step_contact (script, s);
  else if (g_str_equal (c, "wait-contacts"))
    return step_contacts (script, s);
  else if (g_str_equal (c, "chat-with"))
    return step_chat_with (script, s);
  else if (g_str_equal (c, "activate-contact"))
    return step_activate_contact (script, s);
  else if (g_str_equal (c, "wait-line"))
    return find_line_row (script, s->args[0], s->args[1]) ? STEP_DONE : STEP_WAIT;
  else if (g_str_equal (c, "wait-line-state"))
    {
      row = find_line_row (script, s->args[0], s->args[2]);
      return step_wait_text (row != NULL ? label_text (row, "state") : NULL,
                             s->args[1], FALSE);
    }
  else if (g_str_equal (c, "send"))
    return step_send (script, s);
  else if (g_str_equal (c, "expect") || g_str_equal (c, "expect-not"))
    return step_expect (script, s, g_str_equal (c, "expect"));
  else if (g_str_equal (c, "snapshot") || g_str_equal (c, "dump"))
    return step_output (script, s);
  else if (g_str_equal (c, "print"))
    {
      fprintf (stdout, "test-script: %s\n", s->args[0]);
      fflush (stdout);
    }
  else if (g_str_equal (c, "wait-file"))
    return g_file_test (s->args[0], G_FILE_TEST_EXISTS) ? STEP_DONE : STEP_WAIT;
  else if (g_str_equal (c, "sleep"))
    return g_get_monotonic_time () - script->started_us >=
           g_ascii_strtoll (s->args[0], NULL, 10) * 1000 ? STEP_DONE : STEP_WAIT;
  return STEP_DONE;
}

static void
chat_test_script_finish (ChatTestScript *script,
                         int             code)
{
  /* called from on_tick_cb, which removes its source by returning */
  script->timer = 0;
  fprintf (stdout, "test-script: %s\n", code == 0 ? "PASSED" : "FAILED");
  fflush (stdout);
  script->done (code, script->done_data);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  ChatTestScript *script = user_data;
  Step *s;
  StepResult r;
  GtkWidget *main_window;
  g_autofree gchar *dump = NULL;

  if (script->current >= script->steps->len)
    {
      chat_test_script_finish (script, 0);
      return G_SOURCE_REMOVE;
    }
  s = script->steps->pdata[script->current];
  if (script->started_us == 0)
    script->started_us = g_get_monotonic_time ();
  if (g_str_equal (s->cmd, "quit"))
    {
      fprintf (stdout, "test-script: ok %u: quit\n", s->lineno);
      chat_test_script_finish (script, 0);
      return G_SOURCE_REMOVE;
    }

  r = step_run (script, s);
  if (r == STEP_WAIT &&
      g_get_monotonic_time () - script->started_us > script->timeout_us)
    r = fail (script, "timed out after %" G_GINT64_FORMAT " s",
              script->timeout_us / G_USEC_PER_SEC);
  if (r == STEP_WAIT)
    return G_SOURCE_CONTINUE;
  if (r == STEP_FAIL)
    {
      main_window = find_window (script, "main");
      dump = main_window != NULL ? chat_inspect_dump (main_window) : g_strdup ("");
      fprintf (stdout, "test-script: FAILED at line %u: %s: %s\nmain window:\n%s",
               s->lineno, s->line, script->failure, dump);
      chat_test_script_finish (script, 1);
      return G_SOURCE_REMOVE;
    }
  fprintf (stdout, "test-script: ok %u: %s\n", s->lineno, s->line);
  fflush (stdout);
  script->current++;
  script->phase = 0;
  script->started_us = 0;
  return G_SOURCE_CONTINUE;
}

void
chat_test_script_start (ChatTestScript     *script,
                        GtkApplication     *app,
                        ChatSession        *session,
                        ChatTestScriptDone  done,
                        gpointer            user_data)
{
  script->app = app;
  script->session = session;
  script->done = done;
  script->done_data = user_data;
  script->timer = g_timeout_add (50, on_tick_cb, script);
}

void
chat_test_script_free (ChatTestScript *script)
{
  if (script == NULL)
    return;
  g_clear_handle_id (&script->timer, g_source_remove);
  g_clear_pointer (&script->steps, g_ptr_array_unref);
  g_clear_pointer (&script->failure, g_free);
  g_free (script);
}
