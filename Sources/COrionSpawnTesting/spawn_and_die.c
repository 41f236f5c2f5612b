// Test support for COrionSpawn (see COrionSpawnTesting.h); not part of the orion binary.
#define _GNU_SOURCE
#include "COrionSpawnTesting.h"

#include <COrionSpawn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

pid_t orion_testing_spawn_and_die(const char *path, char *const argv[], char *const envp[], int grace_ms) {
#ifdef __linux__
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) return -1;
    // The forked copy of the (multithreaded) test process runs only system calls and COrionSpawn's C.
    pid_t worker = _Fork();
    if (worker == 0) {
        close(ends[0]);
        pid_t guardian = 0;
        int channel = -1;
        int reply[2] = {-1, 0};
        int error = orion_guardian_start(grace_ms, &guardian, &channel);
        if (error == 0) {
            struct orion_spawn_request request = {
                .path = path, .argv = argv, .envp = envp, .stdout_fd = 1, .stderr_fd = 2,
                .directory = 0, .guardian_channel = channel,
            };
            int watch_error = 0;
            pid_t script = 0;
            error = orion_spawn(&request, &script, &watch_error);
            if (error == 0) reply[0] = script;
            else reply[1] = error;
        } else {
            reply[1] = error;
        }
        (void)write(ends[1], reply, sizeof reply);
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    close(ends[1]);
    if (worker < 0) {
        int error = errno;
        close(ends[0]);
        errno = error;
        return -1;
    }
    int reply[2] = {-1, EIO};
    ssize_t count;
    do count = read(ends[0], reply, sizeof reply);
    while (count < 0 && errno == EINTR);
    close(ends[0]);
    int status;
    while (waitpid(worker, &status, 0) < 0 && errno == EINTR) {}
    if (count != (ssize_t)sizeof reply || reply[0] < 0) {
        errno = count == (ssize_t)sizeof reply ? reply[1] : EIO;
        return -1;
    }
    return reply[0];
#else
    (void)path, (void)argv, (void)envp, (void)grace_ms;
    errno = ENOSYS;
    return -1;
#endif
}
