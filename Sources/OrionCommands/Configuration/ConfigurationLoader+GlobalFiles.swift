import Foundation

// Oríon's search path for global configuration files (AppDirs("orion.core") on Linux).
extension ConfigurationLoader {
    /// The global configuration files Oríon reads, lowest precedence first; each is read only if it exists.
    ///
    /// 1. `<first of $XDG_DATA_DIRS, else /usr/local/share>/orion.core/orion_config.yaml.example` (Oríon's site
    ///    data file, with that name);
    /// 2. `<first of $XDG_CONFIG_DIRS, else /etc/xdg>/orion.core/orion_config.yaml` (the site file);
    /// 3. ``globalConfigPath(environment:)``: `$XDG_CONFIG_HOME/orion.core/orion_config.yaml`, else
    ///    `~/.config/orion.core/orion_config.yaml` (the user's file).
    ///
    /// As in Oríon (appdirs), only the first entry of `XDG_DATA_DIRS` and `XDG_CONFIG_DIRS` is used; relative and empty
    /// entries are ignored, as the XDG specification says.
    ///
    /// - Parameter environment: where `XDG_DATA_DIRS`, `XDG_CONFIG_DIRS`, `XDG_CONFIG_HOME` and `HOME` are read.
    /// - Returns: the paths, lowest precedence first; the files may not exist.
    public static func globalConfigPaths(environment: [String: String]) -> [String] {
        let data = firstAbsolute(environment["XDG_DATA_DIRS"]) ?? "/usr/local/share"
        let config = firstAbsolute(environment["XDG_CONFIG_DIRS"]) ?? "/etc/xdg"
        return [
            data + "/orion.core/orion_config.yaml.example",
            config + "/orion.core/orion_config.yaml",
            globalConfigPath(environment: environment),
        ]
    }

    /// The layers of the global configuration files that exist, lowest precedence first.
    ///
    /// - Parameter environment: where the directories are read (``globalConfigPaths(environment:)``).
    /// - Returns: one layer per existing file.
    /// - Throws: ``ConfigurationError`` at `path:line:column` for a file that cannot be read or holds an invalid
    ///   configuration (as Oríon, which refuses to start on an unknown key in a global file).
    public static func globalLayers(environment: [String: String]) throws(ConfigurationError) -> [ConfigurationLayer] {
        var layers: [ConfigurationLayer] = []
        for path in globalConfigPaths(environment: environment) where FileManager.default.fileExists(atPath: path) {
            layers.append(try layer(fromYAMLFile: path, isGlobal: true))
        }
        return layers
    }

    /// The first entry of a `:`-separated list of directories, if it is absolute.
    private static func firstAbsolute(_ list: String?) -> String? {
        guard let first = list?.split(separator: ":", omittingEmptySubsequences: false).first, first.hasPrefix("/")
        else { return nil }
        return first.count > 1 && first.hasSuffix("/") ? String(first.dropLast()) : String(first)
    }
}
