import Testing
@testable import Bootstrap

/// The join commands as kubeadm v1.28 prints them (cmd/kubeadm/app/cmd/util/join.go): init's multi-line form,
/// token create's single line (with kubeadm's trailing space), and the control-plane variant.
struct JoinCommandLineTests {
    let worker = JoinCommandLine(endpoint: "10.213.0.11:6443", token: "abcdef.0123456789abcdef",
                             caCertHashes: ["sha256:b3570e9c092e72f6f1fdf5370ae9d0060b5afb32d84943bfc751d513f00dbb6a"])

    @Test func workerJoin() {
        #expect(worker.multiLine == "kubeadm join 10.213.0.11:6443 --token abcdef.0123456789abcdef \\\n\t--discovery-token-ca-cert-hash sha256:b3570e9c092e72f6f1fdf5370ae9d0060b5afb32d84943bfc751d513f00dbb6a ")
        #expect(worker.singleLine == "kubeadm join 10.213.0.11:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash sha256:b3570e9c092e72f6f1fdf5370ae9d0060b5afb32d84943bfc751d513f00dbb6a ")
    }

    @Test func controlPlaneJoinCarriesTheCertificateKey() {
        var controlPlane = worker
        controlPlane.controlPlane = true
        controlPlane.certificateKey = String(repeating: "0123456789abcdef", count: 4)
        #expect(controlPlane.singleLine.hasSuffix("sha256:b3570e9c092e72f6f1fdf5370ae9d0060b5afb32d84943bfc751d513f00dbb6a --control-plane --certificate-key \(controlPlane.certificateKey!)"))
        #expect(controlPlane.multiLine.contains(" \\\n\t--control-plane --certificate-key "))
    }

    @Test func initMessageShowsControlPlaneJoinsOnlyWithAnEndpoint() {
        let message = JoinCommandLine.initDoneMessage(worker: worker, controlPlane: nil, uploadedCerts: false)
        #expect(message.hasPrefix("Your Kubernetes control-plane has initialized successfully!"))
        #expect(message.contains("  export KUBECONFIG=/etc/kubernetes/admin.conf"))
        #expect(!message.contains("control-plane nodes"))
        #expect(message.hasSuffix("Then you can join any number of worker nodes by running the following on each as root:\n\n\(worker.multiLine)\n"))
        var controlPlane = worker
        controlPlane.controlPlane = true
        let withEndpoint = JoinCommandLine.initDoneMessage(worker: worker, controlPlane: controlPlane, uploadedCerts: false)
        #expect(withEndpoint.contains("You can now join any number of control-plane nodes by copying certificate authorities"))
        controlPlane.certificateKey = "k"
        let uploaded = JoinCommandLine.initDoneMessage(worker: worker, controlPlane: controlPlane, uploadedCerts: true)
        #expect(uploaded.contains("Please note that the certificate-key gives access to cluster sensitive data, keep it secret!"))
    }

    @Test func endpointIsTheServerWithoutScheme() {
        #expect(JoinCommandLine.endpoint(fromServer: "https://k8s-master:6443") == "k8s-master:6443")
    }
}
