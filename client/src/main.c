/* main.c -- iseecubes-client, the GTK4 desktop client of I See Cubes.
 *
 * Wiring only: ChatApplication (chat-application.c) reads the options and
 * settings, owns the ChatSession (client/core) and the windows. */
#define G_LOG_DOMAIN "iseecubes-client"

#include "chat-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (ChatApplication) app = chat_application_new ();
  int status;

  g_set_application_name ("I See Cubes");
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : chat_application_get_exit_code (app);
}
