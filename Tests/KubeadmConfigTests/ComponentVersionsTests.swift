import Testing
import KubeadmConfig
import KubeTypes

struct ComponentVersionsTests {
    private func versions(_ text: String) throws -> ComponentVersions {
        ComponentVersions.forKubernetes(try KubernetesVersion(parsing: text))
    }

    @Test func componentVersionsFollowTheMinor() throws {
        #expect(try versions("v1.28.0") == ComponentVersions(etcd: "3.5.9-0", coreDNS: "v1.10.1", pause: "3.9"))
        #expect(try versions("v1.32.4") == ComponentVersions(etcd: "3.5.16-0", coreDNS: "v1.11.3", pause: "3.10"))
    }

    /// What `kubeadm config images list --kubernetes-version V` prints for the etcd image, release by release
    /// (upstream's SupportedEtcdVersion at each tag), at both ends of every range.
    @Test(arguments: [
        ("v1.28.5", "3.5.9-0"), ("v1.28.6", "3.5.10-0"), ("v1.28.7", "3.5.10-0"), ("v1.28.8", "3.5.12-0"),
        ("v1.28.13", "3.5.12-0"), ("v1.28.14", "3.5.15-0"), ("v1.28.15", "3.5.15-0"),
        ("v1.29.0", "3.5.10-0"), ("v1.29.2", "3.5.10-0"), ("v1.29.3", "3.5.12-0"), ("v1.29.8", "3.5.12-0"),
        ("v1.29.9", "3.5.15-0"), ("v1.29.10", "3.5.15-0"), ("v1.29.11", "3.5.16-0"), ("v1.29.15", "3.5.16-0"),
        ("v1.30.0", "3.5.12-0"), ("v1.30.4", "3.5.12-0"), ("v1.30.5", "3.5.15-0"), ("v1.30.14", "3.5.15-0"),
        ("v1.31.0", "3.5.15-0"), ("v1.31.13", "3.5.15-0"), ("v1.31.14", "3.5.24-0"),
        ("v1.32.0", "3.5.16-0"), ("v1.32.9", "3.5.16-0"), ("v1.32.10", "3.5.24-0"),
        ("v1.33.0", "3.5.21-0"), ("v1.33.5", "3.5.21-0"), ("v1.33.6", "3.5.24-0"),
    ])
    func etcdFollowsThePatchRelease(release: String, etcd: String) throws {
        #expect(try versions(release).etcd == etcd)
    }

    /// CoreDNS moved within patch releases too: v1.11.1 until v1.30.4 and in v1.31.0, v1.11.3 after.
    @Test func coreDNSFollowsThePatchRelease() throws {
        #expect(try versions("v1.30.4").coreDNS == "v1.11.1")
        #expect(try versions("v1.30.5").coreDNS == "v1.11.3")
        #expect(try versions("v1.31.0").coreDNS == "v1.11.1")
        #expect(try versions("v1.31.1").coreDNS == "v1.11.3")
        #expect(try versions("v1.31.0").pause == "3.10")
        #expect(try versions("v1.30.14").pause == "3.9")
    }

    @Test func preReleasesCountAsTheirPatchAndOtherMinorsAreClamped() throws {
        #expect(try versions("v1.28.6-rc.0").etcd == "3.5.10-0")
        #expect(try versions("v1.28.0-alpha.1").etcd == "3.5.9-0")
        #expect(ComponentVersions.forKubernetes(KubernetesVersion(major: 1, minor: 27, patch: 16)).etcd == "3.5.9-0")
        #expect(ComponentVersions.forKubernetes(KubernetesVersion(major: 1, minor: 34, patch: 0)).etcd == "3.5.24-0")
    }
}
