import Testing
import KubeadmConfig

struct KubernetesVersionTests {
    @Test func parsesWithAndWithoutPrefix() throws {
        #expect(try KubernetesVersion(parsing: "v1.28.0") == KubernetesVersion(major: 1, minor: 28, patch: 0))
        #expect(try KubernetesVersion(parsing: "1.33.2").description == "v1.33.2")
    }
}
