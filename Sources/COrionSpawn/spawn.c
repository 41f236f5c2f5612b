// The guardian of a worker's scripts: see COrionSpawn.h for what it does, docs/distributed.md for why.
//
// Everything after the fork runs in a copy of a multithreaded process, so it calls only async-signal-safe functions
// (system calls, no allocation, no locks, no atfork handlers).
#define _GNU_SOURCE
#include "COrionSpawn.h"

#include <errno.h>

#ifdef __linux__

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// fork() without the atfork handlers (the Swift runtime's and libdispatch's take locks the child cannot have).
static pid_t bare_fork(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return _Fork();
#else
    return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

// The number at the start of `text` (-1 when it does not start with a digit or holds anything after it).
static long parse_number(const char *text) {
    if (*text < '0' || *text > '9') return -1;
    long value = 0;
    for (; *text >= '0' && *text <= '9'; text++) value = value * 10 + (*text - '0');
    return *text == 0 ? value : -1;
}

// Closes every descriptor from `lowest` up.
static void close_from(int lowest) {
#ifdef SYS_close_range
    if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return;
#endif
    int directory = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        char buffer[4096];
        long count;
        while ((count = syscall(SYS_getdents64, directory, buffer, sizeof buffer)) > 0) {
            for (long offset = 0; offset < count;) {
                struct dirent64 *entry = (struct dirent64 *)(buffer + offset);
                offset += entry->d_reclen;
                long fd = parse_number(entry->d_name);
                if (fd >= lowest && fd != directory) close((int)fd);
            }
        }
        close(directory);
        return;
    }
    struct rlimit limit;
    long highest = 65536;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && (long)limit.rlim_cur < highest)
        highest = (long)limit.rlim_cur;
    for (long fd = lowest; fd < highest; fd++) close((int)fd);
}

// The state letter of `pid` from /proc/<pid>/stat ('R', 'S', 'T' for stopped, 'Z' for a zombie...), with its process
// group in `*group`; 0 when it is gone or /proc cannot be read.
static char stat_of(pid_t pid, long *group) {
    char path[32] = "/proc/";
    char digits[16];
    int length = 0;
    for (pid_t rest = pid; rest > 0 && length < 15; rest /= 10) digits[length++] = (char)('0' + rest % 10);
    int at = 6;
    while (length > 0) path[at++] = digits[--length];
    for (const char *tail = "/stat"; *tail; tail++) path[at++] = *tail;
    path[at] = 0;

    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char stat[512];
    ssize_t count = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (count <= 0) return 0;
    stat[count] = 0;
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so look after the last ')'.
    char *cursor = 0;
    for (char *c = stat; *c; c++)
        if (*c == ')') cursor = c;
    if (!cursor || cursor[1] != ' ' || !cursor[2]) return 0;
    char state = cursor[2];
    cursor += 3;
    *group = -1;
    for (int field = 0; field < 2; field++) {  // ppid, then pgrp
        while (*cursor == ' ') cursor++;
        long value = 0;
        for (; *cursor >= '0' && *cursor <= '9'; cursor++) value = value * 10 + (*cursor - '0');
        if (field == 1) *group = value;
    }
    return state;
}

// The process group of `pid`, or -1 when it is a zombie or gone.
static long live_group_of(pid_t pid) {
    long group = -1;
    char state = stat_of(pid, &group);
    return state == 0 || state == 'Z' || state == 'X' ? -1 : group;
}

// Whether any of `groups` has a live member (1 when /proc cannot be read).
static int any_group_alive(const pid_t *groups, int count) {
    int directory = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) return 1;
    char buffer[4096];
    long read_count;
    int found = 0;
    while (!found && (read_count = syscall(SYS_getdents64, directory, buffer, sizeof buffer)) > 0) {
        for (long offset = 0; offset < read_count && !found;) {
            struct dirent64 *entry = (struct dirent64 *)(buffer + offset);
            offset += entry->d_reclen;
            long pid = parse_number(entry->d_name);
            long group = pid > 0 ? live_group_of((pid_t)pid) : -1;
            for (int index = 0; group > 0 && index < count && !found; index++)
                if (groups[index] == group) found = 1;
        }
    }
    close(directory);
    return found;
}

// The most groups a guardian lists at once (scripts running at once in one worker); more are not protected.
enum { MAX_GROUPS = 4096 };

// One message on the channel: watch (1) or forget (0) a group.
struct message {
    int watch;
    pid_t group;
};

