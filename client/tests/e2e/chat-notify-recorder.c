/* chat-notify-recorder.c -- a stand-in desktop notification server for the
 * client's end-to-end test.
 *
 * Owns org.freedesktop.Notifications on the session bus (the private bus
 * run.sh starts) and appends "summary<TAB>body" for every Notify call to
 * the file named on the command line, so the test can check that the app
 * notified about a message while none of its windows had the focus. Prints
 * "ready" once the name is owned; stops on SIGTERM/SIGINT. */
#define G_LOG_DOMAIN "chat-notify-recorder"

#include <gio/gio.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

static const char introspection[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  " <method name='Notify'>"
  "  <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "  <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "  <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "  <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "  <arg type='u' direction='out'/>"
  " </method>"
  " <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  " <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  " <method name='GetServerInformation'>"
  "  <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "  <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  " </method>"
  " <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  " <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "</interface></node>";

static FILE *record;
static guint32 next_id = 1;

static void
on_method_call_cb (GDBusConnection       *conn,
                   const char            *sender,
                   const char            *path,
                   const char            *iface,
                   const char            *method,
                   GVariant              *params,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  const char *summary = NULL, *body = NULL;
  const char *caps[] = { "body", "actions", NULL };

  (void) conn; (void) sender; (void) path; (void) iface; (void) user_data;
  if (g_strcmp0 (method, "Notify") == 0)
    {
      g_variant_get_child (params, 3, "&s", &summary);
      g_variant_get_child (params, 4, "&s", &body);
      fprintf (record, "%s\t%s\n", summary, body);
      fflush (record);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", next_id++));
    }
  else if (g_strcmp0 (method, "GetCapabilities") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(^as)", caps));
  else if (g_strcmp0 (method, "GetServerInformation") == 0)
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "recorder",
                                                          "ISeeCubes", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable vtable = { on_method_call_cb, NULL, NULL, { 0 } };

static void
on_bus_cb (GDBusConnection *conn,
           const char      *name,
           gpointer         user_data)
{
  GDBusNodeInfo *info = user_data;

  (void) name;
  g_dbus_connection_register_object (conn, "/org/freedesktop/Notifications",
                                     info->interfaces[0], &vtable,
                                     NULL, NULL, NULL);
}

static void
on_name_cb (GDBusConnection *conn,
            const char      *name,
            gpointer         user_data)
{
  (void) conn; (void) name; (void) user_data;
  printf ("ready\n");
  fflush (stdout);
}

static void
on_name_lost_cb (GDBusConnection *conn,
                 const char      *name,
                 gpointer         user_data)
{
  (void) conn; (void) user_data;
  g_printerr ("chat-notify-recorder: cannot own %s\n", name);
  exit (1);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  GMainLoop *loop;
  GDBusNodeInfo *info;
  guint owner;

  if (argc != 2 || (record = fopen (argv[1], "a")) == NULL)
    {
      g_printerr ("usage: chat-notify-recorder FILE\n");
      return 2;
    }
  loop = g_main_loop_new (NULL, FALSE);
  info = g_dbus_node_info_new_for_xml (introspection, NULL);
  owner = g_bus_own_name (G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
                          G_BUS_NAME_OWNER_FLAGS_NONE, on_bus_cb, on_name_cb,
                          on_name_lost_cb, info, NULL);
  g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_unix_signal_add (SIGINT, on_signal_cb, loop);
  g_main_loop_run (loop);
  g_bus_unown_name (owner);
  g_dbus_node_info_unref (info);
  g_main_loop_unref (loop);
  fclose (record);
  return 0;
}
