# Sourced by scripts/demo and scripts/bench-up: what `kubeforge up` runs with on the three lab hosts.
# make_up_inventory WORK writes WORK/bundle (Debian's etcd and etcdctl, plus KUBEFORGE_BUNDLE's upstream
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kubectl when it is set) and WORK/up.yaml:
# with upstream binaries, k8s-master as control plane and two workers on the bridge network; without them,
# three stacked etcd members (up then stops at kube-apiserver, which no registry here has).
# The lab's known limits in kubelet mode (README: one MAC address for every host, no crictl) are in
# UP_IGNORE, for --ignore-preflight-errors.
UP_IGNORE=UniqueMAC,FileExisting-crictl

make_up_inventory() {
    local work=$1
    scripts/etcd-bundle "$work/bundle"
    local ssh_settings="ssh: {user: root, identityFile: .lab/id_ed25519, knownHostsFile: .lab/known_hosts, hostKeyPolicy: strict}"
    if [ -z "${KUBEFORGE_BUNDLE:-}" ]; then
        cat > "$work/up.yaml" <<INV
apiVersion: kubeforge/v1alpha1
kind: Inventory
cluster:
  controlPlaneMode: systemd
  binaries: {dir: $work/bundle}
$ssh_settings
hosts:
  - {name: k8s-master, address: 10.213.0.11, roles: [control-plane, etcd]}
  - {name: k8s-node1,  address: 10.213.0.12, roles: [etcd]}
  - {name: k8s-node2,  address: 10.213.0.13, roles: [etcd]}
INV
        return
    fi
    local binary
    for binary in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl; do
        [ -x "$KUBEFORGE_BUNDLE/$binary" ] || { echo "KUBEFORGE_BUNDLE=$KUBEFORGE_BUNDLE has no $binary" >&2; return 2; }
        cp -f "$KUBEFORGE_BUNDLE/$binary" "$work/bundle/"
    done
    (cd "$work/bundle" && sha256sum etcd etcdctl kube-* kubelet kubectl > SHA256SUMS)
    # The cluster's version is the bundle's ("Kubernetes v1.28.7").
    local version
    version=$("$work/bundle/kubelet" --version | awk '{print $2}')
    cat > "$work/up.yaml" <<INV
apiVersion: kubeforge/v1alpha1
kind: Inventory
cluster:
  kubernetesVersion: $version
  controlPlaneMode: systemd
  binaries: {dir: $work/bundle}
  networking: {podSubnet: 10.244.0.0/16}
  network: {plugin: bridge}
  kubeletExtraArgs: {cgroups-per-qos: "false", enforce-node-allocatable: ""}
$ssh_settings
hosts:
  - {name: k8s-master, address: 10.213.0.11, roles: [control-plane]}
  - {name: k8s-node1,  address: 10.213.0.12, roles: [worker]}
  - {name: k8s-node2,  address: 10.213.0.13, roles: [worker]}
INV
}
