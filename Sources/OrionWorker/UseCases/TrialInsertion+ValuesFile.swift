import Foundation
import OrionCore
import Yams

// `orion insert`'s values file, as Oríon's insert reads one: `--config=vals.yaml`, `--config vals.yaml`, or the first
// argument after the script when it names an existing file; its string values written `orion=VALUE` set the
// dimension named by their path (`model: {lr: orion=0.01}` sets `/model/lr`).
extension TrialInsertion {
    /// The prefix of a value in a values file, as Oríon's insert reads it.
    static let valueKeyword = "orion="

    /// The values file among `orion insert`'s arguments, and the arguments left to read as `name=value`.
    ///
    /// The script (the first argument unless it is an option or a `name=value`, and the one after it when it is a
    /// Python interpreter) is left out.
    ///
    /// - Throws: ``TrialInsertionError`` `.valuesFile` for a second values file or `--config` without a path.
    static func splitValuesFile(
        _ arguments: [String],
        currentDirectory: String
    ) throws -> (file: (label: String, path: String)?, rest: [String]) {
        var rest = arguments
        if let script = rest.first, !script.hasPrefix("-"), !script.contains("=") {
            rest.removeFirst()
            let name = script.split(separator: "/").last ?? ""
            if name.hasPrefix("python"), name.dropFirst("python".count).allSatisfy({ $0.isNumber || $0 == "." }),
                let next = rest.first, !next.hasPrefix("-"), !next.contains("=")
            {
                rest.removeFirst()
            }
        }
        var file: (label: String, path: String)?
        var kept: [String] = []
        var index = 0
        while index < rest.count {
            let argument = rest[index]
            index += 1
            let given: (label: String, path: String)
            if argument.hasPrefix("--config=") {
                given = (argument, String(argument.dropFirst("--config=".count)))
            } else if argument == "--config" {
                guard index < rest.count else {
                    throw TrialInsertionError(
                        .valuesFile,
                        "--config needs the path of a values file: --config=vals.yaml"
                    )
                }
                given = (argument + " " + rest[index], rest[index])
                index += 1
            } else {
                kept.append(argument)
                continue
            }
            if let file {
                throw TrialInsertionError(
                    .valuesFile,
                    "\(given.label): a second values file (the first: \(file.label)); give one"
                )
            }
            file = given
        }
        if file == nil, let first = kept.first, !first.hasPrefix("-"), !first.contains("="),
            FileManager.default.fileExists(atPath: absolute(first, in: currentDirectory))
        {
            file = (first, first)
            kept.removeFirst()
        }
        return (file, kept)
    }

    /// The values written `orion=VALUE` in a YAML or JSON file, by dimension name (`/model/lr`).
    ///
    /// Other values, the priors of a script configuration (`orion~uniform(0, 1)`) among them, are not values and
    /// are left out.
    ///
    /// - Parameters:
    ///   - label: how the file was given, for the messages.
    ///   - path: its path, relative to `currentDirectory` or absolute.
    ///   - currentDirectory: the directory `orion insert` runs in.
    /// - Returns: the values, in the order they are written.
    /// - Throws: ``TrialInsertionError`` `.valuesFile` when the file cannot be read or is not YAML or JSON.
    static func values(
        inFile label: String,
        path: String,
        currentDirectory: String
    ) throws -> [(name: String, value: JSONValue)] {
        let full = absolute(path, in: currentDirectory)
        guard let data = FileManager.default.contents(atPath: full), let text = String(data: data, encoding: .utf8)
        else {
            throw TrialInsertionError(.valuesFile, "\(label): cannot read the values file \(full)")
        }
        if let problem = YAMLShape.problem(in: text) {
            throw TrialInsertionError(.valuesFile, "\(label): line \(problem.line): \(problem.message)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw TrialInsertionError(.valuesFile, "\(label): the values file is not YAML or JSON: \(error)")
        }
        var values: [(name: String, value: JSONValue)] = []
        func visit(_ node: Node, name: String) {
            switch node {
            case .mapping(let mapping):
                for (key, value) in mapping { visit(value, name: name + "/" + (key.string ?? "\(key)")) }
            case .sequence(let sequence):
                for (position, item) in sequence.enumerated() { visit(item, name: name + "/" + String(position)) }
            case .scalar(let scalar):
                guard scalar.string.hasPrefix(valueKeyword) else { return }
                values.append((name, literal(String(scalar.string.dropFirst(valueKeyword.count)))))
            case .alias:
                return
            }
        }
        if let root { visit(root, name: "") }
        return values
    }

    private static func absolute(_ path: String, in directory: String) -> String {
        path.hasPrefix("/") ? path : directory + "/" + path
    }
}
