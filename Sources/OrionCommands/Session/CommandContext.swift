import Foundation
import OrionCore

/// What every command needs, resolved once at the edge: the configuration (defaults < global file < environment <
/// `--config` file < flags) and the storage it points at.
struct CommandContext {
    let configuration: OrionConfiguration
    let storage: any Storage

    /// `experiment.max_broken` when some source gave it, `nil` when it is the default (so that a stored
    /// experiment keeps its own value).
    var explicitMaxBroken: Int? {
        configuration.sources["experiment.max_broken", default: "default"] == "default"
            ? nil : configuration.experiment.maxBroken
    }

    init(
        options: ExperimentOptions,
        huntOptions: HuntOptions? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        var layers: [ConfigurationLayer] = []
        let global = ConfigurationLoader.globalConfigPath(environment: environment)
        if FileManager.default.fileExists(atPath: global) {
            layers.append(try ConfigurationLoader.layer(fromYAMLFile: global))
        }
        layers.append(try ConfigurationLoader.layer(fromEnvironment: environment))
        if let file = options.config { layers.append(try ConfigurationLoader.layer(fromYAMLFile: file)) }
        layers.append(Self.flags(options: options, huntOptions: huntOptions))
        configuration = ConfigurationLoader.resolve(layers)
        for note in configuration.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        storage = try StorageFactory.open(address: configuration.storage.address, environment: environment)
    }

    private static func flags(options: ExperimentOptions, huntOptions: HuntOptions?) -> ConfigurationLayer {
        var layer = ConfigurationLayer()
        layer.set(\.experiment.name, options.name, source: "flag --name")
        layer.set(\.experiment.version, options.version, source: "flag --version")
        layer.set(\.experiment.user, options.user, source: "flag --user")
        layer.set(\.storage.address, options.storage, source: "flag --storage")
        guard let hunt = huntOptions else { return layer }
        layer.set(\.experiment.maxTrials, hunt.expMaxTrials, source: "flag --exp-max-trials")
        layer.set(\.experiment.maxBroken, hunt.expMaxBroken, source: "flag --exp-max-broken")
        layer.set(\.experiment.workingDir, hunt.workingDir, source: "flag --working-dir")
        layer.set(\.worker.maxTrials, hunt.workerMaxTrials, source: "flag --worker-max-trials")
        layer.set(\.worker.maxBroken, hunt.workerMaxBroken, source: "flag --worker-max-broken")
        layer.set(\.worker.nWorkers, hunt.nWorkers, source: "flag --n-workers")
        layer.set(\.worker.poolSize, hunt.poolSize, source: "flag --pool-size")
        layer.set(\.worker.heartbeat, hunt.heartbeat, source: "flag --heartbeat")
        layer.set(\.worker.idleTimeout, hunt.idleTimeout, source: "flag --idle-timeout")
        layer.set(\.worker.interruptSignalCode, hunt.interruptSignalCode, source: "flag --interrupt-signal-code")
        layer.set(\.worker.userScriptConfig, hunt.userScriptConfig, source: "flag --user-script-config")
        return layer
    }
}
