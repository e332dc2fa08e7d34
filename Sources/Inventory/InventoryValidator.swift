/// Turns an `InventoryDocument` into an `Inventory`: applies defaults, expands ranges and paths,
/// and collects every problem (never stopping at the first) as positioned diagnostics.
struct InventoryValidator {
    static let maximumHosts = 10_000

    let options: InventoryLoadOptions
    private(set) var diagnostics: [InventoryDiagnostic] = []
    private var reported: Set<String> = []

    init(options: InventoryLoadOptions) {
        self.options = options
    }

    var expander: PathExpander {
        PathExpander(environment: options.environment, baseDirectory: options.baseDirectory)
    }

    /// The inventory, or nil when any error was found (the diagnostics say why).
    mutating func validate(_ document: InventoryDocument) -> Inventory? {
        checkHeader(document)
        let cluster = validateCluster(document.cluster, document: document)
        let defaults = resolveSSH(document.ssh, path: "ssh")
        let hosts = validateHosts(document, defaults: defaults, networks: cluster.networks)
        let settings = cluster.settings
        if settings.controlPlaneEndpoint == nil, hosts.filter(\.host.isControlPlane).count > 1 {
            error(at: document.cluster.controlPlaneEndpoint?.location ?? document.location,
                  "\(hosts.filter(\.host.isControlPlane).count) control-plane hosts but no cluster.controlPlaneEndpoint",
                  fix: "set cluster.controlPlaneEndpoint to a load-balanced address in front of all control planes, e.g. lb.example.com:6443")
        }
        guard !diagnostics.hasErrors else { return nil }
        return Inventory(cluster: settings, hosts: hosts.map(\.host))
    }

    private mutating func checkHeader(_ document: InventoryDocument) {
        if let apiVersion = document.apiVersion, apiVersion.value != Inventory.apiVersion {
            error(at: apiVersion.location, "unsupported apiVersion \"\(apiVersion.value.prefix(80))\"",
                  fix: "use `apiVersion: \(Inventory.apiVersion)`")
        }
        if let kind = document.kind, kind.value != Inventory.kind {
            error(at: kind.location, "kind must be \"\(Inventory.kind)\", found \"\(kind.value.prefix(80))\"",
                  fix: "use `kind: \(Inventory.kind)`")
        }
    }

    // MARK: Reporting

    mutating func error(at location: SourceLocation, _ message: String, fix: String? = nil) {
        report(InventoryDiagnostic(.error, at: location, message, fix: fix))
    }

    /// A value that must be one of `Choice`'s cases: the case, or nil after an error at the value with a
    /// "did you mean" and the list (`fix` replaces the list where a sentence says more).
    mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ value: Located<String>, field: String, isNot noun: String, fix: String? = nil
    ) -> Choice? where Choice.RawValue == String {
        if let parsed = Choice(rawValue: value.value) { return parsed }
        let allowed = Choice.allCases.map(\.rawValue)
        let hint = InventorySchema.suggestion(for: value.value, among: allowed).map { "; did you mean \"\($0)\"?" } ?? ""
        error(at: value.location, "\(field) \"\(value.value.prefix(80))\" is not \(noun)\(hint)",
              fix: fix ?? "use one of: \(allowed.joined(separator: ", "))")
        return nil
    }

    mutating func warning(at location: SourceLocation, _ message: String, fix: String? = nil) {
        report(InventoryDiagnostic(.warning, at: location, message, fix: fix))
    }

    /// Defaults shared by many hosts would otherwise repeat one problem per host.
    private mutating func report(_ diagnostic: InventoryDiagnostic) {
        let key = "\(diagnostic.location)|\(diagnostic.severity)|\(diagnostic.message)"
        guard reported.insert(key).inserted else { return }
        diagnostics.append(diagnostic)
    }

    /// Expands a path field; nil (with a diagnostic) when it cannot be.
    mutating func expandPath(_ value: Located<String>, field: String) -> String? {
        do {
            return try expander.expand(value.value)
        } catch {
            self.error(at: value.location, "\(field): \(error)",
                       fix: "set the variable, or write the path out in full (relative paths start at the current directory)")
            return nil
        }
    }
}
