#!/usr/bin/env bash
# Builds Debian 12's freeDiameter 1.2.1 from its source package with simbind's patch applied
# (peer-errors-do-not-stop-the-stack.patch: one peer's message must not stop the whole Diameter stack), and
# installs the result in place of Debian's binary packages, version 1.2.1-8+simbind2, held so that an upgrade does
# not bring the unpatched library back. See README.md here.
#
#   third_party/freediameter/install.sh            build and install (as root, or with sudo)
#   third_party/freediameter/install.sh --debs DIR build only, and leave the .deb files in DIR (the Docker image)
#
# Idempotent: does nothing when the patched version is installed. Takes about 1.5 minutes on 2 cores. Source packages
# come from $DEBIAN_MIRROR (default http://deb.debian.org/debian) unless apt already lists a deb-src.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
readonly VERSION=1.2.1-8+simbind2
readonly DEBIAN_SOURCE=freediameter=1.2.1-8
readonly PATCH=peer-errors-do-not-stop-the-stack.patch
readonly PACKAGES=(libfdcore6 libfdproto6 libfreediameter-dev freediameter-extensions)

debs_only=""
case "${1:-}" in
  --debs) debs_only=${2:?--debs needs a directory} ;;
  "") ;;
  *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
esac

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

if [ -z "$debs_only" ] && [ "$(dpkg-query -W -f='${Version}' libfdcore6 2>/dev/null || true)" = "$VERSION" ]; then
  exit 0
fi

echo "freediameter: building $VERSION from Debian's source package with $PATCH"
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
# Debian's images list binary packages only: add the source packages of the same archive.
if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee /etc/apt/sources.list.d/simbind-deb-src.sources >/dev/null <<SOURCES
Types: deb-src
URIs: ${DEBIAN_MIRROR:-http://deb.debian.org/debian}
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends dpkg-dev fakeroot >/dev/null
$SUDO apt-get build-dep -y -qq freediameter >/dev/null

work=$(mktemp -d /tmp/simbind-freediameter-XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source -qq "$DEBIAN_SOURCE" >/dev/null 2>&1
cd freediameter-1.2.1
cp "$here/$PATCH" debian/patches/
echo "$PATCH" >> debian/patches/series
{
  printf 'freediameter (%s) bookworm; urgency=medium\n\n' "$VERSION"
  printf '  * Apply %s:\n    one peer'"'"'s message no longer stops the whole Diameter stack.\n\n' "$PATCH"
  printf ' -- simbind <simbind@localhost>  %s\n\n' 'Sat, 05 Dec 2026 00:00:00 +0000'
  cat debian/changelog
} > debian/changelog.new
mv debian/changelog.new debian/changelog
DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -b -uc -us > "$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log" >&2; echo "freediameter: the package build failed (log above)" >&2; exit 1; }
cd "$work"
debs=()
arch=$(dpkg --print-architecture)
for p in "${PACKAGES[@]}"; do debs+=("$work/${p}_${VERSION}_${arch}.deb"); done
for d in "${debs[@]}"; do [ -f "$d" ] || { echo "freediameter: $d was not built" >&2; exit 1; }; done

if [ -n "$debs_only" ]; then
  mkdir -p "$debs_only"
  cp "${debs[@]}" "$debs_only/"
  echo "freediameter: ${#debs[@]} packages in $debs_only ($((SECONDS - start)) s)"
  exit 0
fi
$SUDO apt-get install -y -qq --no-install-recommends --allow-downgrades --allow-change-held-packages "${debs[@]}" >/dev/null
$SUDO apt-mark hold "${PACKAGES[@]}" >/dev/null
echo "freediameter: $VERSION installed and held ($((SECONDS - start)) s)"
