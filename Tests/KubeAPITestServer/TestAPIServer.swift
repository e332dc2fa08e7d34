/// A strict, small stand-in for kube-apiserver used by tests only (no kube-apiserver binary runs in CI).
public enum TestAPIServerInfo {
    public static let version = "v1.28.7"
}
