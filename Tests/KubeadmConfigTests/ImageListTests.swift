import Testing
import KubeadmConfig
import KubeTypes

struct ImageListTests {
    @Test func defaultRegistryPutsCoreDNSUnderItsOwnPath() throws {
        let config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: "v1.32.1"))
        #expect(ImageList.images(for: config.clusterConfiguration) == [
            "registry.k8s.io/kube-apiserver:v1.32.1",
            "registry.k8s.io/kube-controller-manager:v1.32.1",
            "registry.k8s.io/kube-scheduler:v1.32.1",
            "registry.k8s.io/kube-proxy:v1.32.1",
            "registry.k8s.io/coredns/coredns:v1.11.3",
            "registry.k8s.io/pause:3.10",
            "registry.k8s.io/etcd:3.5.16-0",
        ])
    }

    @Test func tutorialMirrorHasFlatCoreDNS() throws {
        var config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: "v1.28.0"))
        config.clusterConfiguration.imageRepository = "registry.aliyuncs.com/google_containers"
        #expect(ImageList.images(for: config.clusterConfiguration) == [
            "registry.aliyuncs.com/google_containers/kube-apiserver:v1.28.0",
            "registry.aliyuncs.com/google_containers/kube-controller-manager:v1.28.0",
            "registry.aliyuncs.com/google_containers/kube-scheduler:v1.28.0",
            "registry.aliyuncs.com/google_containers/kube-proxy:v1.28.0",
            "registry.aliyuncs.com/google_containers/coredns:v1.10.1",
            "registry.aliyuncs.com/google_containers/pause:3.9",
            "registry.aliyuncs.com/google_containers/etcd:3.5.9-0",
        ])
    }

    /// What upstream kubeadm v1.28.7 lists (and writes into etcd.yaml): etcd follows the patch release.
    @Test func etcdImageIsThePatchReleases() throws {
        let config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: "v1.28.7"))
        #expect(ImageList.images(for: config.clusterConfiguration).last == "registry.k8s.io/etcd:3.5.10-0")
    }

    @Test func disabledAddonsExternalEtcdAndOverrides() {
        var c = ClusterConfiguration()
        c.proxy.disabled = true
        c.dns.imageRepository = "my.registry/dns"
        c.dns.imageTag = "v9"
        c.etcd.local = nil
        c.etcd.external = .init()
        let images = ImageList.images(for: c)
        #expect(!images.contains { $0.contains("kube-proxy") })
        #expect(images.contains("my.registry/dns/coredns:v9"))
        #expect(!images.contains { $0.contains("etcd") })
        c.dns.disabled = true
        #expect(!ImageList.images(for: c).contains { $0.contains("coredns") })
    }
}
