import Testing
import KubeTypes

struct KubernetesVersionTests {
    @Test func parsesWithAndWithoutPrefix() throws {
        #expect(try KubernetesVersion(parsing: "v1.28.0") == KubernetesVersion(major: 1, minor: 28, patch: 0))
        #expect(try KubernetesVersion(parsing: "1.33.2").description == "v1.33.2")
        #expect(try KubernetesVersion(parsing: "v1.30.0-rc.1").preRelease == "rc.1")
    }

    @Test func imageTagReplacesPlus() throws {
        #expect(try KubernetesVersion(parsing: "v1.29.3+k3s1").imageTag == "v1.29.3_k3s1")
    }

    @Test func ordersBySemanticVersion() throws {
        let versions = try ["v1.28.10", "v1.28.9", "v1.30.0", "v1.30.0-rc.1", "v1.30.0-alpha.2", "v1.30.0-alpha.10"].map { try KubernetesVersion(parsing: $0) }
        #expect(versions.sorted().map(\.description) == ["v1.28.9", "v1.28.10", "v1.30.0-alpha.2", "v1.30.0-alpha.10", "v1.30.0-rc.1", "v1.30.0"])
    }

    @Test(arguments: ["1.28", "v1.x.0", "", "v1.28.0-", "latest-2"])
    func rejectsMalformed(_ text: String) {
        #expect(throws: KubernetesVersionError.unparsable(text)) { try KubernetesVersion(parsing: text) }
    }

    @Test func stableLabelsMeanTheDefault() throws {
        #expect(try KubernetesVersion(parsing: "stable-1") == .kubeforgeDefault)
    }

    @Test func supportsOnly128Through133() throws {
        try KubernetesVersion(parsing: "v1.28.0").checkSupported()
        try KubernetesVersion(parsing: "v1.33.9").checkSupported()
        #expect(throws: KubernetesVersionError.self) { try KubernetesVersion(parsing: "v1.27.4").checkSupported() }
        #expect(throws: KubernetesVersionError.self) { try KubernetesVersion(parsing: "v1.34.0").checkSupported() }
    }
}
