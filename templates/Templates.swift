// The files under templates/files, compiled into the binary so a copied kubeforge needs nothing beside it.

/// Every template by file name. SwiftPM generates one `PackageResources` static per file and no index, so the
/// index is kept here by hand; `EmbeddedTemplatesTests` fails when a file under `files/` is missing from it.
public enum EmbeddedTemplates {
    public static let all: [String: [UInt8]] = [
        // static Pod manifests (init phase control-plane / etcd local)
        "kube-apiserver.yaml": PackageResources.kube_apiserver_yaml,
        "kube-controller-manager.yaml": PackageResources.kube_controller_manager_yaml,
        "kube-scheduler.yaml": PackageResources.kube_scheduler_yaml,
        "etcd.yaml": PackageResources.etcd_yaml,
        "probe.mustache": PackageResources.probe_mustache,
        // systemd units (binary mode) and the kubelet drop-in
        "kube-apiserver.service": PackageResources.kube_apiserver_service,
        "kube-controller-manager.service": PackageResources.kube_controller_manager_service,
        "kube-scheduler.service": PackageResources.kube_scheduler_service,
        "etcd.service": PackageResources.etcd_service,
        "kubelet.service": PackageResources.kubelet_service,
        "kube-proxy.service": PackageResources.kube_proxy_service,
        "10-kubeadm.conf": PackageResources._0_kubeadm_conf,
        // kubelet
        "kubelet-config.yaml": PackageResources.kubelet_config_yaml,
        "kubeadm-flags.env": PackageResources.kubeadm_flags_env,
        // node OS and runtime
        "containerd-config.toml": PackageResources.containerd_config_toml,
        "99-kubernetes.conf": PackageResources._9_kubernetes_conf,
        "kubernetes.conf": PackageResources.kubernetes_conf,
        // API objects
        "kubeadm-config.yaml": PackageResources.kubeadm_config_yaml,
        "kubelet-config-configmap.yaml": PackageResources.kubelet_config_configmap_yaml,
        "bootstrap-token-rbac.yaml": PackageResources.bootstrap_token_rbac_yaml,
        "cluster-info.yaml": PackageResources.cluster_info_yaml,
        "cluster-admins.yaml": PackageResources.cluster_admins_yaml,
        "kubeadm-certs-rbac.yaml": PackageResources.kubeadm_certs_rbac_yaml,
        "coredns.yaml": PackageResources.coredns_yaml,
        "kube-proxy.yaml": PackageResources.kube_proxy_yaml,
        "kube-proxy-config.yaml": PackageResources.kube_proxy_config_yaml,
        // pod network (cluster.network.plugin: bridge)
        "10-kubeforge-bridge.conflist": PackageResources._0_kubeforge_bridge_conflist,
    ]
}
