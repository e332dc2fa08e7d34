import Testing
import KubeadmConfig
import KubeTypes

struct ComponentVersionsTests {
    @Test func componentVersionsFollowTheMinor() throws {
        let v128 = ComponentVersions.forKubernetes(try KubernetesVersion(parsing: "v1.28.0"))
        #expect(v128 == ComponentVersions(etcd: "3.5.9-0", coreDNS: "v1.10.1", pause: "3.9"))
        let v132 = ComponentVersions.forKubernetes(try KubernetesVersion(parsing: "v1.32.4"))
        #expect(v132 == ComponentVersions(etcd: "3.5.16-0", coreDNS: "v1.11.3", pause: "3.10"))
    }
}
