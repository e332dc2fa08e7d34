/// The one script preflight runs on each host. It only reads, prints every fact as `==> name [status]`
/// sections (see `ProbeSections`), and makes no network calls except to local sockets (crictl, ctr).
/// POSIX sh: it runs under dash, bash (CentOS 7's 4.2) and any other POSIX shell, with no busybox tools.
public enum ProbeScript {
    /// Bumped whenever a section changes meaning, so the parser can refuse output it does not understand.
    /// (Changing how a section is produced, or adding one, keeps the version: old captures still parse.)
    public static let version = 1

    /// The script for `target`: `text`, preceded by its API server port when that is not 6443 (so the
    /// probe names the process holding a custom port too).
    public static func text(for target: PreflightTarget) -> String {
        target.apiServerPort == 6443 ? text : "KUBEFORGE_APISERVER_PORT=\(target.apiServerPort)\n" + text
    }

    public static let text: String = #"""
# kubeforge preflight probe v1: prints every fact preflight needs as "==> name [status]" sections.
# POSIX sh (dash, bash 4.2) and awk (mawk, gawk); read-only; no network except local sockets.
# Few processes on purpose: on a busy host every fork counts, so files go through one awk and
# shell builtins do the rest; external commands only for facts no file holds.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
LC_ALL=C
export PATH LC_ALL
s() { printf '==> %s\n' "$*"; }
r() { n=$1; shift; o=$("$@" 2>&1); printf '==> %s rc=%s\n%s\n' "$n" "$?" "$o"; }
# d NAME FILE...: each readable FILE as a section, "absent" when it cannot be read; one awk for all.
d() {
    awk 'BEGIN {
        for (i = 1; i + 1 < ARGC; i += 2) {
            n = ARGV[i]; p = ARGV[i + 1]; r = (getline l < p)
            if (r < 0) { print "==> " n " absent"; continue }
            print "==> " n
            for (; r > 0; r = (getline l < p)) print l
            close(p)
        }
    }' "$@"
}
# g NAME ERE FILE...: the lines of FILEs matching ERE (any case); grep runs only when one exists.
g() { n=$1; e=$2; shift 2; s "$n"; for x; do if [ -r "$x" ]; then grep -hiE "$e" "$@" 2>/dev/null; break; fi; done; }
td() { timedatectl show 2>/dev/null || timedatectl status; }
s probe; echo 'kubeforge-probe 1'
s epoch; date +%s.%N
s uname; uname -snrm
u=$(id -u)
s user; echo "$u"
if [ "$u" != 0 ] && command -v sudo >/dev/null 2>&1; then r sudo sudo -n true; fi
s nproc; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN
d os-release /etc/os-release redhat-release /etc/redhat-release meminfo /proc/meminfo swaps /proc/swaps \
    selinux-config /etc/selinux/config modules /proc/modules filesystems /proc/filesystems cgroups /proc/cgroups \
    ufw-conf /etc/ufw/ufw.conf hostname /etc/hostname hosts /etc/hosts machine-id /etc/machine-id \
    product-uuid /sys/class/dmi/id/product_uuid environment /etc/environment \
    containerd-config /etc/containerd/config.toml kubelet-config /var/lib/kubelet/config.yaml
# Listening sockets over netlink (reading /proc/net/tcp walks the kernel's whole socket table). Only when
# a Kubernetes port is taken, again with -p to name its process (slow: it reads every process's fds).
# KUBEFORGE_APISERVER_PORT: a non-default API server port, set by a line before this script.
if command -v ss >/dev/null 2>&1; then
    o=$(ss -ltn 2>&1); c=$?
    case $o in
    *:${KUBEFORGE_APISERVER_PORT:-6443}[!0-9]* | *:6443[!0-9]* | *:10250[!0-9]* | *:10257[!0-9]* | *:10259[!0-9]* | *:2379[!0-9]* | *:2380[!0-9]*) r listen ss -ltnp ;;
    *) printf '==> listen rc=%s\n%s\n' "$c" "$o" ;;
    esac
