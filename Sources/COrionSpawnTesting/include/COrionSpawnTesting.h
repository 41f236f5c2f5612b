#ifndef CORION_SPAWN_TESTING_H
#define CORION_SPAWN_TESTING_H

#include <sys/types.h>

/// For tests of COrionSpawn: forks a process that starts a guardian (grace `grace_ms`), starts `path` with `argv`
/// and `envp` through `orion_spawn` with the guardian's channel, writes the script's pid back, and kills itself
/// with SIGKILL at once, before anything else runs in it (as a `kill -9` of a worker right after a spawn would).
/// Returns the script's pid, or -1 (with errno) when the forked process could not start it. Linux only.
pid_t orion_testing_spawn_and_die(const char *path, char *const argv[], char *const envp[], int grace_ms);

#endif
