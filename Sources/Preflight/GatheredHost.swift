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

    /// The host clock minus the operator clock at the round trip's midpoint; nil when the host's time is unknown.
    public var offsetFromOperator: Double? {
        facts.epoch.map { $0 - (operatorBefore + operatorAfter) / 2 }
    }

    /// Half the round trip: how far off the midpoint estimate can be.
    public var uncertainty: Double { max(0, operatorAfter - operatorBefore) / 2 }
}
