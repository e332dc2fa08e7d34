import Foundation
import Remote
import Testing
@testable import Bootstrap

/// The reset script run for real by /bin/sh on this machine, over a directory tree standing in for a node
/// (no unit files there, so no systemctl call changes anything here). The root's name has a space and a
/// quote, so every path must reach the shell quoted.
struct HostResetTests {
    @Test func dryRunListsApplyRemovesSecondRunFindsNothing() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("kf reset 'node' \(UUID().uuidString.prefix(6))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = ["etc/kubernetes/manifests/etcd.yaml", "etc/kubernetes/pki/ca.crt", "etc/kubernetes/pki/etcd/ca.key",
                     "etc/kubernetes/admin.conf", "etc/kubernetes/kubelet.conf", "etc/kubernetes/keep.conf",
                     "var/lib/kubelet/config.yaml", "var/lib/etcd/member/snap/db", "etc/systemd/system/other.service"]
        for file in files {
            let path = "\(root)/\(file)"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        }
        var reset = HostReset()
        reset.kubernetesDirectory = "\(root)/etc/kubernetes"
        reset.certificatesDir = "\(root)/etc/kubernetes/pki"
        reset.kubeletDirectory = "\(root)/var/lib/kubelet"
        reset.etcdDataDir = "\(root)/var/lib/etcd"
        reset.systemdDirectory = "\(root)/etc/systemd/system"
        let expected = [
            "remove \(root)/etc/kubernetes/admin.conf",
            "remove \(root)/etc/kubernetes/kubelet.conf",
            "delete the contents of \(root)/etc/kubernetes/manifests",
            "delete the contents of \(root)/var/lib/kubelet",
            "delete the contents of \(root)/etc/kubernetes/pki",
            "delete the contents of \(root)/var/lib/etcd",
        ]

        let dry = await reset.run(on: LocalHost(), apply: false)
        #expect(dry.status == .changed && dry.lines == expected, "\(dry)")
        for file in files { #expect(FileManager.default.fileExists(atPath: "\(root)/\(file)"), "dry run removed \(file)") }

        let applied = await reset.run(on: LocalHost(), apply: true)
        #expect(applied.status == .changed && applied.lines == expected, "\(applied)")
        let left = try FileManager.default.subpathsOfDirectory(atPath: root).filter { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(root)/\(path)", isDirectory: &isDirectory) && !isDirectory.boolValue
        }.sorted()
        #expect(left == ["etc/kubernetes/keep.conf", "etc/systemd/system/other.service"])
        for directory in ["etc/kubernetes/manifests", "etc/kubernetes/pki", "var/lib/kubelet", "var/lib/etcd"] {
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(directory)").isEmpty, "kubeadm keeps \(directory) itself")
        }

        let again = await reset.run(on: LocalHost(), apply: true)
        #expect(again.status == .nothingToDo && again.lines.isEmpty, "\(again)")
    }

    @Test func reportTextNamesEveryHostAndWhatStays() throws {
        let report = ResetReport(hosts: [
            .init(name: "a", status: .changed, lines: ["remove etcd member a (8e9e05c52164694d) from the cluster", "stop kubelet.service"], warnings: []),
            .init(name: "b", status: .nothingToDo, lines: [], warnings: []),
            .init(name: "c", status: .failed("connection refused"), lines: [], warnings: ["c: could not remove its etcd member"]),
        ], dryRun: true)
        #expect(report.exitCode == 1)
        #expect(report.text() == """
            a: would reset
              remove etcd member a (8e9e05c52164694d) from the cluster
              stop kubelet.service
            b: nothing to reset
            c: failed: connection refused
              warning: c: could not remove its etcd member
            3 hosts: 1 would be reset, 1 with nothing to reset, 1 failed
            \(ResetReport.notCleaned)

            """)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect(object["dryRun"] as? Bool == true)
        #expect(object["summary"] as? [String: Int] == ["reset": 1, "nothing-to-reset": 1, "failed": 1])
        let hosts = try #require(object["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["status"] as? String } == ["reset", "nothing-to-reset", "failed"])
        #expect((hosts[0]["changes"] as? [String])?.count == 2)
        #expect(hosts[2]["error"] as? String == "connection refused")
    }
}