// The worker is gone: SIGTERM (and SIGCONT, for a stopped script) to every listed group, SIGKILL at the end of the
// grace period to those with a live member left; then the guardian exits.
static void end_groups_and_exit(const pid_t *groups, int count, int grace_ms) __attribute__((noreturn));
static void end_groups_and_exit(const pid_t *groups, int count, int grace_ms) {
    for (int index = 0; index < count; index++) {
        kill(-groups[index], SIGTERM);
        kill(-groups[index], SIGCONT);
    }
    long long deadline = now_ms() + grace_ms;
    while (count > 0 && any_group_alive(groups, count)) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            for (int index = 0; index < count; index++) kill(-groups[index], SIGKILL);
            break;
        }
        struct timespec pause = {.tv_sec = 0, .tv_nsec = (left < 50 ? left : 50) * 1000000L};
        nanosleep(&pause, 0);
    }
    _exit(0);
}

// The guardian's name in `ps` and /proc: not the hunt's command line, which it would otherwise show, so that what kills
// hunts by name (`pkill -9 -f 'orion hunt'`, `pkill -9 orion`) does not kill their guardian.
static const char guardian_name[] = "trial-guardian";

// Overwrites this process's command line (the argv strings, between arg_start and arg_end of /proc/self/stat) with
// `guardian_name`, a space and the worker's pid (`trial-guardian 4242`): this process is a copy of the worker, so its
// own copy of those bytes is changed. Written through /proc/self/mem, so that an address that is not what it should
// be fails the write instead of crashing the guardian. The pid tells a worker of this host that the scripts of a dead
// worker are still being stopped (readable by every user, whatever the scripts' environment), so that it does not
// run their trials beside them.
static void rename_command_line(pid_t worker) {
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char stat[2048];
    ssize_t count = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (count <= 0) return;
    stat[count] = 0;
    char *cursor = 0;
    for (char *c = stat; *c; c++)
        if (*c == ')') cursor = c;
    if (!cursor) return;
    cursor++;
    // After "pid (comm)", field 3 (state) comes first; arg_start and arg_end are fields 48 and 49.
    unsigned long values[2] = {0, 0};
    for (int field = 3; field <= 49; field++) {
        while (*cursor == ' ') cursor++;
        if (!*cursor) return;
        unsigned long value = 0;
        for (; *cursor >= '0' && *cursor <= '9'; cursor++) value = value * 10 + (unsigned long)(*cursor - '0');
        while (*cursor && *cursor != ' ') cursor++;
        if (field >= 48) values[field - 48] = value;
    }
    unsigned long start = values[0], end = values[1];
    // The name, a space, the pid's digits (no snprintf: only async-signal-safe code runs in this fork).
    char name[sizeof guardian_name + 24];
    size_t name_length = sizeof guardian_name - 1;
    memcpy(name, guardian_name, name_length);
    name[name_length++] = ' ';
    char digits[20];
    int count_digits = 0;
    unsigned long value = (unsigned long)worker;
    do {
        digits[count_digits++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && count_digits < (int)sizeof digits);
    while (count_digits > 0) name[name_length++] = digits[--count_digits];
    name[name_length++] = 0;
    if (!start || end <= start + name_length) return;
    int memory = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
    if (memory < 0) return;
    char zeros[4096] = {0};
    for (unsigned long at = start; at < end;) {
        unsigned long length = end - at < sizeof zeros ? end - at : sizeof zeros;
        ssize_t written = pwrite(memory, zeros, length, (off_t)at);
        if (written <= 0) break;
        at += (unsigned long)written;
    }
    pwrite(memory, name, name_length, (off_t)start);
    close(memory);
}

// The worker stopped (SIGSTOP, Ctrl-Z: state 'T') or went on: stops or continues every listed group to match, so that a
// stopped hunt's scripts stop with it (their groups are not the hunt's, so job control does not reach them). `*stopped`
// says whether this guardian has stopped them. A tracing stop ('t', a debugger) is not followed; a script stopped on
// its own while its worker ran is continued with the others when the worker goes on after a stop.
static void follow_worker(pid_t worker, const pid_t *groups, int count, int *stopped) {
    long group = -1;
    int worker_stopped = stat_of(worker, &group) == 'T';
    if (worker_stopped == *stopped) return;
    for (int index = 0; index < count; index++) kill(-groups[index], worker_stopped ? SIGSTOP : SIGCONT);
    *stopped = worker_stopped;
}

// How often the guardian looks at the worker's state while scripts run (milliseconds).
enum { FOLLOW_INTERVAL_MS = 100 };

static void guard(int channel, int grace_ms) __attribute__((noreturn));
static void guard(int channel, int grace_ms) {
    pid_t worker = getppid();
    // Its own group: a signal to the worker's whole group (Ctrl-C, `kill -9 -PGID`) does not reach it. Every signal
    // stays blocked (since before the fork): it ends when the channel closes, or by SIGKILL.
    setpgid(0, 0);
    // Nothing of the worker stays open here but the channel (a database connection, the hunt's stdout, the
    // worker's own end of the channel, which would keep the channel from ever closing).
    if (channel != 0 && dup2(channel, 0) < 0) _exit(1);
    close_from(1);
    prctl(PR_SET_NAME, guardian_name);
    rename_command_line(worker);
    static pid_t groups[MAX_GROUPS];
    int count = 0;
    int stopped = 0;
    for (;;) {
        // While scripts run, wake up every FOLLOW_INTERVAL_MS to follow the worker's state; otherwise wait.
        if (count > 0 || stopped) {
            struct pollfd wait = {.fd = 0, .events = POLLIN};
            int ready = poll(&wait, 1, FOLLOW_INTERVAL_MS);
            follow_worker(worker, groups, count, &stopped);
            if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
        }
        struct message message;
        ssize_t received = recv(0, &message, sizeof message, MSG_WAITALL);
        if (received < 0 && errno == EINTR) continue;
        if (received != (ssize_t)sizeof message) break;  // closed: the worker is gone
        if (message.watch) {
            if (count < MAX_GROUPS) groups[count++] = message.group;
            if (stopped) kill(-message.group, SIGSTOP);
        } else {
            for (int index = 0; index < count; index++) {
                if (groups[index] != message.group) continue;
                groups[index] = groups[--count];
                break;
            }
        }
    }
    end_groups_and_exit(groups, count, grace_ms);
}

int orion_guardian_start(int grace_ms, pid_t *guardian, int *channel) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return errno;
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = bare_fork();
    if (pid == 0) guard(ends[1], grace_ms);
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, 0);
    close(ends[1]);
    if (pid < 0) {
        close(ends[0]);
        return error;
    }
    *guardian = pid;
    *channel = ends[0];
    return 0;
}

