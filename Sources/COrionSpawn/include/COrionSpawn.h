#ifndef CORION_SPAWN_H
#define CORION_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` under a supervisor process, and returns 0 with the supervisor's pid in
/// `*supervisor`, or the errno of what failed (the script's `execve` included: ENOENT, EACCES, ENOEXEC, ...).
///
/// The supervisor is a fork of this process that runs only async-signal-safe code. It leads a new process group,
/// closes every descriptor but stdin, points stdout and stderr at `stdout_fd` and `stderr_fd`, and forks the script
/// into its group (the signals SIGINT, SIGTERM, SIGPIPE, SIGHUP and SIGQUIT back to their default disposition, an
/// empty signal mask, no descriptor above stderr, the same working directory). Then it waits:
/// - when the script ends, the supervisor ends the same way: the same exit code, or killed by the same signal;
/// - when this process dies (by any means, `kill -9` included), it sends SIGTERM and SIGCONT to its process group,
///   and SIGKILL `grace_ms` milliseconds later, then it is gone too;
/// - a signal sent by this process (to the group) is left to the script, which got its own; one sent by anyone else
///   from outside the group (to the supervisor's pid) is forwarded to the script.
/// The supervisor's pid is the group's id: signal the group with `kill(-pid, signal)` and wait for the supervisor
/// with `waitpid` as for the script itself. Linux only (elsewhere it returns ENOSYS).
int orion_spawn_supervised(
    const char *path,
    char *const argv[],
    char *const envp[],
    int stdout_fd,
    int stderr_fd,
    int grace_ms,
    pid_t *supervisor
);

#endif
