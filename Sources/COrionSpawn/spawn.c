// The watchdog of a trial's script: see COrionSpawn.h for what it does, docs/distributed.md for why.
//
// Everything after the fork runs in a copy of a multithreaded process, so it calls only async-signal-safe functions
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
#include <time.h>
#include <unistd.h>

// How often the watchdog looks whether its parent is still there when no signal wakes it.
enum { PARENT_POLL_MS = 500 };

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

static int wait_for_signal(const sigset_t *set, long long ms) {
    struct timespec timeout = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
    siginfo_t info;
    return sigtimedwait(set, &info, &timeout);
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

// Whether the live (not zombie) process `pid` is in process group `group`, from /proc/<pid>/stat.
static int is_live_member(pid_t pid, pid_t group) {
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
    if (state == 'Z' || state == 'X') return 0;
    cursor += 3;
    for (int field = 0; field < 2; field++) {  // ppid, then pgrp
        while (*cursor == ' ') cursor++;
        long value = 0;
        for (; *cursor >= '0' && *cursor <= '9'; cursor++) value = value * 10 + (*cursor - '0');
        if (field == 1) return value == group;
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
            long pid = parse_number(entry->d_name);
            if (pid > 0 && pid != self && is_live_member((pid_t)pid, group)) found = 1;
        }
    }
    close(directory);
    return found;
}

// The spawning process is gone: SIGTERM (and SIGCONT, for a stopped script) to the group, SIGKILL at the end of the
// grace period unless the group has emptied before; then the watchdog exits.
static void end_group_and_exit(pid_t group, const sigset_t *all, int grace_ms) __attribute__((noreturn));
static void end_group_and_exit(pid_t group, const sigset_t *all, int grace_ms) {
    pid_t self = getpid();
    kill(-group, SIGTERM);
    kill(-group, SIGCONT);
    long long deadline = now_ms() + grace_ms;
    for (;;) {
        if (!group_has_others(group, self)) _exit(0);
        long long left = deadline - now_ms();
        if (left <= 0) break;
        wait_for_signal(all, left < 50 ? left : 50);
    }
    kill(-group, SIGKILL);  // the watchdog included
    _exit(0);
}

static void watch(pid_t group, int grace_ms, pid_t parent) __attribute__((noreturn));
static void watch(pid_t group, int grace_ms, pid_t parent) {
    // Every signal is blocked (since before the fork) and taken by sigtimedwait, which swallows it: the signals the
    // worker sends the group are the script's.
    sigset_t all;
    sigfillset(&all);
    // No descriptor of the worker stays open here: a database connection, or the hunt's stdout, held by this
    // process would outlive a killed worker.
    close_from(0);
    prctl(PR_SET_NAME, "orion-watchdog");
    // A fast notice of the worker's death. It also fires when the spawning thread alone exits (Swift's pool threads
    // may), hence the check of getppid() on every wake-up and every PARENT_POLL_MS.
    prctl(PR_SET_PDEATHSIG, SIGCHLD);
    // As a member, it keeps the group's id from being reused while it watches, so the signals below reach no
    // stranger. If the group is gone already (its script reaped), there is nothing to watch.
    if (setpgid(0, group) != 0) _exit(0);
    for (;;) {
        if (getppid() != parent) end_group_and_exit(group, &all, grace_ms);
        wait_for_signal(&all, PARENT_POLL_MS);
    }
}

int orion_start_watchdog(pid_t group, int grace_ms, pid_t *watchdog) {
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t parent = getpid();
    pid_t pid = bare_fork();
    if (pid == 0) watch(group, grace_ms, parent);
    int error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, 0);
    if (pid < 0) return error;
    *watchdog = pid;
    return 0;
}

#else

int orion_start_watchdog(pid_t group, int grace_ms, pid_t *watchdog) {
    (void)group, (void)grace_ms, (void)watchdog;
    return ENOSYS;
}

#endif
