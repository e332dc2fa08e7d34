import Testing
@testable import Bootstrap

struct HealthDiagnosisTests {
    @Test func aTakenPortIsNamedFromARealJournal() {
        let cause = HealthDiagnosis.likelyCause(journal: JournalFixtures.clientPortTaken)
        #expect(cause == "port 2379 is already taken by another process (find it with `ss -ltnp 'sport = :2379'`); stop it or free the port")
    }

    @Test func aMissingCertificateIsNamedFromARealJournal() {
        let cause = HealthDiagnosis.likelyCause(journal: JournalFixtures.missingPeerCertificate)
        #expect(cause == "/etc/kubernetes/pki/etcd/peer.crt is missing: generate the certificates first (`kubeforge init phase certs all`)")
    }

    @Test func timesInTheJournalPrefixAreNotPorts() {
        #expect(HealthDiagnosis.message(of: "Nov 22 03:36:38 k8s-master etcd[2588]: listen tcp 127.0.0.1:2379: bind: address already in use")
            == "listen tcp 127.0.0.1:2379: bind: address already in use")
        #expect(HealthDiagnosis.message(of: "2026-11-22 03:07:56.114668 C | etcdmain: listen tcp 127.0.0.1:23790: bind: address already in use")
            == "etcdmain: listen tcp 127.0.0.1:23790: bind: address already in use")
        #expect(HealthDiagnosis.likelyCause(journal: ["2026-11-22 03:07:56.114668 C | etcdmain: listen tcp 127.0.0.1:23790: bind: address already in use"])?
            .hasPrefix("port 23790 ") == true)
    }

    @Test func otherComponentsAndCauses() {
        // kube-apiserver's wording (server.go): the last address before "bind" is the port.
        #expect(HealthDiagnosis.likelyCause(journal: [
            "Nov 22 10:00:00 cp kube-apiserver[812]: E1122 10:00:00.1 812 run.go:74] \"command failed\" err=\"failed to listen on 0.0.0.0:6443: listen tcp 0.0.0.0:6443: bind: address already in use\"",
        ])?.hasPrefix("port 6443 ") == true)
        #expect(HealthDiagnosis.likelyCause(journal: [
            "Nov 22 10:00:00 cp etcd[1]: open /etc/kubernetes/pki/etcd/server.key: permission denied",
        ]) == "permission denied on /etc/kubernetes/pki/etcd/server.key: check its owner and mode (keys 0600 root, certificates 0644) and the unit's User=")
        #expect(HealthDiagnosis.likelyCause(journal: [
            "Nov 22 10:00:00 cp systemd[1]: etcd.service: Main process exited, code=exited, status=203/EXEC",
        ])?.contains("executable is missing") == true)
        #expect(HealthDiagnosis.likelyCause(journal: [
            "Nov 22 10:00:00 cp etcd[9]: flag provided but not defined: -experimental-watch-progress-notify-interval",
        ])?.contains("-experimental-watch-progress-notify-interval") == true)
        #expect(HealthDiagnosis.likelyCause(journal: [
            "Nov 22 10:00:00 n1 etcd[9]: member 8e9e05c52164694d has already been bootstrapped",
        ])?.contains("/var/lib/etcd") == true)
        #expect(HealthDiagnosis.likelyCause(journal: ["Nov 22 10:00:00 n1 etcd[9]: ready to serve client requests"]) == nil)
    }

    @Test func theNewestRecognisedLineWins() {
        let cause = HealthDiagnosis.likelyCause(journal: [
            "Nov 22 10:00:00 cp etcd[1]: open /etc/kubernetes/pki/etcd/peer.crt: no such file or directory",
            "Nov 22 10:00:05 cp etcd[2]: listen tcp 127.0.0.1:2379: bind: address already in use",
        ])
        #expect(cause?.hasPrefix("port 2379") == true)
    }
}
