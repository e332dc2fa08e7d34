/// One host's facts with the operator's clock around the probe's round trip, which the clock-skew
/// check compares against.
public struct GatheredHost: Sendable, Equatable {
    public var target: PreflightTarget
    public var facts: HostFacts
    /// Operator time (seconds since the epoch) just before the probe was sent and just after it returned.
    public var operatorBefore: Double
    public var operatorAfter: Double

    public init(target: PreflightTarget, facts: HostFacts, operatorBefore: Double, operatorAfter: Double) {
        self.target = target
        self.facts = facts
        self.operatorBefore = operatorBefore
        self.operatorAfter = operatorAfter
    }

    /// The host clock minus the operator clock, comparing the midpoint of the probe's run on the host with
    /// the midpoint of the round trip (so the probe's own run time cancels out); nil when the host's time
    /// is unknown.
    public var offsetFromOperator: Double? {
        guard let start = facts.epoch else { return nil }
        let hostMidpoint = (start + (facts.epochEnd ?? start)) / 2
        return hostMidpoint - (operatorBefore + operatorAfter) / 2
    }

    /// Half the time spent on the network: how far off the midpoint estimate can be.
    public var uncertainty: Double {
        let onHost = facts.epoch.flatMap { start in facts.epochEnd.map { max(0, $0 - start) } } ?? 0
        return max(0, operatorAfter - operatorBefore - onHost) / 2
    }
}
