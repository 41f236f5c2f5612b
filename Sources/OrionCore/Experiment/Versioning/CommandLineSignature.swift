import Foundation

/// The part of a command line that experiment version control watches: the script and the arguments that are not
/// priors, as sorted `key value` items (Oríon's `CommandLineConflict`).
public enum CommandLineSignature {
    /// The watched items of a command line.
    ///
    /// The script (and `python` before it) is the item `script <path>`; positionals before the first option are
    /// `_pos_<index> <value>`; an option is `<name> <values...>` without its dashes (`--epochs 10` → `epochs 10`,
    /// `--lr=0.1` → `lr 0.1`). Priors and branching markers (`--lr~...`, `--lr orion~...`, `--lr=orion~...`,
    /// `p~...` before any option) are left out: the space is compared on its own.
    ///
    /// The script's path is taken from `directory` (where the hunt started) as an absolute path, as Oríon stores
    /// it: `./train.py`, `train.py` and `/home/me/train.py` typed in `/home/me` are one script.
    ///
    /// - Parameters:
    ///   - arguments: the command line as typed (the script first).
    ///   - directory: the directory it was typed in, if known.
    ///   - ignoring: option names (without dashes) whose values are not watched.
    /// - Returns: the items, sorted.
    public static func items(of arguments: [String], in directory: String? = nil, ignoring: [String] = []) -> [String] {
        guard !arguments.isEmpty else { return [] }
        let isInterpreter = (arguments[0].split(separator: "/").last.map(String.init) ?? arguments[0])
            .hasPrefix("python")
        let scriptCount = isInterpreter && arguments.count > 1 ? 2 : 1
        var script = Array(arguments.prefix(scriptCount))
        if let directory, let path = script.last {
            script[script.count - 1] = absolute(path, in: directory, isFile: isInterpreter)
        }
        var items = ["script " + script.joined(separator: " ")]
        var options: [(name: String, values: [String])] = []
        var isPrior = false
        var sawOption = false
        for (offset, item) in arguments.dropFirst(scriptCount).enumerated() {
            if isOption(item) {
                sawOption = true
                let body = item.drop { $0 == "-" }
                if let equals = body.firstIndex(of: "="), !body[..<equals].contains("~") {
                    let value = String(body[body.index(after: equals)...])
                    isPrior = value.hasPrefix("orion~")
                    options.append((String(body[..<equals]), isPrior ? [] : [value]))
                } else {
                    isPrior = body.contains("~")
                    options.append((String(body.prefix { $0 != "~" }), []))
                }
                if isPrior { options.removeLast() }
                continue
            }
            if item.hasPrefix("orion~") {
                if !options.isEmpty, !isPrior, options[options.count - 1].values.isEmpty { options.removeLast() }
                continue
            }
            if !sawOption {
                if item.contains("~"), !item.hasPrefix("~") { continue }
                items.append("_pos_\(offset + scriptCount) \(item)")
            } else if !isPrior, !options.isEmpty {
                options[options.count - 1].values.append(item)
            }
        }
        let ignored = Set(ignoring.map { String($0.drop { $0 == "-" }) })
        for option in options where !ignored.contains(option.name) {
            items.append(([option.name] + option.values).joined(separator: " "))
        }
        return items.sorted()
    }

    /// `path` as an absolute, standardized path when it names a file from `directory`: a path with a `/`, a file
    /// given to an interpreter, or a bare name that is a file there (rather than a command found on the `PATH`).
    static func absolute(_ path: String, in directory: String, isFile: Bool) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        guard path.hasPrefix("/") || path.contains("/") || isFile || FileManager.default.fileExists(atPath: joined)
        else { return path }
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    /// `-x`, `--lr`, not `-`, `--` or a negative number.
    static func isOption(_ item: String) -> Bool {
        guard item.hasPrefix("-"), item != "-", item != "--" else { return false }
        let second = item[item.index(after: item.startIndex)]
        return !(second.isNumber || second == ".")
    }
}
