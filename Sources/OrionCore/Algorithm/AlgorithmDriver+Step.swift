import Foundation

extension AlgorithmDriver {
    /// A driver a worker keeps between two production rounds, with the version of the stored state it matches.
    public struct Cached: Sendable {
        /// The driver as it was after the worker's last round.
        public var driver: AlgorithmDriver
        /// The version of the stored state that `driver` is equal to (``StepOutput/stateVersion``).
        public var stateVersion: Int

        /// Creates a cache entry.
        ///
        /// - Parameters:
        ///   - driver: the driver after the last round.
        ///   - stateVersion: the stored state version it corresponds to.
        public init(driver: AlgorithmDriver, stateVersion: Int) {
            self.driver = driver
            self.stateVersion = stateVersion
        }
    }

    /// What one round of ``step(snapshot:cached:experiment:factory:count:now:)`` gives the worker.
    public struct StepOutput: Sendable {
        /// The driver after the round; keep it as ``Cached`` with ``stateVersion``.
        public var driver: AlgorithmDriver
        /// The trials produced in this round (to be registered with the new state).
        public var trials: [Trial]
        /// Whether the algorithm has nothing more to suggest (``AlgorithmDriver/isDone``).
        public var isDone: Bool
        /// The version the stored state has once this round's state is saved (the snapshot's plus one).
        public var stateVersion: Int

        /// Creates an output.
        public init(driver: AlgorithmDriver, trials: [Trial], isDone: Bool, stateVersion: Int) {
            self.driver = driver
            self.trials = trials
            self.isDone = isDone
            self.stateVersion = stateVersion
        }
    }

