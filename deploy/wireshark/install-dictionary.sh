#!/usr/bin/env bash
# Make tshark/Wireshark decode the simbind binding AVPs (vendor 32473) and the Bp application by name,
# for the current user, without touching system files. Idempotent: every run rebuilds the same directory.
#
# Wireshark 4.0 reads Diameter dictionaries only from <global data dir>/diameter/ (the personal config dir is
# NOT searched for diameter/), and lets a non-root user move the global data dir with WIRESHARK_DATA_DIR.
# So this script builds a "shadow" data dir: symlinks to every entry of the stock data dir, except diameter/,
# which holds symlinks to the stock dictionary files, a copy of the stock dictionary.xml with one ENTITY line
# and one entity reference added, and our simbind.xml.
#
# Usage: install-dictionary.sh [--config-dir DIR] [--stock-dir DIR]
#   --config-dir DIR  Wireshark personal config dir to install under (default: $WIRESHARK_CONFIG_DIR,
#                     else ${XDG_CONFIG_HOME:-~/.config}/wireshark). The data dir is DIR/simbind-data.
#   --stock-dir DIR   stock Wireshark data dir (default: what `tshark -G folders` reports, else /usr/share/wireshark)
# Then: export WIRESHARK_DATA_DIR=DIR/simbind-data  (ignored by Wireshark when running as root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ours="$here/simbind.xml"
config_dir=""
stock_dir=""

die() { echo "install-dictionary.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --config-dir) [ $# -ge 2 ] || die "--config-dir needs a directory"; config_dir=$2; shift 2 ;;
        --config-dir=*) config_dir=${1#*=}; shift ;;
        --stock-dir) [ $# -ge 2 ] || die "--stock-dir needs a directory"; stock_dir=$2; shift 2 ;;
        --stock-dir=*) stock_dir=${1#*=}; shift ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

[ -f "$ours" ] || die "missing $ours"

if [ -z "$config_dir" ]; then
    if [ -n "${WIRESHARK_CONFIG_DIR:-}" ]; then
        config_dir=$WIRESHARK_CONFIG_DIR
    else
        [ -n "${HOME:-}" ] || die "HOME is not set; pass --config-dir DIR"
        config_dir="${XDG_CONFIG_HOME:-$HOME/.config}/wireshark"
    fi
fi

# The stock data dir, asked of tshark itself with our own override removed (a re-run may have it exported).
if [ -z "$stock_dir" ] && command -v tshark >/dev/null 2>&1; then
    stock_dir=$(env -u WIRESHARK_DATA_DIR tshark -G folders 2>/dev/null |
        sed -n 's/^Global configuration:[[:space:]]*//p' | head -n 1) || true
fi
[ -n "$stock_dir" ] || stock_dir=/usr/share/wireshark
resolved=$(cd "$stock_dir" 2>/dev/null && pwd -P) || die "stock data dir not found: $stock_dir"
stock_dir=$resolved
[ -f "$stock_dir/diameter/dictionary.xml" ] || die "no diameter/dictionary.xml under $stock_dir (is Wireshark installed?)"

mkdir -p "$config_dir"
config_dir=$(cd "$config_dir" && pwd -P)
target="$config_dir/simbind-data"
marker=".simbind-shadow-datadir"
[ "$target" != "$stock_dir" ] || die "refusing to build over the stock data dir $stock_dir"
if [ -e "$target" ] && [ ! -e "$target/$marker" ]; then
    die "$target exists and was not made by this script; move it away first"
fi

# Build next to the target, then swap, so a failed run leaves the previous install intact.
tmp=$(mktemp -d "$config_dir/.simbind-data.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
: > "$tmp/$marker"

for entry in "$stock_dir"/* "$stock_dir"/.[!.]*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    name=$(basename "$entry")
    [ "$name" = diameter ] || ln -s "$entry" "$tmp/$name"
done

mkdir "$tmp/diameter"
for entry in "$stock_dir"/diameter/*; do
    name=$(basename "$entry")
    case "$name" in dictionary.xml|simbind.xml) ;; *) ln -s "$entry" "$tmp/diameter/$name" ;; esac
done
cp "$ours" "$tmp/diameter/simbind.xml"

stock_dict="$stock_dir/diameter/dictionary.xml"
if grep -q 'SYSTEM[[:space:]]*"simbind.xml"' "$stock_dict"; then
    # Already included system-wide: keep the stock file as it is, ours just shadows its simbind.xml.
    cp "$stock_dict" "$tmp/diameter/dictionary.xml"
    how="stock dictionary.xml already includes simbind.xml"
else
    # Declare the entity as the last line of the DOCTYPE internal subset, reference it just before </dictionary>.
    awk '
        !decl && /^[[:space:]]*\]>/ { print "\t<!ENTITY simbind\t\tSYSTEM \"simbind.xml\">"; decl = 1 }
        !ref && /<\/dictionary>/    { print "\t&simbind;"; ref = 1 }
        { print }
        END { if (!decl || !ref) exit 1 }
    ' "$stock_dict" > "$tmp/diameter/dictionary.xml" ||
        die "could not find the DOCTYPE end or </dictionary> in $stock_dict"
    how="copy of stock dictionary.xml + ENTITY simbind"
fi

# Check that tshark really loads it before replacing a previous install. Wireshark ignores WIRESHARK_DATA_DIR
# when run as root, so root checks from a user namespace where it is uid 1000 (skipped where that is not possible).
check="skipped (no tshark)"
if command -v tshark >/dev/null 2>&1; then
    runner=()
    if [ "$(id -u)" = 0 ]; then
        if unshare --user --map-user=1000 --map-group=1000 true 2>/dev/null; then
            runner=(unshare --user --map-user=1000 --map-group=1000)
        else
            runner=(skip)
        fi
    fi
    if [ "${runner[0]:-}" = skip ]; then
        check="skipped (root, and no user namespace to check as non-root)"
    elif (cd / && "${runner[@]}" env WIRESHARK_DATA_DIR="$tmp" tshark -G fields 2>/dev/null) |
            grep -q "	diameter\.KME-Id	.*vendor=32473 code=2"; then
        check="ok (tshark lists diameter.KME-Id)"
    else
        die "tshark did not load the dictionary, $target left as it was;" \
            "debug with WIRESHARK_DEBUG_DIAM_DICT_PARSER=1 and WIRESHARK_DATA_DIR pointing at a built dir"
    fi
fi

rm -rf "$target"
mv "$tmp" "$target"
trap - EXIT

echo "simbind: built Wireshark data dir $target (stock $stock_dir, $how); tshark check: $check"
echo "simbind: load it with: export WIRESHARK_DATA_DIR=$target  (re-run this script after upgrading Wireshark; as root Wireshark ignores WIRESHARK_DATA_DIR)"
