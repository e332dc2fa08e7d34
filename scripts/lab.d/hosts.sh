# Full lab hosts: systemd-nspawn containers booted from the cached base (sourced by scripts/lab).
#
# Per host NAME:
#   $LAB_STATE/identity/NAME/   host keys, machine-id, product_uuid — kept across down/up so known_hosts
#                               stays valid
#   $LAB_STATE/hosts.d/NAME/    upper (the host's overlay layer), address, nspawn.pid, mode — removed by down
#   $LAB_STATE/logs/NAME.console.log   the boot console of the last run
#   netns kf-NAME, veth kfv-OCTET (root side, on kfbr0) / eth0 (host side)

LAB_HOST_KEY_TYPES=(ed25519 ecdsa rsa)

default_octet() {
    case "$1" in
        k8s-master) echo 11 ;;
        k8s-node1) echo 12 ;;
        k8s-node2) echo 13 ;;
        *) return 1 ;;
    esac
}

host_dir() { printf '%s/hosts.d/%s\n' "$LAB_STATE" "$1"; }

nspawn_pid() {
    local f pid
    f="$(host_dir "$1")/nspawn.pid"
    [ -s "$f" ] || return 1
    pid=$(cat "$f")
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "systemd-nspawn .*--machine=$1 " || return 1
    printf '%s\n' "$pid"
}

host_running() { nspawn_pid "$1" >/dev/null; }

host_address() { cat "$(host_dir "$1")/address" 2>/dev/null; }

# How a host was booted: "default", or "kubelet" (what a real kubelet needs; see boot_host).
host_mode() { cat "$(host_dir "$1")/mode" 2>/dev/null || echo default; }

