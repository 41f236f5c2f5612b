#ifndef CORION_SPAWN_H
#define CORION_SPAWN_H

#include <sys/types.h>

/// Starts a watchdog of the process group `group` (a trial's script, just spawned as its leader) and returns 0 with
/// the watchdog's pid in `*watchdog`, or the errno of the failed fork.
///
/// The watchdog is a fork of this process that runs only async-signal-safe code: it closes every descriptor, joins
/// `group` (so that the group's id cannot be reused while it watches), blocks and swallows every signal (the
/// signals this process sends the group are the script's), and waits. When this process dies, by any means
/// (`kill -9` included), it sends the group SIGTERM and SIGCONT, then SIGKILL `grace_ms` milliseconds later unless
/// the group has emptied before, and exits. This process ends it with SIGKILL (and reaps it) once the script is
/// done. Linux only (elsewhere it returns ENOSYS).
int orion_start_watchdog(pid_t group, int grace_ms, pid_t *watchdog);

#endif
