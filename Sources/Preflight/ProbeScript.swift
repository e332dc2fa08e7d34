/// The one script preflight runs on each host. It only reads, prints every fact as `==> name [status]`
/// sections (see `ProbeSections`), and makes no network calls except to local sockets (crictl, ctr).
/// POSIX sh: it runs under dash, bash (CentOS 7's 4.2) and any other POSIX shell, with no busybox tools.
public enum ProbeScript {
    /// Bumped whenever a section changes meaning, so the parser can refuse output it does not understand.
    public static let version = 1

    public static let text: String = #"""
# kubeforge preflight probe v1: prints every fact preflight needs as "==> name [status]" sections.
# POSIX sh (dash, bash 4.2); read-only; no network except local sockets.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
LC_ALL=C
export PATH LC_ALL
s() { printf '==> %s\n' "$*"; }
f() { if [ -r "$2" ]; then s "$1"; cat "$2"; else s "$1 absent"; fi; }
r() { n=$1; shift; o=$("$@" 2>&1); printf '==> %s rc=%s\n%s\n' "$n" "$?" "$o"; }
s probe; echo 'kubeforge-probe 1'
s epoch; date +%s.%N
s uname; uname -snrm
s user; id -u
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then r sudo sudo -n true; fi
f os-release /etc/os-release
f redhat-release /etc/redhat-release
s nproc; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN
f meminfo /proc/meminfo
f swaps /proc/swaps
r df df -Pk /var/lib
s paths
for p in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/default/forwarding \
    /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables \
    /sys/fs/selinux/enforce /sys/fs/cgroup/cgroup.controllers /proc/1/comm; do
    if [ -r "$p" ]; then read -r v < "$p"; printf '%s=%s\n' "$p" "$v"; else printf '%s\n' "$p"; fi
done
s exists
for p in /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/manifests/kube-controller-manager.yaml \
    /etc/kubernetes/manifests/kube-scheduler.yaml /etc/kubernetes/manifests/etcd.yaml \
    /etc/kubernetes/kubelet.conf /etc/kubernetes/bootstrap-kubelet.conf /etc/kubernetes/pki/ca.crt \
    /sys/module/overlay /sys/module/br_netfilter /run/systemd/system \
    /run/containerd/containerd.sock /var/run/crio/crio.sock /var/run/cri-dockerd.sock; do
    if [ -S "$p" ]; then echo "$p socket"; elif [ -d "$p" ]; then echo "$p dir"; elif [ -e "$p" ]; then echo "$p file"; fi
done
for d in /etc/kubernetes/manifests /var/lib/etcd; do
    if [ -d "$d" ]; then r "dir $d" ls -A "$d"; else s "dir $d absent"; fi
done
f selinux-config /etc/selinux/config
if command -v getenforce >/dev/null 2>&1; then r getenforce getenforce; fi
f modules /proc/modules
f filesystems /proc/filesystems
f cgroups /proc/cgroups
if [ -r /proc/config.gz ]; then k="zcat /proc/config.gz"; elif [ -r "/boot/config-$(uname -r)" ]; then k="cat /boot/config-$(uname -r)"; else k=; fi
if [ -n "$k" ]; then s kernel-config; $k | grep -E '^CONFIG_(NAMESPACES|NET_NS|PID_NS|IPC_NS|UTS_NS|CGROUPS|CGROUP_CPUACCT|CGROUP_DEVICE|CGROUP_FREEZER|CGROUP_PIDS|CGROUP_SCHED|CPUSETS|MEMCG|INET|EXT4_FS|PROC_FS|NETFILTER_XT_TARGET_REDIRECT|NETFILTER_XT_MATCH_COMMENT|OVERLAY_FS|AUFS_FS|BLK_DEV_DM|BRIDGE_NETFILTER|IP_NF_TARGET_MASQUERADE)='; else s kernel-config absent; fi
s binaries
for b in conntrack ip iptables mount nsenter ebtables ethtool socat tc touch crictl kubelet kubeadm containerd ctr runc \
    systemctl timedatectl chronyc ntpq firewall-cmd ufw docker; do
    printf '%s=' "$b"; command -v "$b" 2>/dev/null || echo
done
if [ -d /run/systemd/system ]; then
    s units; systemctl is-active firewalld ufw containerd crio docker chronyd chrony ntpd ntp systemd-timesyncd kubelet 2>/dev/null
fi
f ufw-conf /etc/ufw/ufw.conf
if command -v chronyc >/dev/null 2>&1; then r chronyc chronyc -n tracking; fi
if command -v ntpq >/dev/null 2>&1; then r ntpq ntpq -pn; fi
if command -v timedatectl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    r timedatectl sh -c 'timedatectl show 2>/dev/null || timedatectl status'
fi
f hostname /etc/hostname
f hosts /etc/hosts
f machine-id /etc/machine-id
f product-uuid /sys/class/dmi/id/product_uuid
s macs
for d in /sys/class/net/*; do
    [ -r "$d/address" ] && read -r a < "$d/address" || continue
    if [ -e "/sys/devices/virtual/net/${d##*/}" ]; then printf '%s %s virtual\n' "${d##*/}" "$a"; else printf '%s %s\n' "${d##*/}" "$a"; fi
done
r addresses ip -o addr show
if command -v ss >/dev/null 2>&1; then r listen ss -ltnp; else f listen /proc/net/tcp; f listen6 /proc/net/tcp6; fi
s proxy-env
for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do eval "x=\${$v-}"; [ -n "$x" ] && printf '%s=%s\n' "$v" "$x"; done
f environment /etc/environment
s runtime-proxy; cat /etc/systemd/system/containerd.service.d/*.conf /etc/systemd/system/crio.service.d/*.conf /etc/systemd/system/docker.service.d/*.conf 2>/dev/null | grep -i proxy
s kubelet-proxy; cat /etc/systemd/system/kubelet.service.d/*.conf /usr/lib/systemd/system/kubelet.service.d/*.conf 2>/dev/null | grep -i proxy
f containerd-config /etc/containerd/config.toml
s crio-config; cat /etc/crio/crio.conf /etc/crio/crio.conf.d/*.conf 2>/dev/null | grep -E '^[[:space:]]*cgroup_manager'
f kubelet-config /var/lib/kubelet/config.yaml
for sock in /run/containerd/containerd.sock /var/run/crio/crio.sock /var/run/cri-dockerd.sock; do
    if [ -S "$sock" ]; then
        if command -v crictl >/dev/null 2>&1; then r "crictl-info $sock" crictl --runtime-endpoint "unix://$sock" --timeout 2s info
        elif [ "$sock" = /run/containerd/containerd.sock ] && command -v ctr >/dev/null 2>&1; then r "ctr-version $sock" ctr --address "$sock" --timeout 2s version
        fi
    fi
done
s epoch-end; date +%s.%N
s end
"""#
}
