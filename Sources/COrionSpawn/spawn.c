// The supervisor of a trial's script: see COrionSpawn.h for what it does, docs/distributed.md for why.
//
// Everything after a fork runs in a copy of a multithreaded process, so it calls only async-signal-safe functions
// (system calls, no allocation, no locks, no atfork handlers).
#define _GNU_SOURCE
#include "COrionSpawn.h"

#include <errno.h>

#ifdef __linux__

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// In the supervisor: where an error before the script's `execve` is reported (close-on-exec, so a successful
// `execve` closes it and the spawning process reads end-of-file).
enum { REPORT_FD = 3 };

// How often the supervisor looks whether its parent is still there when no signal wakes it.
enum { PARENT_POLL_MS = 500 };

// fork() without the atfork handlers (the Swift runtime's and libdispatch's take locks the child cannot have).
static pid_t bare_fork(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return _Fork();
#else
    return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
#endif
}

static void report_and_exit(int fd, int error) __attribute__((noreturn));
static void report_and_exit(int fd, int error) {
    ssize_t written;
    do {
        written = write(fd, &error, sizeof error);
    } while (written < 0 && errno == EINTR);
    _exit(127);
}

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int wait_for_signal(const sigset_t *set, siginfo_t *info, long long ms) {
    struct timespec timeout = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
    return sigtimedwait(set, info, &timeout);
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
                int fd = 0;
                const char *digit = entry->d_name;
                if (*digit < '0' || *digit > '9') continue;
                for (; *digit >= '0' && *digit <= '9'; digit++) fd = fd * 10 + (*digit - '0');
                if (fd >= lowest && fd != directory) close(fd);
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

// Whether the live (not zombie) process `pid` is in process group `group`, from /proc/<pid>/stat.
static int is_live_member(pid_t pid, pid_t group) {
    char path[32] = "/proc/";
    char digits[16];
    int length = 0;
    for (pid_t rest = pid; rest > 0 && length < 15; rest /= 10) digits[length++] = (char)('0' + rest % 10);
    int at = 6;
    while (length > 0) path[at++] = digits[--length];
    const char *tail = "/stat";
    while (*tail) path[at++] = *tail++;
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
    if (state == 'Z' || state == 'X') return 0;
    cursor += 3;
    for (int field = 0; field < 2; field++) {  // ppid, then pgrp
        while (*cursor == ' ') cursor++;
        long value = 0;
        int negative = *cursor == '-';
        if (negative) cursor++;
        for (; *cursor >= '0' && *cursor <= '9'; cursor++) value = value * 10 + (*cursor - '0');
        if (field == 1) return (negative ? -value : value) == group;
    }
    return 0;
}

// Whether a live process other than `self` is in process group `group` (1 when /proc cannot be read).
static int group_has_others(pid_t group, pid_t self) {
    int directory = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0) return 1;
    char buffer[4096];
    long count;
    int found = 0;
    while (!found && (count = syscall(SYS_getdents64, directory, buffer, sizeof buffer)) > 0) {
        for (long offset = 0; offset < count && !found;) {
            struct dirent64 *entry = (struct dirent64 *)(buffer + offset);
            offset += entry->d_reclen;
            pid_t pid = 0;
            const char *digit = entry->d_name;
            if (*digit < '0' || *digit > '9') continue;
            for (; *digit >= '0' && *digit <= '9'; digit++) pid = pid * 10 + (*digit - '0');
            if (*digit == 0 && pid != self && is_live_member(pid, group)) found = 1;
        }
    }
    close(directory);
    return found;
}

// Ends this process the way the script ended: the same exit code, or killed by the same signal.
static void exit_like(int status) __attribute__((noreturn));
static void exit_like(int status) {
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        int signal = WTERMSIG(status);
        // No core file of this process (a copy of the worker) for a script that dumped core.
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        struct sigaction default_action = {.sa_handler = SIG_DFL};
        sigaction(signal, &default_action, 0);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, signal);
        kill(getpid(), signal);
        sigprocmask(SIG_UNBLOCK, &only, 0);
        _exit(128 + signal);  // not reached: the script was killed by it, so its default action terminates
    }
    _exit(127);
}

// The spawning process is gone: SIGTERM (and SIGCONT, for a stopped script) to the group, SIGKILL after the grace
// period unless the group has emptied before; then this process ends too.
static void end_group_and_exit(const sigset_t *all, int grace_ms) __attribute__((noreturn));
static void end_group_and_exit(const sigset_t *all, int grace_ms) {
    pid_t self = getpid();
    kill(-self, SIGTERM);
    kill(-self, SIGCONT);
    long long deadline = now_ms() + grace_ms;
    for (;;) {
        int status;
        while (waitpid(-1, &status, WNOHANG) > 0) {
        }
        if (!group_has_others(self, self)) _exit(128 + SIGTERM);
        long long left = deadline - now_ms();
        if (left <= 0) break;
        siginfo_t info;
        wait_for_signal(all, &info, left < 100 ? left : 100);
    }
    kill(-self, SIGKILL);  // this process included
    _exit(128 + SIGKILL);
}

