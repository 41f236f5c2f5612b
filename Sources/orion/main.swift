import OrionCommands

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// A closed stdout or stderr (`orion hunt ... | head`) must never kill orion in the middle of a hunt: writes to it
// fail with EPIPE instead, and the hunt goes on. Scripts get the default disposition back (see ChildProcess).
signal(SIGPIPE, SIG_IGN)

await OrionCommand.runFromCommandLine()
