import Testing
@testable import PKI

/// SAN lists and endpoints derived from kubeadm's inputs (kubeadm.md §1.2, §2).
@Suite struct OptionsTests {
    @Test func apiServerSANsFollowUpstreamOrderAndDeduplication() throws {
        var options = CertificateTreeOptions()
        options.nodeName = "node-b"
        options.advertiseAddress = "10.0.0.5"
        options.serviceSubnet = "10.112.0.0/12,fd00::/108"
        options.dnsDomain = "corp.local"
        options.controlPlaneEndpoint = "10.0.0.5"
        options.apiServerCertSANs = ["kubernetes", "10.112.0.1", "api.corp", "010.000.000.009"]
        let resolved = try options.resolve()
        #expect(resolved.apiServerAltNames.dnsNames == ["api.corp", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                                                        "kubernetes.default.svc.corp.local", "node-b"])
        #expect(resolved.apiServerAltNames.ipAddresses.map(\.description) == ["10.112.0.1", "10.0.0.5", "10.0.0.9"])
        #expect(resolved.controlPlaneURL == "https://10.0.0.5:6443")
        #expect(resolved.localAPIURL == "https://10.0.0.5:6443")
    }

    @Test func endpointsKeepTheirPortAndBracketIPv6() throws {
        var options = CertificateTreeOptions()
        options.nodeName = "n"
        options.advertiseAddress = "fd00::10"
        options.bindPort = 8443
        options.controlPlaneEndpoint = "lb.example.com:443"
        let resolved = try options.resolve()
        #expect(resolved.controlPlaneURL == "https://lb.example.com:443")
        #expect(resolved.localAPIURL == "https://[fd00::10]:8443")
        #expect(resolved.etcdServerAltNames.ipAddresses.map(\.description) == ["fd00::10", "127.0.0.1", "::1"])
        options.controlPlaneEndpoint = "[fd00::1]:6443"
        #expect(try options.resolve().controlPlaneURL == "https://[fd00::1]:6443")
    }

    @Test func everyProblemIsReportedAtOnce() {
        var options = CertificateTreeOptions()
        options.nodeName = "Bad_Name"
        options.advertiseAddress = "not-an-ip"
        options.serviceSubnet = "10.96.0.0/40"
        options.controlPlaneEndpoint = "lb:99999"
        do {
            _ = try options.resolve()
            Issue.record("invalid options accepted")
        } catch let error as PKIError {
            #expect(error.isBadInput)
            for fragment in ["node name 'Bad_Name'", "advertise address 'not-an-ip'", "service subnet '10.96.0.0/40'", "port 99999"] {
                #expect(error.message.contains(fragment), "\(fragment)")
            }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func etcdSANsIncludeExtrasOnlyForTheirCertificate() throws {
        var options = CertificateTreeOptions()
        options.nodeName = "cp"
        options.advertiseAddress = "192.0.2.1"
        options.etcdServerCertSANs = ["etcd.example.com"]
        options.etcdPeerCertSANs = ["192.0.2.99"]
        let resolved = try options.resolve()
        #expect(resolved.etcdServerAltNames.dnsNames == ["cp", "etcd.example.com", "localhost"])
        #expect(resolved.etcdPeerAltNames.ipAddresses.map(\.description) == ["192.0.2.1", "127.0.0.1", "::1", "192.0.2.99"])
        options.externalEtcd = true
        #expect(CertificateCatalog.specs(for: try options.resolve()).map(\.name)
            == ["ca", "apiserver", "apiserver-kubelet-client", "front-proxy-ca", "front-proxy-client"])
    }
}
