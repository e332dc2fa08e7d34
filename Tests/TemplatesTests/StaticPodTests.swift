import Foundation
import Testing
import Yams
import KubeadmConfig
import Templates

/// The rendered static Pods, read back as YAML and checked against kubeadm.md §3.1–§3.3 and §3.8.
struct StaticPodTests {
    static func pod(_ component: ControlPlaneComponentName, _ config: KubeadmConfiguration, _ options: RenderOptions = .init()) throws -> Node {
        let text = try ClusterRenderer(config: config, options: options).staticPodManifest(component)
        return try #require(try Yams.compose(yaml: text))
    }

    static func container(_ pod: Node) -> Node { pod["spec"]?["containers"]?[0] ?? Node("") }

    @Test(arguments: ControlPlaneComponentName.allCases)
    func commonPodShape(_ component: ControlPlaneComponentName) throws {
        let pod = try Self.pod(component, try ComponentFlagsTests.config())
        #expect(pod["metadata"]?["name"]?.string == component.rawValue)
        #expect(pod["metadata"]?["namespace"]?.string == "kube-system")
        #expect(pod["metadata"]?["labels"]?["component"]?.string == component.rawValue)
        #expect(pod["metadata"]?["labels"]?["tier"]?.string == "control-plane")
        #expect(pod["spec"]?["hostNetwork"]?.bool == true)
        #expect(pod["spec"]?["priorityClassName"]?.string == "system-node-critical")
        #expect(pod["spec"]?["priority"]?.int == 2000001000)
        #expect(pod["spec"]?["securityContext"]?["seccompProfile"]?["type"]?.string == "RuntimeDefault")
        let container = Self.container(pod)
        #expect(container["imagePullPolicy"]?.string == "IfNotPresent")
        let command = container["command"]?.sequence?.compactMap(\.string) ?? []
        #expect(command.first == component.rawValue)
        #expect(Array(command.dropFirst()) == ComponentFlags.flags(for: component, config: try ComponentFlagsTests.config()).commandLine)
        #expect(container["resources"]?["limits"] == nil)
        let volumeNames = pod["spec"]?["volumes"]?.sequence?.compactMap { $0["name"]?.string } ?? []
        #expect(volumeNames == volumeNames.sorted())
    }

    @Test func resourceRequests() throws {
        let config = try ComponentFlagsTests.config()
        let cpu = try ControlPlaneComponentName.allCases.map { try Self.container(Self.pod($0, config))["resources"]?["requests"]?["cpu"]?.string }
        #expect(cpu == ["250m", "200m", "100m", "100m"])
        #expect(Self.container(try Self.pod(.etcd, config))["resources"]?["requests"]?["memory"]?.string == "100Mi")
    }

    @Test func apiServerProbesAndAnnotation() throws {
        let pod = try Self.pod(.apiServer, try ComponentFlagsTests.config())
        #expect(pod["metadata"]?["annotations"]?["kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint"]?.string == "192.168.2.201:6443")
        let container = Self.container(pod)
        let live = container["livenessProbe"]
        #expect(live?["httpGet"]?["host"]?.string == "192.168.2.201")
        #expect(live?["httpGet"]?["path"]?.string == "/livez")
        #expect(live?["httpGet"]?["port"]?.int == 6443)
        #expect(live?["httpGet"]?["scheme"]?.string == "HTTPS")
        #expect([live?["initialDelaySeconds"]?.int, live?["timeoutSeconds"]?.int, live?["failureThreshold"]?.int, live?["periodSeconds"]?.int] == [10, 15, 8, 10])
        let ready = container["readinessProbe"]
        #expect(ready?["httpGet"]?["path"]?.string == "/readyz")
        #expect(ready?["initialDelaySeconds"] == nil)
        #expect([ready?["timeoutSeconds"]?.int, ready?["failureThreshold"]?.int, ready?["periodSeconds"]?.int] == [15, 3, 1])
        let startup = container["startupProbe"]
        #expect(startup?["httpGet"]?["path"]?.string == "/livez")
        #expect([startup?["initialDelaySeconds"]?.int, startup?["failureThreshold"]?.int, startup?["periodSeconds"]?.int] == [10, 24, 10])
    }

