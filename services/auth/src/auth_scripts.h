/* auth_scripts.h -- auth's own Lua scripts (sessions, login rate limit,
 * the users mirror). The shared presence scripts live in lib/cmn_scripts.
 * Keys and arguments of each script are listed in auth_scripts.c. */
#ifndef AUTH_SCRIPTS_H
#define AUTH_SCRIPTS_H

#include "cmn/cmn_redis.h"

extern struct cmn_script auth_script_session;
extern struct cmn_script auth_script_rl_check;
extern struct cmn_script auth_script_rl_fail;
extern struct cmn_script auth_script_mirror_set;
extern struct cmn_script auth_script_mirror_swap;

/* Compute every script's SHA1; call once in main() before threads. */
void auth_scripts_init(void);

#endif
