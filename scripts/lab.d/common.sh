# Shared helpers for scripts/lab (sourced).

LAB_DEFAULT_HOSTS=k8s-master,k8s-node1,k8s-node2
LAB_BRIDGE=kfbr0
LAB_NET=10.213.0
LAB_UNREACHABLE_OCTET=99   # tests use 10.213.0.99 as "nothing listens here"

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }
die_input() { printf 'lab: %s\n' "$*" >&2; exit 2; }

require_root() {
    [ "$(id -u)" -eq 0 ] || die "scripts/lab needs root (network namespaces, bridges, systemd-nspawn)"
}

# One lab operation at a time on this machine (up/down/light), from any checkout: the bridge, the
# namespaces and the addresses are the machine's. The lock is released when the script exits.
LAB_MACHINE_LOCK=${KUBEFORGE_LAB_MACHINE_LOCK:-/run/kubeforge-lab.lock}
lab_lock() {
    mkdir -p "$LAB_STATE"
    exec 9>"$LAB_MACHINE_LOCK"
    flock -w 120 9 || die "another scripts/lab operation holds $LAB_MACHINE_LOCK"
}

# State dirs other than ours whose lab hosts run now (from each nspawn's --overlay=BASE:DIR/hosts.d/NAME/upper:/),
# one per line. A checkout's `up` would take their addresses and namespaces, and its `down` would stop them.
foreign_lab_dirs() {
    local pid upper dir
    for pid in $(pgrep -f -- '^systemd-nspawn .*--network-namespace-path=/run/netns/kf-' 2>/dev/null || true); do
        upper=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | sed -n 's/^--overlay=[^:]*:\(.*\)\/hosts\.d\/[^/]*\/upper:\/$/\1/p')
        dir=${upper:-}
        if [ -n "$dir" ] && [ "$dir" != "$LAB_STATE" ] && [ -d "$dir" ]; then echo "$dir"; fi
    done | sort -u
}

# Refuse to touch the lab while another checkout's hosts run (KUBEFORGE_LAB_FORCE=1 overrides for down).
refuse_foreign_lab() {
    local what=$1 others
    others=$(foreign_lab_dirs | tr '\n' ' ')
    [ -n "$others" ] || return 0
    [ "$what" = down ] && [ "${KUBEFORGE_LAB_FORCE:-}" = 1 ] && return 0
    die "the lab is in use: hosts of ${others% } are running. Wait until it is down (scripts/lab down in that checkout, or KUBEFORGE_LAB_DIR=DIR scripts/lab down)$([ "$what" = down ] && echo ", or stop them too with KUBEFORGE_LAB_FORCE=1 scripts/lab down")"
}

# The lab client key, created once and kept across up/down.
ensure_client_key() {
    if [ ! -s "$LAB_STATE/id_ed25519" ] || [ ! -s "$LAB_STATE/id_ed25519.pub" ]; then
        rm -f "$LAB_STATE/id_ed25519" "$LAB_STATE/id_ed25519.pub"
        ssh-keygen -q -t ed25519 -N '' -C kubeforge-lab -f "$LAB_STATE/id_ed25519"
    fi
    chmod 0600 "$LAB_STATE/id_ed25519"
}

# ssh options every lab check uses: the lab key, strict host keys against a given known_hosts file.
lab_ssh() {
    local known_hosts=$1
    shift
    ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=3 -o StrictHostKeyChecking=yes \
        -o UserKnownHostsFile="$known_hosts" -o GlobalKnownHostsFile=/dev/null \
        -o IdentitiesOnly=yes -i "$LAB_STATE/id_ed25519" -o LogLevel=ERROR "$@"
}

# A path as inventories should name it: relative to the repo root when the state dir is inside it.
repo_relative() {
    case "$1" in
        "$LAB_REPO"/*) printf '%s\n' "${1#"$LAB_REPO"/}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

ensure_bridge() {
    local bridge=$1 cidr=$2
    if ! ip link show "$bridge" >/dev/null 2>&1; then
        ip link add "$bridge" type bridge
    fi
    ip addr replace "$cidr" dev "$bridge"
    ip link set "$bridge" up
}

delete_link() { ip link show "$1" >/dev/null 2>&1 && ip link del "$1" 2>/dev/null || true; }

# Kill every process inside a network namespace, then delete it (`ip netns del` alone leaves them running).
delete_netns() {
    local ns=$1 pids
    [ -e "/run/netns/$ns" ] || return 0
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    if [ -n "$pids" ]; then
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
    fi
    ip netns del "$ns" 2>/dev/null || true
}

# True while PID exists and is not a zombie (orphans are reaped by this machine's PID 1 only lazily).
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Wait until a process is gone (up to N tenths of a second); true if it is.
wait_gone() {
    local pid=$1 tenths=${2:-50} i
    for ((i = 0; i < tenths; i++)); do
        alive "$pid" || return 0
        sleep 0.1
    done
    ! alive "$pid"
}

# True if ADDR accepts TCP connections on port 22 (cheaper than a full SSH handshake).
tcp_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/22" 2>/dev/null; }