    @Test func startupThresholdFollowsTheHealthCheckTimeout() throws {
        var config = try ComponentFlagsTests.config()
        config.initConfiguration.timeouts.controlPlaneComponentHealthCheck = .minutes(5)
        #expect(Self.container(try Self.pod(.scheduler, config))["startupProbe"]?["failureThreshold"]?.int == 30)
        config.clusterConfiguration.apiServer.timeoutForControlPlane = GoDuration(seconds: 95)
        #expect(Self.container(try Self.pod(.scheduler, config))["startupProbe"]?["failureThreshold"]?.int == 10)
    }

    @Test func controllerManagerAndSchedulerProbes() throws {
        var config = try ComponentFlagsTests.config()
        let kcm = Self.container(try Self.pod(.controllerManager, config))
        #expect(kcm["livenessProbe"]?["httpGet"]?["port"]?.int == 10257)
        #expect(kcm["livenessProbe"]?["httpGet"]?["path"]?.string == "/healthz")
        #expect(kcm["livenessProbe"]?["httpGet"]?["host"]?.string == "127.0.0.1")
        #expect(kcm["readinessProbe"] == nil)
        config.clusterConfiguration.scheduler.extraArgs = [Arg("bind-address", "192.168.2.201")]
        let scheduler = Self.container(try Self.pod(.scheduler, config))
        #expect(scheduler["startupProbe"]?["httpGet"]?["port"]?.int == 10259)
        #expect(scheduler["startupProbe"]?["httpGet"]?["host"]?.string == "192.168.2.201")
    }

    @Test(arguments: [("v1.30.0", "/health?exclude=NOSPACE&serializable=true", nil, "/health?serializable=false"),
                      ("v1.31.0", "/livez", "/readyz", "/readyz")] as [(String, String, String?, String)])
    func etcdProbesByVersion(_ version: String, _ live: String, _ ready: String?, _ start: String) throws {
        let pod = try Self.pod(.etcd, try ComponentFlagsTests.config(version: version))
        #expect(pod["metadata"]?["annotations"]?["kubeadm.kubernetes.io/etcd.advertise-client-urls"]?.string == "https://192.168.2.201:2379")
        let container = Self.container(pod)
        #expect(container["livenessProbe"]?["httpGet"]?["path"]?.string == live)
        #expect(container["livenessProbe"]?["httpGet"]?["port"]?.int == 2381)
        #expect(container["livenessProbe"]?["httpGet"]?["scheme"]?.string == "HTTP")
        #expect(container["livenessProbe"]?["httpGet"]?["host"]?.string == "127.0.0.1")
        #expect(container["readinessProbe"]?["httpGet"]?["path"]?.string == ready)
        #expect(container["startupProbe"]?["httpGet"]?["path"]?.string == start)
    }

    @Test func etcdVolumesAndMountOrder() throws {
        let pod = try Self.pod(.etcd, try ComponentFlagsTests.config())
        #expect(Self.container(pod)["volumeMounts"]?.sequence?.compactMap { $0["name"]?.string } == ["etcd-data", "etcd-certs"])
        let volumes = pod["spec"]?["volumes"]?.sequence ?? []
        #expect(volumes.compactMap { $0["name"]?.string } == ["etcd-certs", "etcd-data"])
        #expect(volumes.compactMap { $0["hostPath"]?["path"]?.string } == ["/etc/kubernetes/pki/etcd", "/var/lib/etcd"])
        #expect(Self.container(pod)["volumeMounts"]?.sequence?.allSatisfy { $0["readOnly"] == nil } == true)
    }

    @Test func caVolumesDependOnHostAndVersion() throws {
        var options = RenderOptions()
        options.hostCACertificatePaths = ["/etc/pki", "/etc/pki/ca-trust", "/etc/pki/tls/certs"]
        let old = ComponentVolumes.volumes(for: .apiServer, config: try ComponentFlagsTests.config(version: "v1.30.0"), options: options).map(\.name)
        #expect(old == ["ca-certs", "etc-pki", "k8s-certs"])
        let new = ComponentVolumes.volumes(for: .controllerManager, config: try ComponentFlagsTests.config(version: "v1.31.0"), options: options)
        #expect(new.map(\.name) == ["ca-certs", "etc-pki-ca-trust", "etc-pki-tls-certs", "flexvolume-dir", "k8s-certs", "kubeconfig"])
        #expect(new.first { $0.name == "flexvolume-dir" } == HostPathMount(name: "flexvolume-dir", hostPath: "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", mountPath: "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", readOnly: false, pathType: "DirectoryOrCreate"))
        #expect(new.first { $0.name == "kubeconfig" }?.pathType == "FileOrCreate")
    }