# Hosts with state (running or not), in address order.
known_host_names() {
    local d
    for d in "$LAB_STATE"/hosts.d/*/; do
        [ -f "$d/address" ] || continue
        printf '%s %s\n' "$(cat "$d/address")" "$(basename "$d")"
    done | sort -t. -k4,4n | awk '{print $2}'
}

running_host_names() {
    local n
    for n in $(known_host_names); do
        host_running "$n" && echo "$n"
    done
    return 0
}

# The address a host gets: its default one, the one it already has, or the next free one.
assign_address() {
    local name=$1 octet used n
    if octet=$(default_octet "$name"); then
        echo "$LAB_NET.$octet"
        return
    fi
    if [ -f "$(host_dir "$name")/address" ]; then
        host_address "$name"
        return
    fi
    used=" 11 12 13 $LAB_UNREACHABLE_OCTET "
    for n in $(known_host_names); do
        used+=" $(host_address "$n" | cut -d. -f4) "
    done
    for ((octet = 14; octet <= 254; octet++)); do
        case "$used" in *" $octet "*) continue ;; esac
        echo "$LAB_NET.$octet"
        return
    done
    die "no free address left in $LAB_NET.0/24"
}

ensure_identity() {
    local name=$1 dir t
    dir="$LAB_STATE/identity/$name"
    mkdir -p "$dir"
    for t in "${LAB_HOST_KEY_TYPES[@]}"; do
        if [ ! -s "$dir/ssh_host_${t}_key" ] || [ ! -s "$dir/ssh_host_${t}_key.pub" ]; then
            rm -f "$dir/ssh_host_${t}_key" "$dir/ssh_host_${t}_key.pub"
            ssh-keygen -q -t "$t" -N '' -C "root@$name" -f "$dir/ssh_host_${t}_key"
        fi
    done
    [ -s "$dir/machine-id" ] || tr -d '-' </proc/sys/kernel/random/uuid >"$dir/machine-id"
    [ -s "$dir/product_uuid" ] || tr 'a-f' 'A-F' </proc/sys/kernel/random/uuid >"$dir/product_uuid"
}

# Create DIR under the overlay upper layer with the owner and mode the base gives it, so the merged
# directory looks exactly like the base's (sshd's StrictModes checks home directories).
upper_mkdir_like_base() {
    local base=$1 upper=$2 rel=$3 path="" part
    local IFS=/
    for part in $rel; do
        [ -n "$part" ] || continue
        path+="/$part"
        if [ ! -d "$upper$path" ]; then
            mkdir "$upper$path"
            if [ -d "$base$path" ]; then
                chown --reference="$base$path" "$upper$path"
                chmod --reference="$base$path" "$upper$path"
            fi
        fi
    done
}

# Authorise the lab key for USER (home HOME) in the overlay.
upper_authorize() {
    local base=$1 upper=$2 user=$3 home=$4 ids
    ids=$(awk -F: -v u="$user" '$1 == u {print $3 ":" $4}' "$base/etc/passwd")
    [ -n "$ids" ] || die "user $user missing from the base's /etc/passwd ($base)"
    upper_mkdir_like_base "$base" "$upper" "$home"
    install -d -m 0700 -o "${ids%:*}" -g "${ids#*:}" "$upper$home/.ssh"
    install -m 0600 -o "${ids%:*}" -g "${ids#*:}" "$LAB_STATE/id_ed25519.pub" "$upper$home/.ssh/authorized_keys"
}

# The host's own overlay layer: identity, hostname, addresses, sshd policy, authorised keys.
write_upper() {
    local base=$1 name=$2 address=$3 upper id password=no t d
    upper="$(host_dir "$name")/upper"
    id="$LAB_STATE/identity/$name"
    mkdir -p "$upper"
    chmod 0755 "$upper"
    for d in etc etc/ssh etc/ssh/sshd_config.d etc/kubeforge-lab etc/kubeforge-lab/sys-class etc/kubeforge-lab/sys-class/dmi etc/kubeforge-lab/sys-class/dmi/id; do
        upper_mkdir_like_base "$base" "$upper" "$d"
    done
    echo "$name" >"$upper/etc/hostname"
    install -m 0444 "$id/machine-id" "$upper/etc/machine-id"
    install -m 0400 "$id/product_uuid" "$upper/etc/kubeforge-lab/sys-class/dmi/id/product_uuid"
    cat >"$upper/etc/hosts" <<EOF
127.0.0.1	localhost
$address	$name
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF
    for t in "${LAB_HOST_KEY_TYPES[@]}"; do
        install -m 0600 "$id/ssh_host_${t}_key" "$upper/etc/ssh/ssh_host_${t}_key"
        install -m 0644 "$id/ssh_host_${t}_key.pub" "$upper/etc/ssh/ssh_host_${t}_key.pub"
    done
    # Only k8s-node2 takes passwords, so tests can exercise both kinds of host.
    [ "$name" = k8s-node2 ] && password=yes
    cat >"$upper/etc/ssh/sshd_config.d/10-kubeforge-lab.conf" <<EOF
# kubeforge lab (scripts/lab). sshd takes the first value it reads; this file is included first.
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication $password
KbdInteractiveAuthentication $password
AllowTcpForwarding yes
UseDNS no
EOF
    upper_authorize "$base" "$upper" root /root
    upper_authorize "$base" "$upper" kube /home/kube
    upper_authorize "$base" "$upper" kubepw /home/kubepw
}

# Network namespace kf-NAME with eth0 at ADDRESS, bridged to kfbr0 through veth kfv-OCTET.
setup_host_network() {
    local name=$1 address=$2 ns="kf-$1" veth="kfv-${2##*.}"
    delete_netns "$ns"
    delete_link "$veth"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$LAB_BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$address/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$LAB_NET.1"
}

# systemd-nspawn refuses to start without a host systemd unless this runtime directory is a tmpfs.
ensure_nspawn_runtime() {
    if ! mountpoint -q /run/systemd/nspawn 2>/dev/null; then
        mkdir -p /run/systemd/nspawn
        mount -t tmpfs -o mode=0755 kf-nspawn /run/systemd/nspawn
    fi
}

# The cgroup hierarchies nspawn tracks its container in (name=systemd and cgroup2 on this kind of hybrid
# machine; just /sys/fs/cgroup on a pure cgroup2 one).
tracking_cgroup_roots() {
    local root
    for root in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
        case "$(stat -f -c %T "$root" 2>/dev/null)" in
            cgroupfs | cgroup2fs) echo "$root" ;;
        esac
    done
}

boot_host() {
    local base=$1 name=$2 mode=$3 dir log writable=network capabilities=CAP_NET_ADMIN extra=()
    dir=$(host_dir "$name")
    mkdir -p "$LAB_STATE/logs"
    log="$LAB_STATE/logs/$name.console.log"
    # A network namespace given by path does not imply --private-network, so ask for what that would
    # grant: CAP_NET_ADMIN (iptables, ip, conntrack) and a writable /proc/sys/net (per-host sysctls).
    # kubelet mode (shared/lab-notes.md): the kubelet writes kernel.panic, kernel.panic_on_oops and
    # vm.overcommit_memory (a writable /proc/sys, whose non-net sysctls are this machine's), creates cgroups
    # (a writable /sys, which also shows every host the same MAC on a shared interface, so UniqueMAC fails
    # there), opens /dev/kmsg and needs more than CAP_NET_ADMIN.
    if [ "$mode" = kubelet ]; then
        writable=yes
        capabilities=all
        extra=(--bind=/dev/kmsg)
    fi
    echo "$mode" >"$dir/mode"
    (
        # Without a host systemd, nspawn --keep-unit puts its payload/ and supervisor/ cgroups below its own
        # cgroup; give each host its own, or all containers' systemds would share (and kill) one tree.
        for root in $(tracking_cgroup_roots); do
            mkdir -p "$root/kubeforge-lab/kf-$name"
            echo "$BASHPID" >"$root/kubeforge-lab/kf-$name/cgroup.procs"
        done
        # setsid: the host outlives the shell that started it. stdin is not a tty, so the console is
        # read-only and only logged. fds 8/9 are lab locks and must not stay held by the host.
        SYSTEMD_NSPAWN_API_VFS_WRITABLE=$writable \
        exec setsid systemd-nspawn --quiet --boot --register=no --keep-unit \
            --directory="$base" --overlay="$base:$dir/upper:/" \
            --machine="$name" --hostname="$name" \
            --network-namespace-path="/run/netns/kf-$name" --capability="$capabilities" ${extra[@]+"${extra[@]}"} \
            --link-journal=no --resolv-conf=off --timezone=off --console=read-only \
            </dev/null >"$log" 2>&1 8>&- 9>&-
    ) &
    local pid=$! i
    echo "$pid" >"$dir/nspawn.pid"
    # The subshell needs a moment to become systemd-nspawn; until then the host does not count as running.
    for ((i = 0; i < 100; i++)); do
        host_running "$name" && return 0
        alive "$pid" || break
        sleep 0.05
    done
    host_running "$name" || die "host $name: systemd-nspawn did not start; see $log"
}

remove_host_cgroups() {
    local root
    for root in $(tracking_cgroup_roots); do
        [ -d "$root/kubeforge-lab" ] || continue
        find "$root/kubeforge-lab" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
}

write_known_hosts() {
    local n a t tmp="$LAB_STATE/known_hosts.tmp"
    : >"$tmp"
    for n in "$@"; do
        a=$(host_address "$n")
        for t in "${LAB_HOST_KEY_TYPES[@]}"; do
            printf '%s %s\n' "$a" "$(cut -d' ' -f1,2 "$LAB_STATE/identity/$n/ssh_host_${t}_key.pub")" >>"$tmp"
            printf '%s %s\n' "$n" "$(cut -d' ' -f1,2 "$LAB_STATE/identity/$n/ssh_host_${t}_key.pub")" >>"$tmp"
        done
    done
    mv "$tmp" "$LAB_STATE/known_hosts"
}

# The last lines of a host's boot console, without terminal colour codes.
console_tail() {
    tail -n "${2:-25}" "$LAB_STATE/logs/$1.console.log" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' >&2 || true
}

# Wait until every named host answers SSH with its recorded host key, or fail with its console tail.
wait_for_ssh() {
    local deadline=$((SECONDS + LAB_BOOT_DEADLINE)) pending=("$@") still n a
    while [ ${#pending[@]} -gt 0 ]; do
        still=()
        for n in "${pending[@]}"; do
            a=$(host_address "$n")
            if ! host_running "$n"; then
                rm -f "$LAB_STATE/ready"
                console_tail "$n"
                die "host $n ($a): systemd-nspawn exited during boot; console above, full log $LAB_STATE/logs/$n.console.log"
            fi
            if tcp_open "$a" && lab_ssh "$LAB_STATE/known_hosts" "root@$a" true </dev/null 2>/dev/null; then
                continue
            fi
            still+=("$n")
        done
        pending=("${still[@]+"${still[@]}"}")
        [ ${#pending[@]} -gt 0 ] || break
        if [ $SECONDS -ge $deadline ]; then
            rm -f "$LAB_STATE/ready"
            for n in "${pending[@]}"; do
                printf -- '--- %s console (last 25 lines) ---\n' "$n" >&2
                console_tail "$n"
                printf -- '--- %s: ssh -v ---\n' "$n" >&2
                lab_ssh "$LAB_STATE/known_hosts" -o LogLevel=INFO "root@$(host_address "$n")" true </dev/null 2>&1 | tail -n 5 >&2 || true
            done
            die "SSH did not answer within ${LAB_BOOT_DEADLINE}s on: ${pending[*]} (logs in $LAB_STATE/logs/)"
        fi
        sleep 0.5
    done
}

validate_host_name() {
    [[ $1 =~ ^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$ ]] \
        || die_input "invalid host name '$1' (lowercase letters, digits and '-', at most 40 characters)"
}

hosts_up() {
    local names_csv=$1 mode=$2 base n a wanted=() to_boot=() all=()
    IFS=, read -r -a wanted <<<"$names_csv"
    [ ${#wanted[@]} -gt 0 ] || die_input "--hosts: no host names given"
    for n in "${wanted[@]}"; do validate_host_name "$n"; done
    if [ "$mode" = kubelet ] && [ ! -e /dev/kmsg ]; then
        die "kubelet mode binds /dev/kmsg into the hosts, and this machine has none"
    fi
    # One mode for the whole lab: hosts that run are never rebooted behind a test's back.
    for n in $(running_host_names); do
        [ "$(host_mode "$n")" = "$mode" ] && continue
        die "host $n runs in $(host_mode "$n") mode, not $mode (--kubelet, or KUBEFORGE_BUNDLE, chooses kubelet mode); run scripts/lab down first"
    done

    mkdir -p "$LAB_STATE/hosts.d" "$LAB_STATE/identity"
    ensure_client_key
    base=$(ensure_base)

    for n in "${wanted[@]}"; do
        host_running "$n" || to_boot+=("$n")
    done
    if [ ${#to_boot[@]} -gt 0 ]; then
        rm -f "$LAB_STATE/ready"
        ensure_bridge "$LAB_BRIDGE" "$LAB_NET.1/24"
        ensure_nspawn_runtime
        for n in "${to_boot[@]}"; do
            a=$(assign_address "$n")
            rm -rf "$(host_dir "$n")"
            mkdir -p "$(host_dir "$n")"
            echo "$a" >"$(host_dir "$n")/address"
            ensure_identity "$n"
            write_upper "$base" "$n" "$a"
            setup_host_network "$n" "$a"
        done
    fi
    # known_hosts covers every host that is (or is about to be) running, before any of them boots.
    for n in $(known_host_names); do
        if host_running "$n" || printf '%s\n' "${to_boot[@]+"${to_boot[@]}"}" | grep -qx -- "$n"; then
            all+=("$n")
        fi
    done
    write_known_hosts "${all[@]}"
    for n in "${to_boot[@]+"${to_boot[@]}"}"; do
        log "booting $n at $(host_address "$n")$([ "$mode" = kubelet ] && echo " (kubelet mode)")"
        boot_host "$base" "$n" "$mode"
    done
    wait_for_ssh "${all[@]}"
    for n in "${all[@]}"; do printf '%s %s\n' "$n" "$(host_address "$n")"; done >"$LAB_STATE/hosts.tmp"
    mv "$LAB_STATE/hosts.tmp" "$LAB_STATE/hosts"
    echo "$mode" >"$LAB_STATE/mode"
    touch "$LAB_STATE/ready"
    log "ready: $(tr '\n' ' ' <"$LAB_STATE/hosts")"
}

# Stop nspawn hosts: SIGKILL each container's init (that ends its whole PID namespace at once — the state
# is thrown away anyway), then let each nspawn notice, unmount its overlay and exit.
stop_nspawns() {
    local pid child
    for pid in "$@"; do
        for child in $(pgrep -P "$pid" 2>/dev/null); do
            kill -KILL "$child" 2>/dev/null || true
        done
    done
    for pid in "$@"; do
        wait_gone "$pid" 100 || { kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 20 || true; }
    done
}

hosts_down() {
    local ns link pids
    # Every lab nspawn on the machine, including ones whose state dir is gone.
    # shellcheck disable=SC2046
    stop_nspawns $(pgrep -f -- '^systemd-nspawn .*--network-namespace-path=/run/netns/kf-' 2>/dev/null || true)
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^kf-' || true); do
        delete_netns "$ns"
    done
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^kfv-' || true); do
        delete_link "$link"
    done
    delete_link "$LAB_BRIDGE"
    remove_host_cgroups
    if mountpoint -q /run/systemd/nspawn 2>/dev/null \
        && findmnt -n -o SOURCE /run/systemd/nspawn | grep -qx kf-nspawn \
        && ! ps -C systemd-nspawn -o stat= | grep -qv '^Z'; then
        umount /run/systemd/nspawn
    fi
    unmount_empty_netns_dir
    rm -rf "$LAB_STATE/hosts.d"
    rm -f "$LAB_STATE/hosts" "$LAB_STATE/ready" "$LAB_STATE/mode"
    pids=$(pgrep -f -- '^systemd-nspawn .*--network-namespace-path=/run/netns/kf-' || true)
    [ -z "$pids" ] || die "lab hosts still running after down: pids $pids"
    log "down"
}

# `ip netns add` bind-mounts /run/netns onto itself; drop that mount once no namespace is left in it.
unmount_empty_netns_dir() {
    if mountpoint -q /run/netns 2>/dev/null && [ -z "$(ls -A /run/netns 2>/dev/null)" ]; then
        umount /run/netns 2>/dev/null || true
    fi
}

hosts_status() {
    local n a running ssh_ok any=0
    printf '%-16s %-8s %-14s %-4s %s\n' HOST RUNNING ADDRESS SSH MODE
    for n in $(known_host_names); do
        any=1
        a=$(host_address "$n")
        running=no
        ssh_ok=no
        if host_running "$n"; then
            running=yes
            if lab_ssh "$LAB_STATE/known_hosts" "root@$a" true </dev/null 2>/dev/null; then ssh_ok=yes; fi
        fi
        printf '%-16s %-8s %-14s %-4s %s\n' "$n" "$running" "$a" "$ssh_ok" "$(host_mode "$n")"
    done
    [ "$any" = 1 ] || echo "(no lab hosts; scripts/lab up)"
    local other
    for other in $(foreign_lab_dirs); do echo "(in use from another checkout: hosts of $other are running)"; done
    light_status
}
