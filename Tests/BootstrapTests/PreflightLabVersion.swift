import Preflight

/// Preflight's version type; the module and its `Preflight` enum share a name, so it is spelled here
/// where no other module's `KubernetesVersion` is imported.
typealias PreflightKubernetesVersion = KubernetesVersion