int orion_guardian_send(int channel, pid_t group, int watch) {
    struct message message = {.watch = watch ? 1 : 0, .group = group};
    // One message is far below the socket's buffer: it is sent whole or not at all.
    for (;;) {
        ssize_t sent = send(channel, &message, sizeof message, MSG_NOSIGNAL);
        if (sent == (ssize_t)sizeof message) return 0;
        if (sent < 0 && errno == EINTR) continue;
        return sent < 0 ? errno : EIO;
    }
}

// What the child of `orion_spawn` tells its parent, through the memory they share until it runs the script.
struct spawn_report {
    int error;        // errno of the step that failed (the script did not start), 0 when it started
    int watched;      // whether the child's group was put on the guardian's list
    int watch_error;  // errno of that message's send (EPIPE, ECONNRESET: the guardian is gone), 0 when sent
};

// Moves `fd` above stderr when it is one of the three standard descriptors (a hunt started with one of them closed
// gets its pipes there), so that putting one stream in place cannot overwrite the other; -1 when it cannot.
static int above_standard(int fd) {
    return fd > 2 ? fd : fcntl(fd, F_DUPFD, 3);
}

// Whether the hunt ignores or handles `signal` itself (interrupts, a closed terminal or pipe, job control once it lends
// the terminal), so that a script must get its default back; SIGXFSZ as Python's subprocess resets it.
static int hunt_signal(int signal) {
    static const int signals[] = {
        SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGTTOU, SIGTTIN, SIGTSTP, SIGXFSZ,
    };
    for (unsigned index = 0; index < sizeof signals / sizeof signals[0]; index++)
        if (signals[index] == signal) return 1;
    return 0;
}

// The worker's signals that were ignored when it started (`nohup`'s SIGHUP), recorded by
// `orion_signals_record_inherited` before it changed any.
static sigset_t inherited_ignored;

void orion_signals_record_inherited(void) {
    sigemptyset(&inherited_ignored);
    for (int signal = 1; signal < NSIG; signal++) {
        struct sigaction current;
        if (hunt_signal(signal) && sigaction(signal, 0, &current) == 0 && current.sa_handler == SIG_IGN)
            sigaddset(&inherited_ignored, signal);
    }
}

int orion_signal_inherited_ignored(int signal) {
    return sigismember(&inherited_ignored, signal) == 1;
}

