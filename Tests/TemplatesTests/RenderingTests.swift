import Foundation
import Testing
import Yams
import KubeadmConfig
import Templates

struct RenderingTests {
    static let templatesSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates/files")

    @Test func everyTemplateFileIsEmbedded() throws {
        let onDisk = try GoldenTests.files(under: Self.templatesSource).map { ($0 as NSString).lastPathComponent }
        #expect(Set(onDisk) == Set(EmbeddedTemplates.all.keys), "templates/Templates.swift must list every file under templates/files")
        #expect(onDisk.count == Set(onDisk).count, "template file names must be unique across sub-folders")
    }

    @Test func overrideDirectoryWins() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "net.ipv4.ip_forward = 1\n# site policy\n".write(to: directory.appendingPathComponent("99-kubernetes.conf"), atomically: true, encoding: .utf8)
        var options = RenderOptions()
        options.templatesDirectory = directory.path
        let renderer = try ClusterRenderer(config: try ComponentFlagsTests.config(), options: options)
        #expect(renderer.templates.origin(of: "99-kubernetes.conf") == directory.appendingPathComponent("99-kubernetes.conf").path)
        #expect(renderer.templates.origin(of: "kube-apiserver.yaml") == "embedded")
        let files = try renderer.nodePreparationFiles()
        #expect(files["/etc/sysctl.d/99-kubernetes.conf"] == "net.ipv4.ip_forward = 1\n# site policy\n")
    }

    @Test func brokenOverrideNamesTemplateAndLine() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("kube-scheduler.yaml")
        try "apiVersion: v1\nkind: Pod\n{{#flags}}\n- {{.}}\n{{/flagz}}\n".write(to: path, atomically: true, encoding: .utf8)
        #expect(throws: TemplateError.self) { try TemplateSet(overrideDirectory: directory.path) }
        do {
            _ = try TemplateSet(overrideDirectory: directory.path)
        } catch {
            guard case let .syntax(template, origin, line, _, _) = error else { Issue.record("expected a syntax error, got \(error)"); return }
            #expect(template == "kube-scheduler.yaml")
            #expect(origin == path.path)
            #expect(line == 5)
        }
    }

    @Test func invalidYAMLOutputIsCaughtBeforeReturning() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [kube-scheduler\n".write(to: directory.appendingPathComponent("kube-scheduler.yaml"), atomically: true, encoding: .utf8)
        var options = RenderOptions()
        options.templatesDirectory = directory.path
        let renderer = try ClusterRenderer(config: try ComponentFlagsTests.config(), options: options)
        do {
            _ = try renderer.staticPodManifest(.scheduler)
            Issue.record("expected invalid YAML to be refused")
        } catch {
            guard case let .invalidOutput(template, _, line, _, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(template == "kube-scheduler.yaml")
            #expect(line != nil)
            #expect(error.description.contains("kube-scheduler.yaml"))
        }
    }

    @Test func missingOverrideDirectoryIsAnError() {
        #expect(throws: TemplateError.self) { try TemplateSet(overrideDirectory: "/nonexistent/templates") }
    }

    @Test(arguments: [ControlPlaneComponentName.apiServer, .controllerManager, .scheduler, .etcd])
    func systemdUnitsCarryTheManifestFlags(_ component: ControlPlaneComponentName) throws {
        var config = try ComponentFlagsTests.config()
        config.clusterConfiguration.apiServer.component.extraArgs = [Arg("audit-policy-file", "/etc/kubernetes/audit policy.yaml")]
        let unit = try ClusterRenderer(config: config).systemdUnit(component)
        let exec = Self.execStart(unit)
        let binary = component == .etcd ? "/usr/bin/etcd" : "/usr/local/bin/\(component.rawValue)"
        #expect(exec.first == binary)
        var expected = ComponentFlags.flags(for: component, config: config).commandLine
        if component == .apiServer {
            expected = expected.map { $0.contains(" ") ? "\"\($0)\"" : $0 }
        }
        #expect(Array(exec.dropFirst()) == expected)
        #expect(unit.contains("[Install]\nWantedBy=multi-user.target"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/etcd"), "needs Debian's etcd-server (/usr/bin/etcd)"))
    func debianEtcdAcceptsEveryFlagOfTheUnit() throws {
        let unit = try ClusterRenderer(config: try ComponentFlagsTests.config()).systemdUnit(.etcd)
        let help = try Self.run("/usr/bin/etcd", ["--help"])
        for flag in Self.execStart(unit).dropFirst() {
            let name = String(flag.prefix { $0 != "=" })
            #expect(help.contains("  \(name) ") || help.contains("  \(name)\n") || help.contains("  \(name)="), "etcd --help does not list \(name)")
        }
    }

    /// systemd's own parser as the verifier: every unit must load without a single warning.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze"), "needs systemd-analyze"))
    func systemdAcceptsEveryUnit() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = RenderOptions()
        options.binaryDirectory = directory.path
        options.kubeletBinary = directory.appendingPathComponent("kubelet").path
        for binary in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy", "kubelet"] {
            let stub = directory.appendingPathComponent(binary)
            try "#!/bin/sh\n".write(to: stub, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub.path)
        }
        var config = try Scenario.tutorial.configuration
        config.clusterConfiguration.apiServer.component.extraArgs = [Arg("audit-policy-file", "/etc/kubernetes/audit policy.yaml"), Arg("oidc-username-prefix", "oidc:%u$")]
        let units = try ClusterRenderer(config: config, options: options).systemdUnits().filter { $0.key.hasSuffix(".service") }
        #expect(units.count == 6)
        for (path, contents) in units {
            let file = directory.appendingPathComponent((path as NSString).lastPathComponent)
            try contents.write(to: file, atomically: true, encoding: .utf8)
            let output = try Self.run("/usr/bin/systemd-analyze", ["verify", file.path])
            #expect(output.isEmpty, "systemd-analyze verify \(path): \(output)")
        }
    }

    @Test func kubeletFilesFollowTheConfiguration() throws {
        var config = try Scenario.tutorial.configuration
        config.clusterConfiguration.networking.dnsDomain = "corp.local"
        config.initConfiguration.nodeRegistration.kubeletExtraArgs = [Arg("node-ip", "192.168.2.201")]
        var options = RenderOptions()
        options.kubeletResolvConf = "/run/systemd/resolve/resolv.conf"
        let renderer = try ClusterRenderer(config: config, options: options)
        let kubelet = try #require(try Yams.compose(yaml: try renderer.kubeletConfiguration()))
        #expect(kubelet["kind"]?.string == "KubeletConfiguration")
        #expect(kubelet["clusterDNS"]?.sequence?.compactMap(\.string) == ["10.96.0.10"])
        #expect(kubelet["clusterDomain"]?.string == "corp.local")
        #expect(kubelet["cgroupDriver"]?.string == "systemd")
        #expect(kubelet["staticPodPath"]?.string == "/etc/kubernetes/manifests")
        #expect(kubelet["rotateCertificates"]?.bool == true)
        #expect(kubelet["authentication"]?["x509"]?["clientCAFile"]?.string == "/etc/kubernetes/pki/ca.crt")
        #expect(kubelet["authentication"]?["anonymous"]?["enabled"]?.bool == false)
        #expect(kubelet["authorization"]?["mode"]?.string == "Webhook")
        #expect(kubelet["healthzBindAddress"]?.string == "127.0.0.1")
        #expect(kubelet["healthzPort"]?.int == 10248)
        #expect(kubelet["resolvConf"]?.string == "/run/systemd/resolve/resolv.conf")
        #expect(try renderer.kubeletFlagsEnvironment(hostname: "K8S-Master") ==
            "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --node-ip=192.168.2.201 --pod-infra-container-image=registry.aliyuncs.com/google_containers/pause:3.9\"\n")
        #expect(try renderer.kubeletFlagsEnvironment(hostname: "other").contains("--hostname-override=k8s-master"))
    }

    @Test func userKubeletConfigurationWins() throws {
        var config = try ComponentFlagsTests.config()
        config.kubeletConfiguration = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmaxPods: 200\ncgroupDriver: cgroupfs\n"
        let kubelet = try #require(try Yams.compose(yaml: try ClusterRenderer(config: config).kubeletConfiguration()))
        #expect(kubelet["maxPods"]?.int == 200)
        #expect(kubelet["cgroupDriver"]?.string == "cgroupfs")
        #expect(kubelet["staticPodPath"]?.string == "/etc/kubernetes/manifests")
    }

    @Test func containerdSysctlAndModules() throws {
        var options = RenderOptions()
        options.registryMirrors = ["docker.io": ["https://docker.m.daocloud.io", "https://mirror.example"], "registry.k8s.io": ["https://k8s.m.daocloud.io"]]
        let files = try ClusterRenderer(config: try Scenario.tutorial.configuration, options: options).nodePreparationFiles()
        let toml = try #require(files["/etc/containerd/config.toml"])
        #expect(toml.contains("SystemdCgroup = true"))
        #expect(toml.contains("sandbox_image = \"registry.aliyuncs.com/google_containers/pause:3.9\""))
        #expect(toml.contains("[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\n          endpoint = [\"https://docker.m.daocloud.io\", \"https://mirror.example\"]"))
        #expect(toml.contains("mirrors.\"registry.k8s.io\"]"))
        let sysctl = try #require(files["/etc/sysctl.d/99-kubernetes.conf"])
        for key in ["net.bridge.bridge-nf-call-iptables", "net.bridge.bridge-nf-call-ip6tables", "net.ipv4.ip_forward"] {
            #expect(sysctl.contains("\(key)") && sysctl.split(separator: "\n").contains { $0.hasPrefix(key) && $0.hasSuffix("= 1") })
        }
        #expect(!sysctl.contains("net.ipv6.conf.all.forwarding"))
        #expect(files["/etc/modules-load.d/kubernetes.conf"]?.split(separator: "\n").filter { !$0.hasPrefix("#") } == ["overlay", "br_netfilter"])
    }

    @Test func kubeadmConfigMapHoldsADecodableClusterConfiguration() throws {
        for scenario in Scenario.allCases {
            let config = try scenario.configuration
            let objects = try scenario.renderer().clusterObjects()
            let documents = Array(try Yams.compose_all(yaml: try #require(objects["kubeadm-config"])))
            #expect(documents.first?["metadata"]?["name"]?.string == "kubeadm-config")
            let stored = try #require(documents.first?["data"]?["ClusterConfiguration"]?.string)
            let decoded = try KubeadmConfiguration.load(yaml: stored, file: "kubeadm-config")
            #expect(decoded.clusterConfiguration.networking == config.clusterConfiguration.networking)
            #expect(decoded.clusterConfiguration.kubernetesVersion == config.clusterConfiguration.kubernetesVersion)
            #expect(decoded.sourceAPIVersion == config.outputAPIVersion)
            #expect(!stored.contains("bootstrapTokens"))
        }
    }

    @Test func bootstrapTokenRBACMatchesTheReference() throws {
        let renderer = try Scenario.defaults.renderer()
        let objects = try renderer.clusterObjects()
        let documents = try ["bootstrap-token-rbac", "cluster-admins"].flatMap { Array(try Yams.compose_all(yaml: try #require(objects[$0]))) }
            + Array(try Yams.compose_all(yaml: renderer.clusterInfo(certificateAuthorityData: "Q0E=")))
        func object(_ kind: String, _ name: String) -> Node? {
            documents.first { $0["kind"]?.string == kind && $0["metadata"]?["name"]?.string == name }
        }
        let group = "system:bootstrappers:kubeadm:default-node-token"
        #expect(object("ClusterRoleBinding", "kubeadm:kubelet-bootstrap")?["roleRef"]?["name"]?.string == "system:node-bootstrapper")
        #expect(object("ClusterRoleBinding", "kubeadm:kubelet-bootstrap")?["subjects"]?[0]?["name"]?.string == group)
        #expect(object("ClusterRoleBinding", "kubeadm:node-autoapprove-bootstrap")?["roleRef"]?["name"]?.string == "system:certificates.k8s.io:certificatesigningrequests:nodeclient")
        #expect(object("ClusterRoleBinding", "kubeadm:node-autoapprove-certificate-rotation")?["subjects"]?[0]?["name"]?.string == "system:nodes")
        #expect(object("ClusterRole", "kubeadm:get-nodes")?["rules"]?[0]?["verbs"]?[0]?.string == "get")
        #expect(object("RoleBinding", "kubeadm:bootstrap-signer-clusterinfo")?["metadata"]?["namespace"]?.string == "kube-public")
        #expect(object("RoleBinding", "kubeadm:bootstrap-signer-clusterinfo")?["subjects"]?[0]?["name"]?.string == "system:anonymous")
        #expect(object("ClusterRoleBinding", "kubeadm:cluster-admins")?["roleRef"]?["name"]?.string == "cluster-admin")
        #expect(!documents.contains { $0["metadata"]?["name"]?.string == "kubeadm:node-certificate-approve" })
    }

    @Test func addonsUseTheClusterSettings() throws {
        let objects = try Scenario.tutorial.renderer().clusterObjects()
        let dns = Array(try Yams.compose_all(yaml: try #require(objects["coredns"])))
        let service = dns.first { $0["kind"]?.string == "Service" }
        #expect(service?["metadata"]?["name"]?.string == "kube-dns")
        #expect(service?["spec"]?["clusterIP"]?.string == "10.96.0.10")
        let deployment = dns.first { $0["kind"]?.string == "Deployment" }
        #expect(deployment?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]?.string == "registry.aliyuncs.com/google_containers/coredns:v1.10.1")
        let proxy = Array(try Yams.compose_all(yaml: try #require(objects["kube-proxy"])))
        let configMap = proxy.first { $0["kind"]?.string == "ConfigMap" }
        let configText = try #require(configMap?["data"]?["config.conf"]?.string)
        let proxyConfig = try #require(try Yams.compose(yaml: configText))
        #expect(proxyConfig["clusterCIDR"]?.string == "192.168.0.0/16")
        #expect(configMap?["data"]?["kubeconfig.conf"]?.string?.contains("server: https://k8s-master:6443") == true)
        let daemonSet = proxy.first { $0["kind"]?.string == "DaemonSet" }
        #expect(daemonSet?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]?.string == "registry.aliyuncs.com/google_containers/kube-proxy:v1.28.0")
    }

    // MARK: - helpers

    /// The words of ExecStart (line continuations joined).
    static func execStart(_ unit: String) -> [String] {
        let joined = unit.replacingOccurrences(of: " \\\n", with: " ")
        guard let line = joined.split(separator: "\n").first(where: { $0.hasPrefix("ExecStart=") }) else { return [] }
        var words: [String] = []
        var current = ""
        var quoted = false
        for character in line.dropFirst("ExecStart=".count) {
            if character == "\"" { quoted.toggle(); current.append(character); continue }
            if character == " ", !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kubeforge-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
