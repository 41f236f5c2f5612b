import Foundation
import OrionCore

/// Reads Oríon's configuration sources into layers and resolves them, once, at the edge of the program.
///
/// The CLI stacks, from lowest to highest precedence (Oríon's documented order):
/// 1. the defaults (``OrionConfiguration/init(experiment:worker:storage:sources:notes:)``);
/// 2. the global files, ``globalConfigPaths(environment:)`` (site data, site, user), those that exist;
/// 3. the environment, ``layer(fromEnvironment:)``;
/// 4. the file given with `--config`;
/// 5. the flags.
///
/// ``resolve(_:)`` itself is generic: later layers override earlier ones, key by key.
public enum ConfigurationLoader {
    /// Reads a YAML (or JSON) configuration file.
    ///
    /// - Parameters:
    ///   - path: the file's path.
    ///   - isGlobal: whether it is a global file (``layer(fromYAML:path:isGlobal:)``).
    /// - Returns: the settings the file gives.
    /// - Throws: ``ConfigurationError`` when the file cannot be read or holds an invalid configuration.
    public static func layer(fromYAMLFile path: String, isGlobal: Bool = false) throws(ConfigurationError)
        -> ConfigurationLayer
    {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch {
            throw ConfigurationError(
                "\(path): the configuration file \(error.reason); check the path given to --config"
            )
        }
        return try layer(fromYAML: text, path: path, isGlobal: isGlobal)
    }

    /// Reads a configuration from YAML text (JSON is YAML too).
    ///
    /// Keys are Oríon's: `experiment: {name, version, user, max_trials, max_broken, working_dir, algorithm}`,
    /// `worker: {n_workers, pool_size, heartbeat, max_trials, max_broken, idle_timeout, interrupt_signal_code,
    /// user_script_config, ...}`, `storage: {address}` or Oríon's `storage: {type, database: {type, host, ...}}`.
    /// Dashes in keys are accepted (`max-trials`), as are Oríon's deprecated forms (top-level `name`, `max_trials`,
    /// `algorithms`, `database`, ...), with a note.
    ///
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - path: the file's path, for the sources and the error messages.
    ///   - isGlobal: whether it is a global file, where Oríon's `orion db setup` writes the top-level `database`
    ///     (read without the deprecation note there).
    /// - Returns: the settings the text gives.
    /// - Throws: ``ConfigurationError`` at `path:line:column` for invalid YAML, an unknown key (the message lists the
    ///   valid ones), a value of the wrong type, or an unsupported storage.
    public static func layer(fromYAML text: String, path: String, isGlobal: Bool = false) throws(ConfigurationError)
        -> ConfigurationLayer
    {
        var reader = YAMLLayerReader(path: path, isGlobal: isGlobal)
        try reader.read(text)
        return reader.layer
    }

    /// The start of the source keys of the algorithm's options (`experiment.algorithm.seed`), where a file gave them.
    static let algorithmOptionPrefix = "experiment.algorithm."

    /// Resolves layers over the defaults: for each key, the value of the last layer that gives one.
    ///
    /// The storage is resolved by Oríon's `database` keys (``DatabaseFields``) where layers give them: a layer's
    /// keys override those of the layers below one by one, and a whole address (`--storage`, `storage.address`, a
    /// URL in `ORION_DB_ADDRESS`) replaces them all.
    ///
    /// - Parameter layers: the layers, lowest precedence first.
    /// - Returns: the configuration, with each key's source and every layer's notes.
    public static func resolve(_ layers: [ConfigurationLayer]) -> OrionConfiguration {
        var configuration = OrionConfiguration()
        // The `database` keys in effect; `nil` while the storage is the default or a whole address.
        var fields: DatabaseFields?
        for layer in layers {
            for setting in Setting.all where setting.key != storageKey {
                guard let source = layer.sources[setting.key] else { continue }
                setting.copy(layer, &configuration)
                configuration.sources[setting.key] = source
                if setting.key == "experiment.algorithm" {
                    // The options' places go with the algorithm they belong to, which replaces those below whole.
                    configuration.sources = configuration.sources.filter { !$0.key.hasPrefix(algorithmOptionPrefix) }
                    for (key, place) in layer.sources where key.hasPrefix(algorithmOptionPrefix) {
                        configuration.sources[key] = place
                    }
                }
            }
            configuration.notes += layer.notes
            resolveStorage(of: layer, fields: &fields, into: &configuration)
        }
        // A layer's note that its timeout is ignored holds for the storage that layer named: once a layer above made
        // the storage another one (an SQLite file, which uses it; memory), only the note for the one resolved stays.
        let address = configuration.storage.address ?? ""
        let fitting =
            address.hasPrefix("postgres") || address.hasPrefix("memory")
            ? DatabaseFields.timeoutNote(for: address) : nil
        configuration.notes.removeAll { note in
            note.contains("'database.timeout' is ignored for") && !(fitting.map { note.hasSuffix($0) } ?? false)
        }
        return configuration
    }

    /// The key of the storage address.
    private static let storageKey = "storage.address"

    /// Applies one layer's storage over the configuration resolved so far.
    private static func resolveStorage(
        of layer: ConfigurationLayer,
        fields: inout DatabaseFields?,
        into configuration: inout OrionConfiguration
    ) {
        guard let own = layer.database, !layer.givesWholeAddress else {
            guard let source = layer.sources[storageKey] else { return }
            configuration.storage.address = layer.storage.address
            configuration.sources[storageKey] = source
            fields = nil
            return
        }
        if fields == nil, configuration.sources[storageKey].map({ $0 != "default" }) == true,
            let whole = configuration.storage.address, let overridden = own.overriding(whole)
        {
            configuration.storage.address = overridden
            configuration.sources[storageKey] = own.source
            if own.timeout != nil { configuration.notes.append(DatabaseFields.timeoutNote(for: overridden)) }
            return
        }
        if fields == nil, let whole = configuration.sources[storageKey], whole != "default", !own.namesAStorage {
            configuration.notes.append(
                "the database keys of \(own.source) are not used: the storage address of \(whole) names the storage"
                    + " whole"
            )
            return
        }
        let merged = own.over(fields ?? DatabaseFields(source: own.source))
        fields = merged
        if merged == own {
            // Nothing from below: the layer's own reading, with its notes and the place of its errors (the default
            // file when it gives none, over a whole address below: `ORION_DB_TYPE=sqlite`).
            if let source = layer.sources[storageKey] {
                configuration.storage.address = layer.storage.address
                configuration.sources[storageKey] = source
            } else if configuration.storage.address != nil {
                configuration.storage.address = nil
                configuration.sources[storageKey] = own.source
            }
            return
        }
        let (address, note) = merged.address()
        configuration.storage.address = address
        configuration.sources[storageKey] = merged.source
        // Said once: the layer that gave the timeout noted it already when its own storage was PostgreSQL.
        if let note, !configuration.notes.contains(where: { $0.hasSuffix(note) }) { configuration.notes.append(note) }
    }

    /// The user's global configuration file: `$XDG_CONFIG_HOME/orion.core/orion_config.yaml`, else
    /// `~/.config/orion.core/orion_config.yaml` (where Oríon keeps it on Linux, and `orion db setup` writes it).
    ///
    /// - Parameter environment: where `XDG_CONFIG_HOME` and `HOME` are read.
    /// - Returns: the path; the file may not exist.
    public static func globalConfigPath(environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return config + "/orion.core/orion_config.yaml"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.config/orion.core/orion_config.yaml"
    }
}
