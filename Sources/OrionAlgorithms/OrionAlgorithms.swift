/// Search algorithms: one folder per algorithm; `AlgorithmRegistry` maps wire names to them.
import OrionCore
