#!/usr/bin/env bash
# Builds the Debian 12 base image locally, for labs where no container registry answers (air-gapped):
# debootstrap a minimal bookworm from a Debian mirror (deb.debian.org, or the lab's own mirror or apt cache),
# trim it like the official slim image, and `docker import` it under the name the Dockerfile starts FROM
# (debian:12-slim by default), so that deploy/docker/Dockerfile and docker-compose.yml work unchanged.
#
#   deploy/docker/make-base-image.sh [--mirror URL] [--tag NAME] [--force]
#
#   --mirror URL  Debian mirror for debootstrap and, inside the image, for apt (default: $DEBIAN_MIRROR or
#                 http://deb.debian.org/debian). Security updates come from the same host's debian-security.
#   --tag NAME    image name (default: debian:12-slim)
#   --force       rebuild even when the image exists
#
# Needs root (debootstrap), debootstrap and a running Docker engine. Takes 2-5 minutes.
set -euo pipefail

mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
tag=debian:12-slim
force=0
while [ $# -gt 0 ]; do
  case $1 in
    --mirror) mirror=${2:?--mirror needs a URL}; shift 2 ;;
    --tag) tag=${2:?--tag needs a name}; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "make-base-image.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "make-base-image.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root: debootstrap needs it"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running?)"

if [ "$force" -eq 0 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag exists; kept (--force to rebuild)"
  exit 0
fi

root=$(mktemp -d /tmp/simbind-base-XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "debootstrap bookworm (minbase) from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; rm -f "$root.log"; die "debootstrap failed (log above)"; }
rm -f "$root.log"

# What the official slim image does: apt sources for the release, its updates and security, and no docs, man
# pages or locales installed by later apt-get runs.
security=${mirror%/debian}/debian-security
cat > "$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
SOURCES
# dpkg without fsync per file (as the official image): image builds take minutes less.
echo force-unsafe-io > "$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
cat > "$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT::Install-Recommends "false";
APT
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* "$root"/usr/share/man/* \
  "$root"/usr/share/info/* "$root"/usr/share/locale/*

echo "docker import as $tag"
tar -C "$root" --numeric-owner -c . | docker import --change 'CMD ["bash"]' - "$tag" >/dev/null
echo "base image $tag: $(( $(docker image inspect "$tag" --format '{{.Size}}') / 1000000 )) MB"
