#ifndef CORION_SPAWN_H
#define CORION_SPAWN_H

#include <spawn.h>
#include <sys/types.h>

/// Starts a guardian of the process groups of this process's scripts, and returns 0 with its pid in `*guardian` and
/// this process's end of the channel to it in `*channel` (close-on-exec), or the errno of what failed.
///
/// The guardian is a fork of this process that runs only async-signal-safe code, in a process group of its own,
/// with every signal blocked and no descriptor but its end of the channel. It keeps the list of groups that
/// `orion_guardian_send` gives it. When the channel closes, because this process died by any means (`kill -9`
/// included) or closed it, the guardian sends every listed group SIGTERM and SIGCONT, then SIGKILL `grace_ms`
/// milliseconds later to those that still have a live member, and exits; reap it with `waitpid`. While groups are
/// listed it also follows this process's state (every 100 ms): when this process is stopped (SIGSTOP, SIGTSTP from
/// Ctrl-Z), it stops every listed group with SIGSTOP, and continues them with SIGCONT when this process goes on.
/// Linux only (elsewhere it returns ENOSYS).
int orion_guardian_start(int grace_ms, pid_t *guardian, int *channel);

/// Tells the guardian on `channel` to watch (`watch` 1) or forget (`watch` 0) the process group `group`, and
/// returns 0 or the errno of the failed send (EPIPE: the guardian is gone). Forget a group before its leader is
/// reaped, so that its id cannot have been reused while it is listed. Safe to call from several threads at once.
int orion_guardian_send(int channel, pid_t group, int watch);

/// What `orion_spawn` starts.
struct orion_spawn_request {
    /// The program (a path: no search in PATH) and its arguments and environment, each ending with a null pointer.
    const char *path;
    char *const *argv;
    char *const *envp;
    /// What becomes the script's stdout and stderr (stdin is this process's).
    int stdout_fd;
    int stderr_fd;
    /// The script's current directory, or a null pointer for this process's.
    const char *directory;
    /// A guardian's channel (`orion_guardian_start`) on which the script's group is put on the list before the
    /// script runs, or -1.
    int guardian_channel;
};

/// Starts `request`'s program in a new process group of which it is the leader, with default dispositions for the
/// signals this process handles and for those a worker ignores or handles itself (SIGINT, SIGTERM, SIGPIPE, SIGHUP,
/// SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTTOU, SIGTTIN, SIGTSTP, SIGXFSZ, but those of them it was started with
/// ignored, see `orion_signals_record_inherited`; others as inherited), an empty signal
/// mask and no descriptor of this process but stdin and the two given; returns 0 with its
/// pid (also its group's id) in `*pid`, or the errno of the step that failed (`ENOENT`, `EACCES` from exec, a
/// directory that cannot be entered...), the failed child reaped.
///
/// With a guardian channel, the child itself puts its group on the guardian's list before it runs the program, so
/// that there is no moment at which this process can die with the script running unlisted. `*watch_error` is 0 when
/// it did, or the errno of that message's send (EPIPE or ECONNRESET: the guardian is gone, and the group is not
/// listed). Linux only (elsewhere it returns ENOSYS); safe to call from several threads at once.
int orion_spawn(const struct orion_spawn_request *request, pid_t *pid, int *watch_error);

/// Records which of a worker's signals (SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTTOU,
/// SIGTTIN, SIGTSTP, SIGXFSZ) this process was started with ignored (`nohup`: SIGHUP); call it first, before this
/// process changes any. Those stay ignored in the scripts `orion_spawn` starts, except SIGINT, SIGTERM, SIGPIPE and
/// SIGXFSZ. Linux only (elsewhere nothing is recorded).
void orion_signals_record_inherited(void);

/// Whether `signal` was ignored when this process started, as `orion_signals_record_inherited` recorded (0 before).
int orion_signal_inherited_ignored(int signal);

/// Adds to `actions` a change of the spawned process's current directory to `directory`
/// (`posix_spawn_file_actions_addchdir_np`), and returns 0 or the errno of the failure (ENOSYS where the C library
/// lacks it).
int orion_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *directory);

/// Opens a pipe for a script's output with both ends close-on-exec from the start (`pipe2`), so that a script
/// another thread starts meanwhile does not inherit them; returns 0 or the errno of the failure. Dup the write end
/// onto the script's stdout or stderr (the copy is not close-on-exec).
int orion_output_pipe(int ends[2]);

/// Opens a pseudo-terminal for a script's output, and returns 0 with its master in `*master` (close-on-exec) and
/// its slave in `*slave` (close-on-exec; dup it onto the script's stdout or stderr), or the errno of what failed.
///
/// The slave is raw (no newline translation, no echo, no signals from typed characters) and is never the
/// controlling terminal of whoever opens it; its window takes the size of the terminal on `sized_as` when that is
/// one. Once every copy of the slave is closed, reading the master gives what is left, then fails with EIO.
int orion_output_pty(int sized_as, int *master, int *slave);

#endif