    /// One production round, run under the experiment's algorithm lock (`Storage.withAlgorithmLock`).
    ///
    /// 1. Picks the driver: `cached` when its version is the snapshot's (this worker saved the state last), else
    ///    the stored state decoded, else a fresh algorithm.
    /// 2. On a fresh algorithm (no stored state), observes `inherited` first: a child version's adapted parent
    ///    trials (warm start; a multi-fidelity algorithm continues the parent's brackets and promotes its trials);
    ///    then observes the snapshot's changed trials. Inherited points count as existing trials at every round:
    ///    they are not produced again. When the inherited trials alone leave a multi-fidelity algorithm done (its
    ///    brackets or populations full), it starts again without them, so that the version runs its own.
    /// 3. When the experiment has `maxTrials`, lowers `count` to `maxTrials` minus the trials that are not
    ///    broken (broken trials are replaced) and minus the inherited trials (they count toward `maxTrials`, as in
    ///    Oríon).
    /// 4. Produces up to that many new trials, none when every configuration of a finite space has a trial
    ///    (``Space/isFilled(index:experimentID:counted:)``, the experiment's trials and the inherited points): the
    ///    output is then done, whatever the algorithm says.
    ///
    /// A stored state that cannot be decoded, or that was saved for another algorithm or other options (written by
    /// hand or by another version), throws ``AlgorithmError`` `.corruptState`: a fresh algorithm here would see only
    /// the snapshot's changed trials, not every trial. The caller resets the stored state
    /// (`Storage.resetAlgorithm(of:)`) and runs the round again, so that the fresh algorithm observes every trial.
    ///
    /// - Parameters:
    ///   - snapshot: what the storage holds now.
    ///   - cached: the driver this worker kept from its last round, if any. The round takes it: when the caller
    ///     keeps no other copy (``TrialProducer`` hands it over), the algorithm's state is changed in place rather
    ///     than copied (copy on write) at every round.
    ///   - experiment: the experiment.
    ///   - factory: makes or decodes the algorithm.
    ///   - count: the most trials wanted.
    ///   - now: the new trials' submission time.
    ///   - inherited: trials the experiment inherits from its parent versions, already in its space; observed
    ///     once, when the algorithm starts fresh, never registered nor produced again.
    ///   - inheritedCount: how many of them count toward `maxTrials` (those at a point the experiment has no trial
    ///     at); `nil`: all of them.
    /// - Returns: the new state, the trials to register, and a ``StepOutput``.
    /// - Throws: ``AlgorithmError`` when the algorithm cannot be made, `.corruptState` when the stored state cannot
    ///   be used; the state's encoding error.
    public static func step(
        snapshot: AlgorithmSnapshot,
        cached: consuming Cached?,
        experiment: Experiment,
        factory: any AlgorithmFactory,
        count: Int,
        now: Date,
        inherited: InheritedTrials = .none,
        inheritedCount: Int? = nil
    ) throws -> AlgorithmUpdate<StepOutput> {
        var driver: AlgorithmDriver
        let reusable =
            cached.map {
                $0.stateVersion == snapshot.stateVersion && snapshot.state != nil && $0.driver.matches(experiment)
            } ?? false
        if reusable, let taken = consume cached {
            // `taken` ends with this scope: from then on `driver` is the only reference to the algorithm's state
            // when the caller handed its cache over.
            driver = taken.driver
            // The storage's index of trial ids is what counts under the lock: drop the in-process set rather than
            // copy it (a caller that keeps its cache still shares it) at every round.
            driver.forgetKnownTrials()
        } else if let state = snapshot.state {
            driver = try AlgorithmDriver(experiment: experiment, factory: factory, state: state)
            if driver.restartedFromScratch {
                throw AlgorithmError(
                    .corruptState,
                    "the stored algorithm state was saved for another algorithm or other options than the "
                        + "experiment's '\(experiment.algorithm.name)'"
                )
            }
        } else {
            driver = try AlgorithmDriver(experiment: experiment, factory: factory)
        }
        if snapshot.state == nil && !inherited.trials.isEmpty {
            driver.observe(inherited.trials)
            if driver.isDone && factory.schedulesFidelity(experiment.algorithm) {
                // The inherited trials already fill every bracket or population of a multi-fidelity algorithm
                // (`repetitions: 1` done in the parent): the version runs its own, as under Oríon, where a child's
                // brackets start empty, rather than nothing at all. Its points still count as existing below.
                driver = try AlgorithmDriver(experiment: experiment, factory: factory)
            }
        }
        driver.observe(snapshot.changedTrials)

        var wanted = max(0, count)
        let counted = inheritedCount ?? inherited.trials.count
        if let maxTrials = experiment.maxTrials {
            let live = snapshot.counts.reduce(counted) { $0 + ($1.key == .broken ? 0 : $1.value) }
            wanted = min(wanted, max(0, maxTrials - live))
        }
        let existing = inherited.including(snapshot.existingTrials)
        // Every configuration of a finite space has a trial (any status: a broken one is not drawn again): the
        // search is over whatever the algorithm tracks. Random search remembers the configurations of small spaces
        // only, and no algorithm should draw in vain until the workers' idle timeout.
        let filled = try experiment.space.isFilled(
            index: existing,
            experimentID: experiment.id,
            counted: snapshot.counts.values.reduce(counted, +)
        )
        if filled { wanted = 0 }
        let trials =
            wanted > 0
            ? try driver.produce(count: wanted, now: now, existing: existing).map(inherited.withStoredParent) : []
        let state = try driver.encodedState()
        let output = StepOutput(
            driver: driver,
            trials: trials,
            isDone: filled || driver.isDone,
            stateVersion: snapshot.stateVersion + 1
        )
        return AlgorithmUpdate(state: state, newTrials: trials, output: output)
    }

    /// Whether this driver was made for `experiment` as it is now (same id, space, algorithm configuration and
    /// budget).
    func matches(_ experiment: Experiment) -> Bool {
        experimentID == experiment.id && configuration == experiment.algorithm && space == experiment.space
            && context.maxTrials == experiment.maxTrials
    }
}
