// Pseudo-terminals for scripts' output: see COrionSpawn.h for what it does, docs/script-protocol.md for why.
#define _GNU_SOURCE
#include "COrionSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int orion_output_pipe(int ends[2]) {
#ifdef __linux__
    return pipe2(ends, O_CLOEXEC) == 0 ? 0 : errno;
#else
    if (pipe(ends) != 0) return errno;
    fcntl(ends[0], F_SETFD, FD_CLOEXEC);
    fcntl(ends[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

int orion_output_pty(int sized_as, int *master, int *slave) {
    int primary = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (primary < 0) return errno;
    char name[128];
    if (grantpt(primary) != 0 || unlockpt(primary) != 0 || ptsname_r(primary, name, sizeof name) != 0) {
        int error = errno;
        close(primary);
        return error;
    }
    int secondary = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (secondary < 0) {
        int error = errno;
        close(primary);
        return error;
    }
    struct termios attributes;
    if (tcgetattr(secondary, &attributes) == 0) {
        cfmakeraw(&attributes);
        tcsetattr(secondary, TCSANOW, &attributes);
    }
    struct winsize size;
    if (ioctl(sized_as, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) ioctl(primary, TIOCSWINSZ, &size);
    *master = primary;
    *slave = secondary;
    return 0;
}
