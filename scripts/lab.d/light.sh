# Light hosts for benchmarks: N bare sshd processes, each in its own network namespace (sourced).
#
# Host i (1..N): netns kfl-NN, veth kflv-NN on bridge kfbr1 (10.214.0.1/16), address 10.214.0.(10+i),
# hostname light-NN, root login with the lab key. They share this machine's filesystem; sshd runs in a
# private mount + UTS namespace with Debian's stock .bashrc over /root/.bashrc (this machine's runs
# `pyenv init`, which would add ~0.12 s to every command) and its own hostname.
#   $LAB_STATE/light/keys/NN/   host key (kept across down/up)
#   $LAB_STATE/light/run/NN/    sshd_config, sshd.pid, sshd.log (removed by down)
#   $LAB_STATE/light_known_hosts, $LAB_STATE/light.yaml

LIGHT_BRIDGE=kfbr1
LIGHT_NET=10.214.0

light_id() { printf '%02d\n' "$1"; }
light_address() { printf '%s.%d\n' "$LIGHT_NET" $((10 + $1)); }

light_pid() {
    local f pid
    f="$LAB_STATE/light/run/$(light_id "$1")/sshd.pid"
    [ -s "$f" ] || return 1
    pid=$(cat "$f")
    { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q "sshd.*$LAB_STATE/light/run/$(light_id "$1")/sshd_config" || return 1
    printf '%s\n' "$pid"
}

light_count_running() {
    local d n=0
    for d in "$LAB_STATE"/light/run/*/; do
        [ -d "$d" ] || continue
        light_pid "$((10#$(basename "$d")))" >/dev/null && n=$((n + 1))
    done
    echo "$n"
}

# Stop light hosts by number: all sshds first, then their namespaces and links.
light_stop() {
    local i id pid pids=()
    for i in "$@"; do
        if pid=$(light_pid "$i"); then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
        fi
    done
    for pid in "${pids[@]+"${pids[@]}"}"; do
        wait_gone "$pid" 30 || kill -KILL "$pid" 2>/dev/null || true
    done
    for i in "$@"; do
        id=$(light_id "$i")
        delete_netns "kfl-$id"
        delete_link "kflv-$id"
        rm -rf "$LAB_STATE/light/run/$id"
    done
}

light_start_one() {
    local i=$1 id address keys run ns veth
    id=$(light_id "$i")
    address=$(light_address "$i")
    keys="$LAB_STATE/light/keys/$id"
    run="$LAB_STATE/light/run/$id"
    ns="kfl-$id"
    veth="kflv-$id"
    mkdir -p "$keys" "$run"
    if [ ! -s "$keys/ssh_host_ed25519_key" ]; then
        ssh-keygen -q -t ed25519 -N '' -C "root@light-$id" -f "$keys/ssh_host_ed25519_key"
    fi
    cat >"$run/sshd_config" <<EOF
# kubeforge light lab host light-$id (scripts/lab light)
ListenAddress $address
Port 22
HostKey $keys/ssh_host_ed25519_key
PidFile $run/sshd.pid
AuthorizedKeysFile $LAB_STATE/id_ed25519.pub
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The state dir may sit below a world-writable directory (/tmp), which StrictModes would refuse.
StrictModes no
UseDNS no
PrintMotd no
PrintLastLog no
AllowTcpForwarding yes
LogLevel ERROR
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
    delete_netns "$ns"
    delete_link "$veth"
    ip netns add "$ns"
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$LIGHT_BRIDGE" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$address/16" dev eth0
    ip -n "$ns" link set eth0 up
    # sshd daemonizes and writes its pid file; the namespaces live as long as it does.
    ip netns exec "$ns" unshare --mount --uts --propagation private \
        /bin/sh -c 'mount --bind /usr/share/base-files/dot.bashrc /root/.bashrc && hostname "$1" && exec /usr/sbin/sshd -f "$2" -E "$3"' \
        sh "light-$id" "$run/sshd_config" "$run/sshd.log" 8>&- 9>&-
}

light_write_files() {
    local n=$1 i id address tmp inv role
    tmp="$LAB_STATE/light_known_hosts.tmp"
    : >"$tmp"
    for ((i = 1; i <= n; i++)); do
        id=$(light_id "$i")
        address=$(light_address "$i")
        printf '%s %s\n' "$address" "$(cut -d' ' -f1,2 "$LAB_STATE/light/keys/$id/ssh_host_ed25519_key.pub")" >>"$tmp"
        printf '%s %s\n' "light-$id" "$(cut -d' ' -f1,2 "$LAB_STATE/light/keys/$id/ssh_host_ed25519_key.pub")" >>"$tmp"
    done
    mv "$tmp" "$LAB_STATE/light_known_hosts"

    inv="$LAB_STATE/light.yaml.tmp"
    {
        echo "# Light benchmark hosts (scripts/lab light up $n). Paths are relative to the repo root."
        echo "apiVersion: kubeforge/v1alpha1"
        echo "kind: Inventory"
        echo "ssh:"
        echo "  user: root"
        echo "  port: 22"
        echo "  identityFile: $(repo_relative "$LAB_STATE/id_ed25519")"
        echo "  knownHostsFile: $(repo_relative "$LAB_STATE/light_known_hosts")"
        echo "  hostKeyPolicy: strict"
        echo "hosts:"
        for ((i = 1; i <= n; i++)); do
            if [ "$i" -eq 1 ]; then role=control-plane; else role=worker; fi
            printf '  - {name: light-%s, address: %s, roles: [%s]}\n' "$(light_id "$i")" "$(light_address "$i")" "$role"
        done
    } >"$inv"
    mv "$inv" "$LAB_STATE/light.yaml"
}

light_up() {
    local n=$1 i id d deadline pending still
    mkdir -p "$LAB_STATE/light/keys" "$LAB_STATE/light/run" /run/sshd
    ensure_client_key
    rm -f "$LAB_STATE/light_ready"
    ensure_bridge "$LIGHT_BRIDGE" "$LIGHT_NET.1/16"
    # Exactly N: stop any beyond N, start the missing ones.
    local extra=()
    for d in "$LAB_STATE"/light/run/*/; do
        [ -d "$d" ] || continue
        i=$((10#$(basename "$d")))
        [ "$i" -le "$n" ] || extra+=("$i")
    done
    [ ${#extra[@]} -eq 0 ] || light_stop "${extra[@]}"
    for ((i = 1; i <= n; i++)); do
        light_pid "$i" >/dev/null || light_start_one "$i"
    done
    light_write_files "$n"
    deadline=$((SECONDS + 30))
    pending=$(seq 1 "$n")
    while [ -n "$pending" ]; do
        still=""
        for i in $pending; do
            tcp_open "$(light_address "$i")" || still+=" $i"
        done
        pending=$still
        [ -n "$pending" ] || break
        [ $SECONDS -lt $deadline ] || die "light hosts not listening after 30s:$pending (logs: $LAB_STATE/light/run/NN/sshd.log)"
        sleep 0.2
    done
    # One real login at each end proves the key, known_hosts and hostname wiring.
    for i in 1 "$n"; do
        id=$(light_id "$i")
        [ "$(lab_ssh "$LAB_STATE/light_known_hosts" "root@$(light_address "$i")" hostname </dev/null)" = "light-$id" ] \
            || die "light-$id ($(light_address "$i")) does not answer ssh with hostname light-$id"
    done
    touch "$LAB_STATE/light_ready"
    log "light: $n hosts up ($LIGHT_NET.11..$(light_address "$n")), inventory $(repo_relative "$LAB_STATE/light.yaml")"
}

light_down() {
    local d ns link all=()
    for d in "$LAB_STATE"/light/run/*/; do
        [ -d "$d" ] || continue
        all+=("$((10#$(basename "$d")))")
    done
    [ ${#all[@]} -eq 0 ] || light_stop "${all[@]}"
    # Strays from an older state dir: anything in a kfl- namespace goes with it.
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^kfl-' || true); do
        delete_netns "$ns"
    done
    for link in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^kflv-' || true); do
        delete_link "$link"
    done
    delete_link "$LIGHT_BRIDGE"
    unmount_empty_netns_dir
    rm -rf "$LAB_STATE/light/run"
    rm -f "$LAB_STATE/light_known_hosts" "$LAB_STATE/light.yaml" "$LAB_STATE/light_ready"
}

light_status() {
    local n
    [ -d "$LAB_STATE/light/run" ] || return 0
    n=$(light_count_running)
    [ "$n" -eq 0 ] || echo "light hosts: $n running on $LIGHT_BRIDGE ($LIGHT_NET.11..)"
}
