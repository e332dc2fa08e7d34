// swift-tools-version: 6.0
// kubeforge: a kubeadm-style Kubernetes bootstrap and install tool.
// Module boundaries follow ../shared/design.md: only SSH imports CLibSSH2, only KubeforgeCLI wires SSHHost in.
import PackageDescription

let package = Package(
    name: "kubeforge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kubeforge", targets: ["kubeforge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        // KubeAPI: HTTP/1.1 + TLS to the API server and component health endpoints.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
    ],
    targets: [
        // libssh2 from Debian's libssh2-1-dev; shim.h wraps its function-like macros.
        .systemLibrary(
            name: "CLibSSH2",
            pkgConfig: "libssh2",
            providers: [.apt(["libssh2-1-dev"])]
        ),
        // The `Host` seam every phase and check is written against, LocalHost, fan-out, shell quoting.
        .target(name: "Remote"),
        // Values several modules share (Kubernetes versions, IP addresses and CIDRs, the key algorithm); depends on nothing.
        .target(name: "KubeTypes"),
        // swift-crypto signs RSA user keys with rsa-sha2-256, which libssh2 1.10 cannot (RSAUserKey.swift).
        .target(
            name: "SSH",
            dependencies: [
                "CLibSSH2", "Remote",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(name: "Inventory", dependencies: ["KubeTypes", .product(name: "Yams", package: "Yams")]),
        .target(name: "Preflight", dependencies: ["KubeTypes", "Remote", "Inventory"]),
        .target(
            name: "PKI",
            dependencies: [
                "KubeTypes",
                "Remote",
                .product(name: "Yams", package: "Yams"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // kubeadm's InitConfiguration/ClusterConfiguration/JoinConfiguration (v1beta3, v1beta4), defaults, flags.
        .target(name: "KubeadmConfig", dependencies: ["KubeTypes", .product(name: "Yams", package: "Yams")]),
        // The top-level templates/ folder, compiled into the binary, and rendering.
        .target(
            name: "Templates",
            dependencies: [
                "KubeTypes",
                "KubeadmConfig",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "templates",
            exclude: ["README.md"],
            resources: [.embedInCode("files")]
        ),
        // The Kubernetes REST client: kubeconfig credentials, bootstrap tokens or anonymous with a pinned CA,
        // Status errors, kubeadm's create-or-update and retry semantics; over a `Host`'s forwarded port.
        .target(
            name: "KubeAPI",
            dependencies: [
                "Remote",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Bootstrap",
            dependencies: [
                "KubeTypes", "Remote", "Inventory", "Preflight", "PKI", "KubeadmConfig", "Templates", "KubeAPI",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "KubeforgeCLI",
            dependencies: [
                "KubeTypes", "Remote", "SSH", "Inventory", "Preflight", "PKI", "KubeadmConfig", "Templates", "KubeAPI", "Bootstrap",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .executableTarget(name: "kubeforge", dependencies: ["KubeforgeCLI"]),

        // Test support only: the lab's location and the built binary, shared by the test targets.
        .target(name: "LabSupport", dependencies: ["KubeAPI"], path: "Tests/LabSupport"),
        // Test support only: a strict, small stand-in for kube-apiserver (TLS, authentication, RBAC, Status replies),
        // because no kube-apiserver binary can run in CI here.
        .target(
            name: "KubeAPITestServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/KubeAPITestServer"
        ),
        .testTarget(name: "KubeTypesTests", dependencies: ["KubeTypes"]),
        .testTarget(name: "RemoteTests", dependencies: ["Remote"]),
        .testTarget(name: "SSHTests", dependencies: ["LabSupport", "SSH", "Remote"]),
        .testTarget(name: "InventoryTests", dependencies: ["KubeTypes", "Inventory"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PreflightTests", dependencies: ["KubeTypes", "Preflight", "Remote", "Inventory"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PKITests", dependencies: ["KubeTypes", "LabSupport", "PKI", "Remote"]),
        .testTarget(name: "TemplatesTests", dependencies: ["KubeTypes", "Templates", "KubeadmConfig"], resources: [.copy("Golden")]),
        .testTarget(name: "KubeadmConfigTests", dependencies: ["KubeTypes", "KubeadmConfig"]),
        // Test support only: a throwaway cluster (kubeforge's certificate tree) served by the stand-in kube-apiserver.
        .target(
            name: "ClusterTestSupport",
            dependencies: [
                "Bootstrap", "KubeAPI", "KubeAPITestServer", "KubeadmConfig", "KubeTypes", "PKI", "Remote",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/ClusterTestSupport"
        ),
        .testTarget(name: "BootstrapTests", dependencies: ["KubeTypes", "KubeadmConfig", "LabSupport", "Bootstrap", "Remote", "SSH", "Inventory", "Preflight", "KubeAPI", "PKI", "Templates", "ClusterTestSupport", "KubeAPITestServer"]),
        .testTarget(name: "KubeforgeCLITests", dependencies: ["LabSupport", "KubeforgeCLI", "ClusterTestSupport", "KubeAPITestServer"]),
        .testTarget(name: "KubeAPITests", dependencies: ["KubeAPI", "KubeAPITestServer", "PKI", "Remote", "ClusterTestSupport", "Bootstrap"]),
        // The stand-in kube-apiserver's own tests: real TLS, async-http-client, certificates from PKI.
        .testTarget(
            name: "KubeAPITestServerTests",
            dependencies: [
                "KubeAPITestServer", "PKI", "KubeTypes",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
