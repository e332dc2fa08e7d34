/// The Kubernetes REST client kubeforge's phases use (see ../../shared/reference/kubeapi-client-anchors.md).
public enum KubeAPI {
    /// client-go's per-request timeout query parameter, as kubeadm's requests carry it.
    public static let requestTimeout = "10s"
}
