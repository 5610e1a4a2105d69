#!/usr/bin/env bash
# Build (or reuse) a systemd-capable Debian node image for the Molecule test bed.
# No registry is reachable, so images come from debootstrap. An image is rebuilt
# only when it is missing or when this recipe (the script itself) has changed.
set -euo pipefail

suite="${1:?usage: build-image.sh SUITE (bookworm|trixie) IMAGE}"
image="${2:?usage: build-image.sh SUITE IMAGE}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
podman="${PODMAN:-podman}"

recipe="$(sha256sum "$0" | cut -c1-16)-${suite}"
current="$($podman image inspect --format '{{ index .Labels "org.linuxai.recipe" }}' "$image" 2>/dev/null || true)"
if [[ "$current" == "$recipe" ]]; then
    echo "image $image is up to date (recipe $recipe)"
    exit 0
fi

echo "building $image from Debian $suite (recipe $recipe)"
rootfs="$(mktemp -d /var/tmp/linuxai-rootfs.XXXXXX)"
# mktemp makes the directory 0700; it becomes the image's /, which must be 0755.
chmod 0755 "$rootfs"
trap 'rm -rf "$rootfs"' EXIT

# python3-apt: the apt module needs it and a standard Debian install has it.
debootstrap --variant=minbase \
    --include=python3,python3-apt,systemd,systemd-sysv,sudo,ca-certificates,gnupg \
    "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || { tail -30 "$rootfs.log"; exit 1; }
rm -f "$rootfs.log"

cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
SOURCES
# Keep downloaded packages: the test bed bind-mounts a shared archive cache here.
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >"$rootfs/etc/apt/apt.conf.d/10keep-downloads"
echo 'APT::Install-Recommends "false";' >"$rootfs/etc/apt/apt.conf.d/10no-recommends"
# A test node is thrown away after its scenario: as in Debian's own container images, dpkg does not
# fsync every file it unpacks (the CUDA toolkit alone is thousands of files).
echo 'force-unsafe-io' >"$rootfs/etc/dpkg/dpkg.cfg.d/90linuxai-unsafe-io"
# Units that cannot work in a container only add noise to `systemctl is-system-running`.
for unit in systemd-remount-fs.service systemd-firstboot.service getty.target console-getty.service \
    systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service; do
    ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
: >"$rootfs/etc/machine-id"
# A freshly installed node has package lists, as after the installer's apt update.
chroot "$rootfs" apt-get update -qq
rm -rf "$rootfs"/var/cache/apt/archives/*.deb

tar -C "$rootfs" -c . | $podman import \
    --change 'CMD ["/sbin/init"]' \
    --change "LABEL org.linuxai.recipe=$recipe" \
    - "$image" >/dev/null
echo "built $image"
