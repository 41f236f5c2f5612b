import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ExperimentMetadata {
    /// The user recorded in a new experiment's metadata when none is given (`-u/--user`), found as Oríon finds it
    /// (Python's `getpass.getuser()`): the first non-empty of `LOGNAME`, `USER`, `LNAME` and `USERNAME`, else the
    /// name of the process's account, else `unknown`.
    ///
    /// - Parameter environment: the variables to read; the process's by default.
    /// - Returns: the user's name.
    public static func currentUser(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        for variable in ["LOGNAME", "USER", "LNAME", "USERNAME"] {
            if let name = environment[variable], !name.isEmpty { return name }
        }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name {
            let account = String(cString: name)
            if !account.isEmpty { return account }
        }
        return "unknown"
    }
}
