import Testing
import KubeadmConfig
import KubeTypes
import Templates

/// Flags compared with the reference tables of kubeadm.md §3.4–§3.7, flag by flag.
struct ComponentFlagsTests {
    static func config(version: String = "v1.33.0", address: String = "192.168.2.201", name: String = "k8s-master") throws -> KubeadmConfiguration {
        var config = KubeadmConfiguration(kubernetesVersion: try KubernetesVersion(parsing: version))
        config.initConfiguration.localAPIEndpoint.advertiseAddress = address
        config.initConfiguration.nodeRegistration.name = name
        return config
    }

    @Test(arguments: ["v1.28.0", "v1.30.5", "v1.31.0", "v1.33.1"])
    func apiServerDefaultsMatchTheReference(_ version: String) throws {
        let flags = ComponentFlags.apiServer(try Self.config(version: version)).commandLine
        #expect(flags == [
            "--advertise-address=192.168.2.201",
            "--allow-privileged=true",
            "--authorization-mode=Node,RBAC",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true",
            "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
            "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
            "--etcd-servers=https://127.0.0.1:2379",
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
            "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
            "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
            "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-group-headers=X-Remote-Group",
            "--requestheader-username-headers=X-Remote-User",
            "--secure-port=6443",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
            "--service-cluster-ip-range=10.96.0.0/12",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
            "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
        ])
        #expect(flags.count == 27)
    }

    @Test func apiServerFollowsConfiguration() throws {
        var config = try Self.config(address: "fd00::10")
        config.initConfiguration.localAPIEndpoint.bindPort = 8443
        config.clusterConfiguration.networking.dnsDomain = "corp.local"
        config.clusterConfiguration.certificatesDir = "/srv/pki"
        config.clusterConfiguration.apiServer.component.extraArgs = [Arg("authorization-config", "/etc/kubernetes/authz.yaml"), Arg("enable-admission-plugins", "NodeRestriction,PodSecurity")]
        let flags = ComponentFlags.apiServer(config)
        #expect(flags.value(of: "etcd-servers") == "https://[::1]:2379")
        #expect(flags.value(of: "secure-port") == "8443")
        #expect(flags.value(of: "service-account-issuer") == "https://kubernetes.default.svc.corp.local")
        #expect(flags.value(of: "client-ca-file") == "/srv/pki/ca.crt")
        #expect(flags.value(of: "authorization-mode") == nil)
        #expect(flags.filter { $0.name == "enable-admission-plugins" } == [Arg("enable-admission-plugins", "NodeRestriction,PodSecurity")])
        #expect(flags.map(\.name) == flags.map(\.name).sorted())
    }

    @Test func apiServerWithExternalEtcd() throws {
        var config = try Self.config()
        var external = ClusterConfiguration.ExternalEtcd()
        external.endpoints = ["https://10.0.0.1:2379", "https://10.0.0.2:2379"]
        external.caFile = "/etc/etcd/ca.pem"
        config.clusterConfiguration.etcd.local = nil
        config.clusterConfiguration.etcd.external = external
        let flags = ComponentFlags.apiServer(config)
        #expect(flags.value(of: "etcd-servers") == "https://10.0.0.1:2379,https://10.0.0.2:2379")
        #expect(flags.value(of: "etcd-cafile") == "/etc/etcd/ca.pem")
        #expect(flags.value(of: "etcd-certfile") == nil)
    }

    @Test func controllerManagerDefaultsMatchTheReference() throws {
        let flags = ComponentFlags.controllerManager(try Self.config()).commandLine
        #expect(flags == [
            "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--bind-address=127.0.0.1",
            "--client-ca-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-name=kubernetes",
            "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
            "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
            "--controllers=*,bootstrapsigner,tokencleaner",
            "--kubeconfig=/etc/kubernetes/controller-manager.conf",
            "--leader-elect=true",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
            "--root-ca-file=/etc/kubernetes/pki/ca.crt",
            "--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
            "--use-service-account-credentials=true",
        ])
    }

    @Test func controllerManagerWithPodSubnetAndExternalCA() throws {
        var config = try Self.config()
        config.clusterConfiguration.networking.podSubnet = "192.168.0.0/16"
        let flags = ComponentFlags.controllerManager(config, externalCA: true)
        #expect(flags.value(of: "allocate-node-cidrs") == "true")
        #expect(flags.value(of: "cluster-cidr") == "192.168.0.0/16")
        #expect(flags.value(of: "service-cluster-ip-range") == "10.96.0.0/12")
        #expect(flags.value(of: "cluster-signing-cert-file") == "")
        #expect(flags.value(of: "cluster-signing-key-file") == "")
    }

    @Test func schedulerDefaultsMatchTheReference() throws {
        var config = try Self.config()
        #expect(ComponentFlags.scheduler(config).commandLine == [
            "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
            "--bind-address=127.0.0.1",
            "--kubeconfig=/etc/kubernetes/scheduler.conf",
            "--leader-elect=true",
        ])
        config.clusterConfiguration.scheduler.extraArgs = [Arg("bind-address", "0.0.0.0")]
        #expect(ComponentFlags.scheduler(config).value(of: "bind-address") == "0.0.0.0")
        #expect(ComponentFlags.scheduler(config).filter { $0.name == "bind-address" }.count == 1)
    }

    @Test func etcdDefaultsMatchTheReference() throws {
        let flags = ComponentFlags.etcd(try Self.config()).commandLine
        #expect(flags == [
            "--advertise-client-urls=https://192.168.2.201:2379",
            "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
            "--client-cert-auth=true",
            "--data-dir=/var/lib/etcd",
            "--experimental-initial-corrupt-check=true",
            "--experimental-watch-progress-notify-interval=5s",
            "--initial-advertise-peer-urls=https://192.168.2.201:2380",
            "--initial-cluster=k8s-master=https://192.168.2.201:2380",
            "--key-file=/etc/kubernetes/pki/etcd/server.key",
            "--listen-client-urls=https://127.0.0.1:2379,https://192.168.2.201:2379",
            "--listen-metrics-urls=http://127.0.0.1:2381",
            "--listen-peer-urls=https://192.168.2.201:2380",
            "--name=k8s-master",
            "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
            "--peer-client-cert-auth=true",
            "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
            "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
            "--snapshot-count=10000",
            "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
        ])
    }

    @Test func etcdJoiningMemberAndIPv6() throws {
        let config = try Self.config(address: "fd00::12", name: "cp2")
        let flags = ComponentFlags.etcd(config, existingMembers: [EtcdMember(name: "cp1", peerURL: "https://[fd00::11]:2380")])
        #expect(flags.value(of: "initial-cluster") == "cp1=https://[fd00::11]:2380,cp2=https://[fd00::12]:2380")
        #expect(flags.value(of: "initial-cluster-state") == "existing")
        #expect(flags.value(of: "listen-client-urls") == "https://[::1]:2379,https://[fd00::12]:2379")
        #expect(flags.value(of: "listen-metrics-urls") == "http://[::1]:2381")
    }

    @Test func etcdExtraArgsOverride() throws {
        var config = try Self.config()
        config.clusterConfiguration.etcd.local?.extraArgs = [Arg("listen-metrics-urls", "http://0.0.0.0:2381"), Arg("quota-backend-bytes", "8589934592")]
        let flags = ComponentFlags.etcd(config)
        #expect(flags.value(of: "listen-metrics-urls") == "http://0.0.0.0:2381")
        #expect(flags.value(of: "quota-backend-bytes") == "8589934592")
        #expect(flags.count == 20)
    }
}