else d listen /proc/net/tcp listen6 /proc/net/tcp6; fi
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
for p in /etc/kubernetes/manifests /var/lib/etcd; do
    if [ ! -d "$p" ]; then s "dir $p absent"
    elif [ -r "$p" ] && [ -x "$p" ]; then
        s "dir $p rc=0"
        for e in "$p"/* "$p"/.[!.]* "$p"/..?*; do if [ -e "$e" ] || [ -L "$e" ]; then printf '%s\n' "${e##*/}"; fi; done
    else r "dir $p" ls -A "$p"; fi
done
if command -v getenforce >/dev/null 2>&1; then r getenforce getenforce; fi
read -r k < /proc/sys/kernel/osrelease
e='^CONFIG_(NAMESPACES|NET_NS|PID_NS|IPC_NS|UTS_NS|CGROUPS|CGROUP_CPUACCT|CGROUP_DEVICE|CGROUP_FREEZER|CGROUP_PIDS|CGROUP_SCHED|CPUSETS|MEMCG|INET|EXT4_FS|PROC_FS|NETFILTER_XT_TARGET_REDIRECT|NETFILTER_XT_MATCH_COMMENT|OVERLAY_FS|AUFS_FS|BLK_DEV_DM|BRIDGE_NETFILTER|IP_NF_TARGET_MASQUERADE)='
if [ -r /proc/config.gz ]; then s kernel-config; gzip -dc /proc/config.gz | grep -E "$e"
elif [ -r "/boot/config-$k" ]; then s kernel-config; grep -E "$e" "/boot/config-$k"
else s kernel-config absent; fi
s binaries
for b in conntrack ip iptables mount nsenter ebtables ethtool socat tc touch crictl kubelet kubeadm containerd ctr runc \
    systemctl timedatectl chronyc ntpq firewall-cmd ufw docker; do
    printf '%s=' "$b"; command -v "$b" 2>/dev/null || echo
done
if command -v kubelet >/dev/null 2>&1; then r kubelet-version kubelet --version; fi
if [ -d /run/systemd/system ]; then
    s units; systemctl is-active firewalld ufw containerd crio docker chronyd chrony ntpd ntp systemd-timesyncd kubelet 2>/dev/null
    r kubelet-enabled systemctl is-enabled kubelet.service
fi
if command -v chronyc >/dev/null 2>&1; then r chronyc chronyc -n tracking; fi
if command -v ntpq >/dev/null 2>&1; then r ntpq ntpq -pn; fi
if command -v timedatectl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then r timedatectl td; fi
s macs
for p in /sys/class/net/*; do
    [ -r "$p/address" ] && read -r a < "$p/address" || continue
    if [ -e "/sys/devices/virtual/net/${p##*/}" ]; then printf '%s %s virtual\n' "${p##*/}" "$a"; else printf '%s %s\n' "${p##*/}" "$a"; fi
done
r addresses ip -o addr show
s proxy-env
for v in HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do eval "x=\${$v-}"; [ -n "$x" ] && printf '%s=%s\n' "$v" "$x"; done
g runtime-proxy proxy /etc/systemd/system/containerd.service.d/*.conf /etc/systemd/system/crio.service.d/*.conf \
    /etc/systemd/system/docker.service.d/*.conf
g kubelet-proxy proxy /etc/systemd/system/kubelet.service.d/*.conf /usr/lib/systemd/system/kubelet.service.d/*.conf
g crio-config '^[[:space:]]*cgroup_manager' /etc/crio/crio.conf /etc/crio/crio.conf.d/*.conf
for p in /run/containerd/containerd.sock /var/run/crio/crio.sock /var/run/cri-dockerd.sock; do
    if [ -S "$p" ]; then
        if command -v crictl >/dev/null 2>&1; then r "crictl-info $p" crictl --runtime-endpoint "unix://$p" --timeout 2s info
        elif [ "$p" = /run/containerd/containerd.sock ] && command -v ctr >/dev/null 2>&1; then r "ctr-version $p" ctr --address "$p" --timeout 2s version
        fi
    fi
done
s epoch-end; date +%s.%N
s end
"""#
}
