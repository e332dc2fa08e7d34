/// Journals of real failing etcd units, captured on the lab's k8s-master (`journalctl -u etcd.service -n 30`)
/// by EtcdLabTests+Failures.swift.
enum JournalFixtures {
    /// A plain-HTTP etcd already listening on 127.0.0.1:2379.
    static let clientPortTaken = #"""
Nov 22 03:36:33 k8s-master systemd[1]: Starting etcd.service - etcd key-value store (Kubernetes control plane)...
Nov 22 03:36:33 k8s-master etcd[2580]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:33 k8s-master etcd[2580]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:33 k8s-master etcd[2580]: etcd Version: 3.4.23
Nov 22 03:36:33 k8s-master etcd[2580]: Git SHA: Not provided (use ./build instead of go build)
Nov 22 03:36:33 k8s-master etcd[2580]: Go Version: go1.19.8
Nov 22 03:36:33 k8s-master etcd[2580]: Go OS/Arch: linux/amd64
Nov 22 03:36:33 k8s-master etcd[2580]: setting maximum number of CPUs to 2, total number of available CPUs is 2
Nov 22 03:36:33 k8s-master etcd[2580]: peerTLS: cert = /etc/kubernetes/pki/etcd/peer.crt, key = /etc/kubernetes/pki/etcd/peer.key, trusted-ca = /etc/kubernetes/pki/etcd/ca.crt, client-cert-auth = true, crl-file = 
Nov 22 03:36:33 k8s-master etcd[2580]: stopping listening for client requests on 127.0.0.1:2379
Nov 22 03:36:33 k8s-master etcd[2580]: listen tcp 127.0.0.1:2379: bind: address already in use
Nov 22 03:36:33 k8s-master systemd[1]: etcd.service: Main process exited, code=exited, status=1/FAILURE
Nov 22 03:36:33 k8s-master systemd[1]: etcd.service: Failed with result 'exit-code'.
Nov 22 03:36:33 k8s-master systemd[1]: Failed to start etcd.service - etcd key-value store (Kubernetes control plane).
Nov 22 03:36:38 k8s-master systemd[1]: etcd.service: Scheduled restart job, restart counter is at 2.
Nov 22 03:36:38 k8s-master systemd[1]: Stopped etcd.service - etcd key-value store (Kubernetes control plane).
Nov 22 03:36:38 k8s-master systemd[1]: Starting etcd.service - etcd key-value store (Kubernetes control plane)...
Nov 22 03:36:38 k8s-master etcd[2588]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:38 k8s-master etcd[2588]: etcd Version: 3.4.23
Nov 22 03:36:38 k8s-master etcd[2588]: Git SHA: Not provided (use ./build instead of go build)
Nov 22 03:36:38 k8s-master etcd[2588]: Go Version: go1.19.8
Nov 22 03:36:38 k8s-master etcd[2588]: Go OS/Arch: linux/amd64
Nov 22 03:36:38 k8s-master etcd[2588]: setting maximum number of CPUs to 2, total number of available CPUs is 2
Nov 22 03:36:38 k8s-master etcd[2588]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:38 k8s-master etcd[2588]: peerTLS: cert = /etc/kubernetes/pki/etcd/peer.crt, key = /etc/kubernetes/pki/etcd/peer.key, trusted-ca = /etc/kubernetes/pki/etcd/ca.crt, client-cert-auth = true, crl-file = 
Nov 22 03:36:38 k8s-master etcd[2588]: stopping listening for client requests on 127.0.0.1:2379
Nov 22 03:36:38 k8s-master etcd[2588]: listen tcp 127.0.0.1:2379: bind: address already in use
Nov 22 03:36:38 k8s-master systemd[1]: etcd.service: Main process exited, code=exited, status=1/FAILURE
Nov 22 03:36:38 k8s-master systemd[1]: etcd.service: Failed with result 'exit-code'.
Nov 22 03:36:38 k8s-master systemd[1]: Failed to start etcd.service - etcd key-value store (Kubernetes control plane).
"""#

    /// Started before `init phase certs` wrote the etcd certificates.
    static let missingPeerCertificate = #"""
Nov 22 03:36:43 k8s-master systemd[1]: etcd.service: Scheduled restart job, restart counter is at 3.
Nov 22 03:36:43 k8s-master systemd[1]: Stopped etcd.service - etcd key-value store (Kubernetes control plane).
Nov 22 03:36:46 k8s-master systemd[1]: Starting etcd.service - etcd key-value store (Kubernetes control plane)...
Nov 22 03:36:46 k8s-master etcd[2883]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:46 k8s-master etcd[2883]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:46 k8s-master etcd[2883]: etcd Version: 3.4.23
Nov 22 03:36:46 k8s-master etcd[2883]: Git SHA: Not provided (use ./build instead of go build)
Nov 22 03:36:46 k8s-master etcd[2883]: Go Version: go1.19.8
Nov 22 03:36:46 k8s-master etcd[2883]: Go OS/Arch: linux/amd64
Nov 22 03:36:46 k8s-master etcd[2883]: setting maximum number of CPUs to 2, total number of available CPUs is 2
Nov 22 03:36:46 k8s-master etcd[2883]: peerTLS: cert = /etc/kubernetes/pki/etcd/peer.crt, key = /etc/kubernetes/pki/etcd/peer.key, trusted-ca = /etc/kubernetes/pki/etcd/ca.crt, client-cert-auth = true, crl-file = 
Nov 22 03:36:46 k8s-master etcd[2883]: open /etc/kubernetes/pki/etcd/peer.crt: no such file or directory
Nov 22 03:36:46 k8s-master systemd[1]: etcd.service: Main process exited, code=exited, status=1/FAILURE
Nov 22 03:36:46 k8s-master systemd[1]: etcd.service: Failed with result 'exit-code'.
Nov 22 03:36:46 k8s-master systemd[1]: Failed to start etcd.service - etcd key-value store (Kubernetes control plane).
Nov 22 03:36:51 k8s-master systemd[1]: etcd.service: Scheduled restart job, restart counter is at 1.
Nov 22 03:36:51 k8s-master systemd[1]: Stopped etcd.service - etcd key-value store (Kubernetes control plane).
Nov 22 03:36:51 k8s-master systemd[1]: Starting etcd.service - etcd key-value store (Kubernetes control plane)...
Nov 22 03:36:51 k8s-master etcd[2951]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:51 k8s-master etcd[2951]: etcd Version: 3.4.23
Nov 22 03:36:51 k8s-master etcd[2951]: Git SHA: Not provided (use ./build instead of go build)
Nov 22 03:36:51 k8s-master etcd[2951]: Go Version: go1.19.8
Nov 22 03:36:51 k8s-master etcd[2951]: [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
Nov 22 03:36:51 k8s-master etcd[2951]: Go OS/Arch: linux/amd64
Nov 22 03:36:51 k8s-master etcd[2951]: setting maximum number of CPUs to 2, total number of available CPUs is 2
Nov 22 03:36:51 k8s-master etcd[2951]: peerTLS: cert = /etc/kubernetes/pki/etcd/peer.crt, key = /etc/kubernetes/pki/etcd/peer.key, trusted-ca = /etc/kubernetes/pki/etcd/ca.crt, client-cert-auth = true, crl-file = 
Nov 22 03:36:51 k8s-master etcd[2951]: open /etc/kubernetes/pki/etcd/peer.crt: no such file or directory
Nov 22 03:36:51 k8s-master systemd[1]: etcd.service: Main process exited, code=exited, status=1/FAILURE
Nov 22 03:36:51 k8s-master systemd[1]: etcd.service: Failed with result 'exit-code'.
Nov 22 03:36:51 k8s-master systemd[1]: Failed to start etcd.service - etcd key-value store (Kubernetes control plane).
"""#
}
