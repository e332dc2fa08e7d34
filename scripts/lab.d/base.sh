# The cached base root filesystem (sourced by scripts/lab).
#
# Debian bookworm, debootstrapped once into $LAB_CACHE/base-<key>, where <key> hashes the package list and
# lab.d/base-setup.sh: a changed list or setup builds a new base. Downloaded .debs are kept in
# $LAB_CACHE/debs so a rebuild does not download again. Hosts boot from the base through an overlay, so
# the base itself is never written to after it is built.

LAB_PACKAGES=(
    systemd systemd-sysv dbus sudo openssh-server
    iproute2 procps kmod iputils-ping
    chrony
    containerd runc conntrack iptables ebtables ethtool socat
    containernetworking-plugins
    etcd-server
)

base_key() {
    { printf '%s\n' bookworm "${LAB_PACKAGES[@]}"; cat "$LAB_SCRIPT_DIR/lab.d/base-setup.sh"; } \
        | sha256sum | cut -c1-16
}

base_dir() { printf '%s/base-%s\n' "$LAB_CACHE" "$(base_key)"; }

# Print the base directory, building it first if it is not cached.
ensure_base() {
    local dir tmp packages
    dir=$(base_dir)
    if [ -f "$dir/.kubeforge-lab-base" ]; then
        printf '%s\n' "$dir"
        return 0
    fi
    mkdir -p "$LAB_CACHE/debs"
    exec 8>"$LAB_CACHE/.build.lock"
    flock -w 900 8 || die "another scripts/lab is building the base in $LAB_CACHE (lock $LAB_CACHE/.build.lock)"
    if [ ! -f "$dir/.kubeforge-lab-base" ]; then
        command -v debootstrap >/dev/null || die "debootstrap is missing: run scripts/install-deps"
        tmp="$LAB_CACHE/.building-$$"
        rm -rf --one-file-system "$tmp" "$dir"
        packages=$(IFS=,; echo "${LAB_PACKAGES[*]}")
        log "building the base root filesystem in $dir (debootstrap bookworm, about a minute)"
        # Two stages so dpkg can install with force-unsafe-io (no fsync per file: a crash here only
        # costs a rebuild); this roughly halves the cold build. The setting does not stay in the base.
        if ! { debootstrap --foreign --variant=minbase --cache-dir="$LAB_CACHE/debs" --include="$packages" \
                    bookworm "$tmp" "$LAB_MIRROR" \
                && echo force-unsafe-io >"$tmp/etc/dpkg/dpkg.cfg.d/kubeforge-lab-build" \
                && chroot "$tmp" /debootstrap/debootstrap --second-stage \
                && rm -f "$tmp/etc/dpkg/dpkg.cfg.d/kubeforge-lab-build"; } >"$LAB_CACHE/debootstrap.log" 2>&1; then
            tail -n 20 "$LAB_CACHE/debootstrap.log" >&2
            rm -rf --one-file-system "$tmp"
            die "debootstrap failed (full log: $LAB_CACHE/debootstrap.log; mirror $LAB_MIRROR)"
        fi
        if ! chroot "$tmp" /bin/sh -s <"$LAB_SCRIPT_DIR/lab.d/base-setup.sh" >"$LAB_CACHE/setup.log" 2>&1; then
            tail -n 20 "$LAB_CACHE/setup.log" >&2
            rm -rf --one-file-system "$tmp"
            die "base setup (scripts/lab.d/base-setup.sh) failed; log: $LAB_CACHE/setup.log"
        fi
        printf '%s\n' "${LAB_PACKAGES[@]}" >"$tmp/.kubeforge-lab-base"
        mv "$tmp" "$dir"
        prune_old_bases "$dir"
    fi
    exec 8>&-
    printf '%s\n' "$dir"
}

# Remove bases with another key, unless a running host still boots from one.
prune_old_bases() {
    local keep=$1 old
    for old in "$LAB_CACHE"/base-* "$LAB_CACHE"/.building-*; do
        [ -d "$old" ] && [ "$old" != "$keep" ] || continue
        if grep -qs -- "--directory=$old" /proc/[0-9]*/cmdline 2>/dev/null; then
            continue
        fi
        rm -rf --one-file-system "$old"
    done
}