static void supervise(
    const char *path,
    char *const argv[],
    char *const envp[],
    int stdout_fd,
    int stderr_fd,
    int report_fd,
    int grace_ms,
    pid_t parent
) __attribute__((noreturn));

static void supervise(
    const char *path,
    char *const argv[],
    char *const envp[],
    int stdout_fd,
    int stderr_fd,
    int report_fd,
    int grace_ms,
    pid_t parent
) {
    // Every signal is blocked (since before the fork): they are taken with sigtimedwait below.
    sigset_t all;
    sigfillset(&all);
    pid_t self = getpid();
    if (setpgid(0, 0) != 0) report_and_exit(report_fd, errno);

    // stdout, stderr and the report descriptor at 1, 2 and 3; nothing else above stdin (the worker's database
    // connections, other trials' pipes: a connection held here would outlive a killed worker).
    int out = fcntl(stdout_fd, F_DUPFD, 4);
    int err = fcntl(stderr_fd, F_DUPFD, 4);
    int report = fcntl(report_fd, F_DUPFD, 4);
    if (out < 0 || err < 0 || report < 0) report_and_exit(report_fd, errno);
    if (dup2(out, 1) < 0 || dup2(err, 2) < 0 || dup2(report, REPORT_FD) < 0) report_and_exit(report, errno);
    fcntl(REPORT_FD, F_SETFD, FD_CLOEXEC);
    close_from(REPORT_FD + 1);

    struct sigaction default_action = {.sa_handler = SIG_DFL};
    sigaction(SIGCHLD, &default_action, 0);  // not SIG_IGN, which would reap the script before we see it
    prctl(PR_SET_NAME, "orion-supervise");
    // A fast notice of the worker's death; it also fires when the spawning thread alone exits, hence the check of
    // getppid() on every wake-up and every PARENT_POLL_MS.
    prctl(PR_SET_PDEATHSIG, SIGCHLD);
    if (getppid() != parent) _exit(127);

    pid_t script = bare_fork();
    if (script < 0) report_and_exit(REPORT_FD, errno);
    if (script == 0) {
        // If the supervisor is killed (kill -9 of its pid), so is the script.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != self) _exit(127);
        const int defaults[] = {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT};
        for (unsigned index = 0; index < sizeof defaults / sizeof defaults[0]; index++)
            sigaction(defaults[index], &default_action, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, 0);
        execve(path, argv, envp);
        report_and_exit(REPORT_FD, errno);
    }
    close(REPORT_FD);

    for (;;) {
        int status;
        pid_t ended;
        while ((ended = waitpid(-1, &status, WNOHANG)) > 0)
            if (ended == script) exit_like(status);
        if (getppid() != parent) end_group_and_exit(&all, grace_ms);
        siginfo_t info;
        int signal = wait_for_signal(&all, &info, PARENT_POLL_MS);
        if (signal <= 0 || signal == SIGCHLD) continue;
        // Sent by the kernel (a hangup of an orphaned group) or by the worker (which signals the whole group), or
        // sent to the whole group from inside it (`kill 0`): the script has its own copy.
        if (info.si_code > 0 || info.si_pid == parent || info.si_pid == self) continue;
        if (info.si_pid > 0 && getpgid(info.si_pid) == self) continue;
        kill(script, signal);
    }
}

int orion_spawn_supervised(
    const char *path,
    char *const argv[],
    char *const envp[],
    int stdout_fd,
    int stderr_fd,
    int grace_ms,
    pid_t *supervisor
) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t parent = getpid();
    pid_t pid = bare_fork();
    if (pid == 0) supervise(path, argv, envp, stdout_fd, stderr_fd, report[1], grace_ms, parent);
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, 0);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        return error;
    }
    // End of file: the script's execve succeeded. An errno: nothing runs; the supervisor has exited (127).
    int failure = 0;
    ssize_t count;
    do {
        count = read(report[0], &failure, sizeof failure);
    } while (count < 0 && errno == EINTR);
    close(report[0]);
    if (count == (ssize_t)sizeof failure && failure != 0) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return failure;
    }
    *supervisor = pid;
    return 0;
}

#else

int orion_spawn_supervised(
    const char *path,
    char *const argv[],
    char *const envp[],
    int stdout_fd,
    int stderr_fd,
    int grace_ms,
    pid_t *supervisor
) {
    (void)path, (void)argv, (void)envp, (void)stdout_fd, (void)stderr_fd, (void)grace_ms, (void)supervisor;
    return ENOSYS;
}

#endif
