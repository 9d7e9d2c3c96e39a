/* chat-inspect.c -- snapshots and text dumps of live widgets.
 *
 * The snapshot goes through gtk_widget_paintable_new() and the window's
 * own GskRenderer, so it shows exactly what GTK drew (verified under Xvfb
 * with the GL and cairo renderers). */
#define G_LOG_DOMAIN "chat-inspect"

#include "chat-inspect.h"

gboolean
chat_inspect_snapshot (GtkWidget   *widget,
                       const char  *path,
                       GError     **error)
{
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = NULL;
  GtkSnapshot *snapshot;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer;

  if (w <= 0 || h <= 0 || !gtk_widget_get_mapped (widget))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "widget is not on screen");
      return FALSE;
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "nothing drawn");
      return FALSE;
    }
  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot write %s", path);
      return FALSE;
    }
  return TRUE;
}

static const char *
chat_inspect_id (GtkWidget *w)
{
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));

  return id != NULL ? id : "";
}

static void
chat_inspect_append_classes (GString   *out,
                             GtkWidget *w)
{
  g_auto (GStrv) classes = gtk_widget_get_css_classes (w);

  for (guint i = 0; classes != NULL && classes[i] != NULL; i++)
    g_string_append_printf (out, " .%s", classes[i]);
}

/* The kind and text of w, or FALSE if it shows nothing by itself. */
static gboolean
chat_inspect_describe (GtkWidget   *w,
                       const char **kind,
                       gchar      **text)
{
  if (GTK_IS_WINDOW (w))
    {
      *kind = "window";
      *text = g_strdup (gtk_window_get_title (GTK_WINDOW (w)));
    }
  else if (GTK_IS_LABEL (w))
    {
      *kind = "label";
      *text = g_strdup (gtk_label_get_text (GTK_LABEL (w)));
    }
  else if (GTK_IS_BUTTON (w))
    {
      *kind = "button";
      *text = g_strdup (gtk_button_get_label (GTK_BUTTON (w)));
    }
  else if (GTK_IS_PASSWORD_ENTRY (w))
    {
      *kind = "password";
      *text = g_strdup (*gtk_editable_get_text (GTK_EDITABLE (w)) ? "***" : "");
    }
  else if (GTK_IS_ENTRY (w))
    {
      *kind = "entry";
      *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (w)));
    }
  else if (GTK_IS_LIST_BOX_ROW (w))
    {
      *kind = "row";
      *text = g_strdup (G_OBJECT_TYPE_NAME (w));
    }
  else
    return FALSE;
  return TRUE;
}

/* text with backslash, quote and newline escaped; UTF-8 kept as is */
static gchar *
chat_inspect_quote (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (s, '\\');
      if (*p == '\n')
        g_string_append (s, "\\n");
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static void
chat_inspect_walk (GtkWidget *w,
                   guint      depth,
                   GString   *out)
{
  const char *kind;
  g_autofree gchar *text = NULL;
  gboolean shown;

  if (!gtk_widget_get_mapped (w))
    return;
  /* entries have internal children (GtkText) with the same text */
  shown = chat_inspect_describe (w, &kind, &text);
  if (shown)
    {
      g_autofree gchar *escaped = chat_inspect_quote (text);

      g_string_append_printf (out, "%*s%s%s%s \"%s\"", (int) depth * 2, "",
                              kind, *chat_inspect_id (w) ? "#" : "",
                              chat_inspect_id (w), escaped);
      if (!gtk_widget_is_sensitive (w))
        g_string_append (out, " [insensitive]");
      chat_inspect_append_classes (out, w);
      g_string_append_c (out, '\n');
      if (GTK_IS_ENTRY (w) || GTK_IS_PASSWORD_ENTRY (w))
        return;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    chat_inspect_walk (c, depth + (shown ? 1 : 0), out);
}

gchar *
chat_inspect_dump (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  chat_inspect_walk (root, 0, out);
  return g_string_free (out, FALSE);
}

GtkWidget *
chat_inspect_find (GtkWidget  *root,
                   const char *id)
{
  if (g_strcmp0 (chat_inspect_id (root), id) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = chat_inspect_find (c, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}