    @Test func extraVolumesMergeByName() throws {
        var config = try ComponentFlagsTests.config()
        config.clusterConfiguration.apiServer.component.extraVolumes = [
            HostPathMount(name: "audit", hostPath: "/var/log/kubernetes", mountPath: "/var/log/kubernetes", pathType: "DirectoryOrCreate"),
            HostPathMount(name: "ca-certs", hostPath: "/etc/pki/tls/certs", mountPath: "/etc/ssl/certs", readOnly: true),
        ]
        let pod = try Self.pod(.apiServer, config)
        let volumes = pod["spec"]?["volumes"]?.sequence ?? []
        #expect(volumes.compactMap { $0["name"]?.string } == ["audit", "ca-certs", "etc-ca-certificates", "k8s-certs", "usr-local-share-ca-certificates", "usr-share-ca-certificates"])
        let caCerts = volumes.first { $0["name"]?.string == "ca-certs" }
        #expect(caCerts?["hostPath"]?["path"]?.string == "/etc/pki/tls/certs")
        #expect(caCerts?["hostPath"]?["type"] == nil)
        let auditMount = Self.container(pod)["volumeMounts"]?.sequence?.first { $0["name"]?.string == "audit" }
        #expect(auditMount?["readOnly"] == nil)
    }

    @Test func environmentIsProxyPlusExtraEnvsSorted() throws {
        var config = try ComponentFlagsTests.config()
        config.clusterConfiguration.apiServer.component.extraEnvs = [EnvVar(name: "NO_PROXY", value: "10.0.0.0/8,.svc"), EnvVar(name: "GOMAXPROCS", value: "2")]
        var options = RenderOptions()
        options.proxyEnvironment = [EnvVar(name: "HTTPS_PROXY", value: "http://proxy:3128"), EnvVar(name: "NO_PROXY", value: "localhost")]
        let env = Self.container(try Self.pod(.apiServer, config, options))["env"]?.sequence ?? []
        #expect(env.compactMap { $0["name"]?.string } == ["GOMAXPROCS", "HTTPS_PROXY", "NO_PROXY"])
        #expect(env.compactMap { $0["value"]?.string } == ["2", "http://proxy:3128", "10.0.0.0/8,.svc"])
        #expect(Self.container(try Self.pod(.scheduler, config))["env"] == nil)
    }

    @Test func missingAdvertiseAddressIsReported() throws {
        let renderer = try ClusterRenderer(config: KubeadmConfiguration())
        #expect(throws: TemplateError.self) { try renderer.staticPodManifest(.apiServer) }
        #expect(throws: TemplateError.unknownPhase("kubelet")) { try renderer.controlPlanePhase("kubelet") }
    }

    @Test func phasesReturnManifestPaths() throws {
        let renderer = try ClusterRenderer(config: try ComponentFlagsTests.config())
        #expect(try renderer.controlPlanePhase("all").keys.sorted() == [
            "/etc/kubernetes/manifests/kube-apiserver.yaml", "/etc/kubernetes/manifests/kube-controller-manager.yaml",
            "/etc/kubernetes/manifests/kube-scheduler.yaml",
        ])
        #expect(try renderer.controlPlanePhase("controller-manager").keys.sorted() == ["/etc/kubernetes/manifests/kube-controller-manager.yaml"])
        #expect(try renderer.etcdLocalPhase().keys.sorted() == ["/etc/kubernetes/manifests/etcd.yaml"])
        var external = try ComponentFlagsTests.config()
        external.clusterConfiguration.etcd.local = nil
        external.clusterConfiguration.etcd.external = .init()
        #expect(try ClusterRenderer(config: external).etcdLocalPhase().isEmpty)
    }
}
