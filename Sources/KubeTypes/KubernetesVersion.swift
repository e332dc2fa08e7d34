import Foundation

/// A Kubernetes release version such as `v1.28.0`, ordered by semantic-version rules.
///
/// kubeadm resolves labels like `stable-1` over the network; offline, it falls back to its own version, and so does
/// kubeforge (``KubernetesVersion/kubeforgeDefault``). Preflight reads versions more leniently
/// (``init(_:)``); kubeadm's configuration and flags use ``init(parsing:)``.
public struct KubernetesVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int
    /// Pre-release part after `-` (`rc.1`, `alpha.0`), compared after the numbers.
    public let preRelease: String?
    /// Build metadata after `+`; ignored when ordering.
    public let build: String?

    /// The release kubeforge behaves as when no version is given (kubeadm's own version in kubeadm's terms).
    public static let kubeforgeDefault = KubernetesVersion(major: 1, minor: 33, patch: 0)
    /// The minor releases whose manifests, flags and images kubeforge reproduces.
    public static let supportedMinors: ClosedRange<Int> = 28...33

    public init(major: Int, minor: Int, patch: Int = 0, preRelease: String? = nil, build: String? = nil) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.preRelease = preRelease
        self.build = build
    }

    /// Parses `v1.28.0`, `1.28.0`, `v1.30.0-rc.1`, `v1.29.3+k3s1`; `stable`, `stable-1` and `latest` mean
    /// ``kubeforgeDefault`` (kubeadm's offline fallback).
    public init(parsing text: String) throws(KubernetesVersionError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["stable", "stable-1", "latest", "latest-1"].contains(trimmed) {
            self = .kubeforgeDefault
            return
        }
        var rest = Substring(trimmed)
        if rest.hasPrefix("v") { rest = rest.dropFirst() }
        var build: String?
        if let plus = rest.firstIndex(of: "+") {
            build = String(rest[rest.index(after: plus)...])
            rest = rest[..<plus]
        }
        var preRelease: String?
        if let dash = rest.firstIndex(of: "-") {
            preRelease = String(rest[rest.index(after: dash)...])
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2]),
              major >= 0, minor >= 0, patch >= 0,
              preRelease.map({ !$0.isEmpty }) ?? true, build.map({ !$0.isEmpty }) ?? true
        else {
            throw KubernetesVersionError.unparsable(text)
        }
        self.init(major: major, minor: minor, patch: patch, preRelease: preRelease, build: build)
    }

    /// Preflight's lenient reading: `v1.28.0`, `1.28` (patch 0), `v1.30.1-rc.0` (the pre-release is dropped,
    /// only major and minor drive checks); nil for anything else, labels such as `latest` included.
    public init?(_ text: String) {
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        let core = body.split(separator: "-", maxSplits: 1).first ?? ""
        let parts = core.split(separator: ".").map { Int($0) }
        guard parts.count >= 2, parts.count <= 3, !parts.contains(nil) else { return nil }
        self.init(major: parts[0]!, minor: parts[1]!, patch: parts.count == 3 ? parts[2]! : 0)
    }

    /// `v1.28.0` form, as kubeadm writes it into manifests and the kubeadm-config ConfigMap.
    public var description: String {
        var text = "v\(major).\(minor).\(patch)"
        if let preRelease { text += "-\(preRelease)" }
        if let build { text += "+\(build)" }
        return text
    }

    /// The image tag for control-plane images: the version with `+` replaced by `_` (images.go).
    public var imageTag: String { description.replacingOccurrences(of: "+", with: "_") }

    /// `1.28.0` form used by `config print init-defaults` for its placeholder kubernetesVersion.
    public var withoutPrefix: String { String(description.dropFirst()) }

    /// Throws unless this version's minor is one kubeforge reproduces (v1.28–v1.33).
    public func checkSupported() throws(KubernetesVersionError) {
        guard major == 1, Self.supportedMinors.contains(minor) else {
            throw KubernetesVersionError.unsupported(self)
        }
    }

    /// True when this release is `1.minor` or newer.
    public func isAtLeast(minor other: Int) -> Bool {
        major > 1 || (major == 1 && minor >= other)
    }

    public static func < (lhs: KubernetesVersion, rhs: KubernetesVersion) -> Bool {
        if (lhs.major, lhs.minor, lhs.patch) != (rhs.major, rhs.minor, rhs.patch) {
            return (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
        }
        switch (lhs.preRelease, rhs.preRelease) {
        case (nil, nil), (nil, _?): return false
        case (_?, nil): return true
        case let (left?, right?): return preReleaseLess(left, right)
        }
    }

    public static func == (lhs: KubernetesVersion, rhs: KubernetesVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch, lhs.preRelease) == (rhs.major, rhs.minor, rhs.patch, rhs.preRelease)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(preRelease)
    }

    /// SemVer §11: dot-separated identifiers, numeric ones compared numerically and before alphanumeric ones.
    private static func preReleaseLess(_ left: String, _ right: String) -> Bool {
        let lhs = left.split(separator: "."), rhs = right.split(separator: ".")
        for (a, b) in zip(lhs, rhs) where a != b {
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return a < b
            }
        }
        return lhs.count < rhs.count
    }
}

/// Why a Kubernetes version was refused.
public enum KubernetesVersionError: Error, CustomStringConvertible, Equatable {
    case unparsable(String)
    case unsupported(KubernetesVersion)

    public var description: String {
        switch self {
        case let .unparsable(text):
            "'\(text)' is not a Kubernetes version; use the form v1.28.0"
        case let .unsupported(version):
            "Kubernetes \(version) is not supported; kubeforge reproduces v1.\(KubernetesVersion.supportedMinors.lowerBound) "
                + "through v1.\(KubernetesVersion.supportedMinors.upperBound)"
        }
    }
}
