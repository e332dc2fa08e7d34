/// kubeforge's own release, as `kubeforge version` prints it and API requests name it.
public enum KubeforgeVersion {
    public static let current = "0.1.0-dev"
}