// Whether the script keeps `signal` ignored as the worker inherited it (`nohup`: as under Oríon's Python
// subprocess); never SIGINT and SIGTERM, by which the worker stops its scripts, nor SIGPIPE and SIGXFSZ, which Python
// resets.
static int keeps_inherited_ignore(int signal) {
    return orion_signal_inherited_ignored(signal) && signal != SIGINT && signal != SIGTERM && signal != SIGPIPE
        && signal != SIGXFSZ;
}

// The child of `orion_spawn`, between vfork and exec: it shares the parent's memory (the parent's thread is suspended
// until it runs the script or exits), so it only makes system calls and writes nothing but `report`.
static void spawn_child(const struct orion_spawn_request *request, volatile struct spawn_report *report)
    __attribute__((noreturn, noinline));
static void spawn_child(const struct orion_spawn_request *request, volatile struct spawn_report *report) {
    // Every signal arrives blocked (the parent blocked them before vfork). A signal the parent handles gets its
    // default disposition (no handler of the parent may run here, in its memory; exec would reset it anyway), and so
    // does each one the hunt ignores or handles itself, unless the hunt inherited it ignored (`nohup`); others keep
    // what the hunt inherited (an ignored SIGALRM stays ignored, as with Python's subprocess under Oríon).
    struct sigaction fallback;
    memset(&fallback, 0, sizeof fallback);
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    for (int signal = 1; signal < NSIG; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) continue;
        struct sigaction current;
        if (sigaction(signal, 0, &current) != 0) continue;
        int handled = current.sa_handler != SIG_DFL && current.sa_handler != SIG_IGN;
        if (handled || (hunt_signal(signal) && !keeps_inherited_ignore(signal))) sigaction(signal, &fallback, 0);
    }
    int step_error = 0;
    if (setpgid(0, 0) != 0) step_error = errno;
    // The group goes on the guardian's list before anything else runs in it: were the hunt killed from here on, the
    // message is already in the guardian's queue (or this process still holds the channel open until exec).
    if (!step_error && request->guardian_channel >= 0) {
        struct message message = {.watch = 1, .group = getpid()};
        ssize_t sent;
        do sent = send(request->guardian_channel, &message, sizeof message, MSG_NOSIGNAL);
        while (sent < 0 && errno == EINTR);
        report->watched = sent == (ssize_t)sizeof message;
        report->watch_error = report->watched ? 0 : (sent < 0 ? errno : EIO);
    }
    int out = step_error ? -1 : above_standard(request->stdout_fd);
    int err = out < 0 ? -1 : above_standard(request->stderr_fd);
    if (!step_error && (out < 0 || err < 0)) step_error = errno;
    if (!step_error && (dup2(out, 1) < 0 || dup2(err, 2) < 0)) step_error = errno;
    if (!step_error && request->directory && chdir(request->directory) != 0) step_error = errno;
    if (!step_error) {
        close_from(3);  // nothing of the worker leaks into the script (as Python's close_fds)
        sigset_t empty;
        sigemptyset(&empty);
        sigprocmask(SIG_SETMASK, &empty, 0);
        execve(request->path, request->argv, request->envp);
        step_error = errno;
    }
    report->error = step_error ? step_error : EIO;
    _exit(127);
}

int orion_spawn(const struct orion_spawn_request *request, pid_t *pid, int *watch_error) {
    volatile struct spawn_report report = {0, 0, 0};
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t child = vfork();
    if (child == 0) spawn_child(request, &report);
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, 0);
    if (child < 0) return error;
    if (report.error) {
        // The script did not start: off the list before the child is reaped (its id could be reused after).
        if (report.watched) orion_guardian_send(request->guardian_channel, child, 0);
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return report.error;
    }
    *pid = child;
    *watch_error = request->guardian_channel < 0 ? 0 : report.watch_error;
    return 0;
}

#else

int orion_guardian_start(int grace_ms, pid_t *guardian, int *channel) {
    (void)grace_ms, (void)guardian, (void)channel;
    return ENOSYS;
}

int orion_guardian_send(int channel, pid_t group, int watch) {
    (void)channel, (void)group, (void)watch;
    return ENOSYS;
}

int orion_spawn(const struct orion_spawn_request *request, pid_t *pid, int *watch_error) {
    (void)request, (void)pid, (void)watch_error;
    return ENOSYS;
}

void orion_signals_record_inherited(void) {}

int orion_signal_inherited_ignored(int signal) {
    (void)signal;
    return 0;
}

#endif

int orion_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *directory) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
    return posix_spawn_file_actions_addchdir_np(actions, directory);
#else
    (void)actions;
    (void)directory;
    return ENOSYS;
#endif
}
