import Preflight

/// Preflight's version type, by a name that does not collide with Inventory's and KubeadmConfig's.
typealias PreflightKubernetesVersion = KubernetesVersion
