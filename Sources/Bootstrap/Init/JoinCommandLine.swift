/// kubeadm's join command (cmd/kubeadm/app/cmd/util/join.go) and the message `init` ends with.
public struct JoinCommandLine: Sendable, Equatable {
    /// `host:port` of the control-plane endpoint (admin.conf's server without `https://`).
    public var endpoint: String
    /// `<id>.<secret>`: a credential, printed only where the operator asked for a join command.
    public var token: String
    public var caCertHashes: [String]
    /// nil: a worker join. A control-plane join adds `--control-plane` and, when given, `--certificate-key`.
    public var controlPlane: Bool = false
    public var certificateKey: String?
    public var command: String = "kubeadm"

    public init(endpoint: String, token: String, caCertHashes: [String], controlPlane: Bool = false, certificateKey: String? = nil) {
        self.endpoint = endpoint
        self.token = token
        self.caCertHashes = caCertHashes
        self.controlPlane = controlPlane
        self.certificateKey = certificateKey
    }

    /// As `init` prints it: continuation lines, each flag after the first on its own tab-indented line.
    public var multiLine: String {
        var text = "\(command) join \(endpoint) --token \(token) \\\n"
        text += caCertHashes.map { "\t--discovery-token-ca-cert-hash \($0) " }.joined()
        if controlPlane {
            text += "\\\n\t--control-plane " + (certificateKey.map { "--certificate-key \($0)" } ?? "")
        }
        return text
    }

    /// As `token create --print-join-command` prints it: one line.
    public var singleLine: String {
        multiLine.replacingOccurrences(of: "\\\n\t", with: "")
    }

    /// `https://host:port` → `host:port`.
    public static func endpoint(fromServer server: String) -> String {
        server.hasPrefix("https://") ? String(server.dropFirst("https://".count)) : server
    }

    /// What `kubeadm init` prints when it is done (initDoneTempl), with the join commands filled in.
    public static func initDoneMessage(worker: JoinCommandLine, controlPlane: JoinCommandLine?, uploadedCerts: Bool,
                                       kubeconfigPath: String = "/etc/kubernetes/admin.conf") -> String {
        var text = """
            Your Kubernetes control-plane has initialized successfully!

            To start using your cluster, you need to run the following as a regular user:

              mkdir -p $HOME/.kube
              sudo cp -i \(kubeconfigPath) $HOME/.kube/config
              sudo chown $(id -u):$(id -g) $HOME/.kube/config

            Alternatively, if you are the root user, you can run:

              export KUBECONFIG=\(kubeconfigPath)

            You should now deploy a pod network to the cluster.
            Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:
              https://kubernetes.io/docs/concepts/cluster-administration/addons/


            """
        if let controlPlane {
            if uploadedCerts {
                text += "You can now join any number of the control-plane node running the following command on each as root:\n\n"
            } else {
                text += "You can now join any number of control-plane nodes by copying certificate authorities\n"
                text += "and service account keys on each node and then running the following as root:\n\n"
            }
            text += "  " + controlPlane.multiLine + "\n\n"
            if uploadedCerts {
                text += """
                    Please note that the certificate-key gives access to cluster sensitive data, keep it secret!
                    As a safeguard, uploaded-certs will be deleted in two hours; If necessary, you can use
                    "kubeadm init phase upload-certs --upload-certs" to reload certs afterward.


                    """
            }
        }
        text += "Then you can join any number of worker nodes by running the following on each as root:\n\n"
        text += worker.multiLine + "\n"
        return text
    }
}
