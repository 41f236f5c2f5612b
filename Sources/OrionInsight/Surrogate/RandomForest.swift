import OrionCore

/// A random forest of regression trees (Breiman, "Random Forests", 2001,
/// https://doi.org/10.1023/A:1010933404324): the surrogate Oríon's LPI and partial dependencies fit
/// (scikit-learn's `RandomForestRegressor` there, with the same defaults: 100 trees, bootstrap samples, every
/// feature considered at each split, leaves of one sample).
///
/// Each tree is grown on a bootstrap sample by splitting on the feature and threshold that most reduce the squared
/// error, until a node is pure or cannot be split; a prediction is the mean of the trees' leaf values.
public struct RandomForest: Sendable {
    /// How the forest is grown.
    public struct Options: Sendable, Hashable {
        /// The number of trees (default 100).
        public var trees = 100
        /// The fewest samples a leaf may hold (default 1).
        public var minSamplesLeaf = 1
        /// The number of features drawn at random for each split; `nil` for all (default).
        public var maxFeatures: Int?
        /// Whether each tree is grown on a bootstrap sample (default `true`).
        public var bootstrap = true

        /// The defaults.
        public init() {}
    }

    let trees: [RegressionTree]

    /// Grows a forest on `inputs` → `targets`.
    ///
    /// - Parameters:
    ///   - inputs: one feature vector per sample, all of the same length; at least one sample.
    ///   - targets: the value to predict for each sample.
    ///   - options: how the forest is grown.
    ///   - rng: the source of randomness (bootstrap samples, feature draws).
    /// - Complexity: O(t · d · n log² n) for t trees, d features and n samples (balanced trees).
    public init(
        inputs: [[Double]],
        targets: [Double],
        options: Options = Options(),
        using rng: inout some RandomNumberGenerator
    ) {
        precondition(!inputs.isEmpty && inputs.count == targets.count, "a forest needs samples with targets")
        let data = TrainingData(inputs: inputs, targets: targets)
        trees = (0..<max(options.trees, 1)).map { _ in
            var sample = Array(0..<data.count)
            if options.bootstrap {
                sample = (0..<data.count).map { _ in Int.random(in: 0..<data.count, using: &rng) }
            }
            return RegressionTree(data: data, sample: sample, options: options, using: &rng)
        }
    }

    /// The forest's prediction at `input`: the mean of its trees' predictions.
    ///
    /// - Parameter input: a feature vector of the training length.
    /// - Returns: the prediction.
    /// - Complexity: O(t · depth).
    public func predict(_ input: [Double]) -> Double {
        trees.reduce(0) { $0 + $1.predict(input) } / Double(trees.count)
    }
}

/// Samples in one flat row-major matrix.
struct TrainingData {
    let features: Int
    let count: Int
    let x: [Double]
    let y: [Double]

    init(inputs: [[Double]], targets: [Double]) {
        features = inputs[0].count
        count = inputs.count
        x = inputs.flatMap { $0 }
        y = targets
    }

    @inline(__always) func value(_ sample: Int, _ feature: Int) -> Double { x[sample * features + feature] }
}

/// One regression tree, stored as flat arrays of nodes (a leaf has feature -1).
struct RegressionTree: Sendable {
    private var feature: [Int] = []
    private var threshold: [Double] = []
    private var left: [Int] = []
    private var right: [Int] = []
    private var value: [Double] = []

    init(data: TrainingData, sample: [Int], options: RandomForest.Options, using rng: inout some RandomNumberGenerator)
    {
        var indices = sample
        let minLeaf = max(options.minSamplesLeaf, 1)
        let allFeatures = Array(0..<data.features)
        var sortBuffer: [(Double, Double)] = []
        // (node, range of `indices` it holds)
        var stack: [(Int, Range<Int>)] = [(addLeaf(), 0..<indices.count)]
        while let (node, range) = stack.popLast() {
            var sum = 0.0
            for position in range { sum += data.y[indices[position]] }
            let count = Double(range.count)
            value[node] = sum / count
            guard range.count >= 2 * minLeaf else { continue }
            // The features in a random order at every node, as scikit-learn draws them: a tie between features
            // (two samples that several features separate equally) goes to any of them, not always to the first
            // by name, which made the importance of a parameter depend on its name.
            var candidates = allFeatures
            candidates.shuffle(using: &rng)
            if let maxFeatures = options.maxFeatures, maxFeatures < data.features {
                candidates = Array(candidates.prefix(max(maxFeatures, 1)))
            }
            // The split maximizing sumL²/nL + sumR²/nR (least squared error).
            var bestScore = sum * sum / count + 1e-12 * abs(sum * sum / count) + 1e-300
            var bestFeature = -1
            var bestThreshold = 0.0
            for candidate in candidates {
                sortBuffer.removeAll(keepingCapacity: true)
                for position in range {
                    let sampleIndex = indices[position]
                    sortBuffer.append((data.value(sampleIndex, candidate), data.y[sampleIndex]))
                }
                sortBuffer.sort { $0.0 < $1.0 }
                var leftSum = 0.0
                for split in 1..<sortBuffer.count {
                    leftSum += sortBuffer[split - 1].1
                    guard split >= minLeaf, sortBuffer.count - split >= minLeaf,
                        sortBuffer[split - 1].0 < sortBuffer[split].0
                    else { continue }
                    let leftCount = Double(split)
                    let rightSum = sum - leftSum
                    let score = leftSum * leftSum / leftCount + rightSum * rightSum / (count - leftCount)
                    if score > bestScore {
                        bestScore = score
                        bestFeature = candidate
                        bestThreshold = (sortBuffer[split - 1].0 + sortBuffer[split].0) / 2
                    }
                }
            }
            guard bestFeature >= 0 else { continue }
            // Partition the node's samples: those at or below the threshold first.
            var boundary = range.lowerBound
            for position in range where data.value(indices[position], bestFeature) <= bestThreshold {
                indices.swapAt(position, boundary)
                boundary += 1
            }
            let leftNode = addLeaf()
            let rightNode = addLeaf()
            feature[node] = bestFeature
            threshold[node] = bestThreshold
            left[node] = leftNode
            right[node] = rightNode
            stack.append((leftNode, range.lowerBound..<boundary))
            stack.append((rightNode, boundary..<range.upperBound))
        }
    }

    private mutating func addLeaf() -> Int {
        feature.append(-1)
        threshold.append(0)
        left.append(-1)
        right.append(-1)
        value.append(0)
        return feature.count - 1
    }

    func predict(_ input: [Double]) -> Double {
        var node = 0
        while feature[node] >= 0 {
            node = input[feature[node]] <= threshold[node] ? left[node] : right[node]
        }
        return value[node]
    }
}
