import Testing
@testable import Bootstrap

/// `--version` outputs as the real binaries print them.
struct BinaryVersionTests {
    @Test func readsEtcdVersionOutput() {
        let output = """
        etcd Version: 3.4.23
        Git SHA: Not provided (use ./build instead of go build)
        Go Version: go1.19.8
        Go OS/Arch: linux/amd64
        """
        #expect(BinaryVersion.parse(output) == "3.4.23")
    }

    @Test func readsEtcdctlVersionOutput() {
        #expect(BinaryVersion.parse("etcdctl version: 3.4.23\nAPI version: 3.4\n") == "3.4.23")
    }

    @Test func readsKubernetesVersionOutputs() {
        #expect(BinaryVersion.parse("Kubernetes v1.28.0\n") == "1.28.0")
        #expect(BinaryVersion.parse("Client Version: v1.28.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n") == "1.28.2")
        #expect(BinaryVersion.parse("Kubernetes v1.31.0-rc.1") == "1.31.0-rc.1")
    }

    @Test func findsNothingWithoutAVersion() {
        #expect(BinaryVersion.parse("flag provided but not defined: -version") == nil)
        #expect(BinaryVersion.parse("API version: 3.4") == nil)
    }

    @Test func comparesIgnoringTheLeadingV() {
        #expect(BinaryVersion.matches("1.28.0", expected: "v1.28.0"))
        #expect(!BinaryVersion.matches("1.28.1", expected: "v1.28.0"))
    }
}
