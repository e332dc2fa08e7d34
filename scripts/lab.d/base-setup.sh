#!/bin/sh
# Runs once inside a freshly debootstrapped root (via chroot) when scripts/lab builds the cached base.
# Its text is part of the base's cache key: editing it rebuilds the base.
set -eu

# Identity is per host (scripts/lab writes it into each host's overlay): no shared host keys, machine-id
# or hostname in the base. Debian only generates host keys in openssh-server's postinst, never at boot.
rm -f /etc/ssh/ssh_host_*
: > /etc/machine-id
echo lab-base > /etc/hostname
: > /etc/fstab

# Users of the lab contract. root has no password (key only).
useradd --create-home --shell /bin/bash kube
useradd --create-home --shell /bin/bash kubepw
echo 'kube:kube-lab-pass' | chpasswd
echo 'kubepw:kubepw-lab-pass' | chpasswd
echo 'kube ALL=(ALL:ALL) NOPASSWD: ALL' > /etc/sudoers.d/kube
echo 'kubepw ALL=(ALL:ALL) ALL' > /etc/sudoers.d/kubepw
chmod 0440 /etc/sudoers.d/kube /etc/sudoers.d/kubepw

# Units that cannot work in a container, or only slow boot and burn CPU shared by every host.
systemctl mask --quiet \
    console-getty.service getty@tty1.service systemd-pstore.service e2scrub_reap.service \
    systemd-journald-audit.socket sys-kernel-debug.mount sys-kernel-tracing.mount \
    sys-kernel-config.mount sys-fs-fuse-connections.mount systemd-random-seed.service \
    apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer \
    man-db.timer
# etcd is installed for kubeforge to run; a default instance on :2379 would fail Port-2379.
systemctl disable --quiet etcd.service
rm -f /etc/systemd/system/etcd2.service

# containerd looks for CNI plugins in /opt/cni/bin; Debian's containernetworking-plugins puts them in
# /usr/lib/cni. One link per plugin (not a link for the directory), so what writes into /opt/cni/bin
# (a CNI's installer) does not write into the package's directory.
mkdir -p /opt/cni/bin
for plugin in /usr/lib/cni/*; do ln -s "$plugin" /opt/cni/bin/; done

# chronyd cannot set the clock in a container (and must not: the clock is the machine's); run it with -x
# so it still serves and reports like a real host.
mkdir -p /etc/systemd/system/chrony.service.d
cat > /etc/systemd/system/chrony.service.d/kubeforge-lab.conf <<'UNIT'
[Unit]
ConditionCapability=

[Service]
ExecStart=
ExecStart=!/usr/sbin/chronyd $DAEMON_OPTS -x
UNIT

# Per-host /sys/class/dmi/id/product_uuid: sysfs cannot gain files, so lay the host's own dmi/id (written
# by scripts/lab into /etc/kubeforge-lab/sys-class/dmi/id) over /sys/class with a read-only overlay. The
# rest of /sys/class stays live (new network devices still appear); editing the file changes what the
# host reports, so tests can make two hosts collide.
mkdir -p /etc/kubeforge-lab/sys-class/dmi/id
cat > /etc/systemd/system/kubeforge-lab-dmi.service <<'UNIT'
[Unit]
Description=kubeforge lab: per-host /sys/class/dmi/id/product_uuid
DefaultDependencies=no
Before=sysinit.target
ConditionPathExists=/etc/kubeforge-lab/sys-class/dmi/id/product_uuid

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/mount -t overlay kf-dmi -o lowerdir=/etc/kubeforge-lab/sys-class:/sys/class /sys/class

[Install]
WantedBy=sysinit.target
UNIT
systemctl enable --quiet kubeforge-lab-dmi.service

# Nothing downloaded at build time stays in the image.
apt-get clean
rm -rf /var/lib/apt/lists/* /var/log/*.log /tmp/* /var/tmp/*
