#!/usr/bin/env bash
# A lab certificate authority for simbind's TLS links (keydir mTLS, Diameter over TLS), with the openssl CLI.
#
#   lab-ca.sh init DIR                              DIR/ca.key (0600) + DIR/ca.crt: self-signed, RSA-2048, 10 years
#                                                   (an existing CA in DIR is kept)
#   lab-ca.sh issue [--force] DIR NAME ROLE [DNS...]  DIR/NAME.key (0600) + DIR/NAME.crt signed by DIR's CA:
#                                                   subject CN=NAME, OU=ROLE; SAN DNS:NAME, the extra DNS names and
#                                                   IP:127.0.0.1; serverAuth + clientAuth
#
# ROLE is free text: simbind-keydir reads "manufacturer" and "operator"; "server", "diameter" ... are labels.
# Lab use only: keys are unencrypted files.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: lab-ca.sh init DIR
       lab-ca.sh issue [--force] DIR NAME ROLE [DNS...]
USAGE
  exit 2
}

die() {
  echo "lab-ca.sh: $*" >&2
  exit 1
}

# Subject text for -subj: '/' and '\' and '+' and '=' and ',' would change the subject's structure.
check_subject_text() {
  local what=$1 value=$2
  [[ -n $value ]] || die "$what must not be empty"
  [[ $value != *[/\\+=,]* ]] || die "$what '$value' must not contain / \\ + = or ,"
}

cmd_init() {
  [[ $# -eq 1 ]] || usage
  local dir=$1
  mkdir -p "$dir"
  if [[ -f $dir/ca.key && -f $dir/ca.crt ]]; then
    echo "CA: $dir/ca.crt exists; kept (remove ca.key and ca.crt to make a new one)"
    return 0
  fi
  [[ ! -e $dir/ca.key && ! -e $dir/ca.crt ]] || die "$dir holds only one of ca.key and ca.crt; remove it first"
  (
    umask 077
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/ca.key" 2>/dev/null
  )
  chmod 600 "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/O=simbind lab/CN=simbind lab CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out "$dir/ca.crt"
  echo "CA: $dir/ca.crt (key $dir/ca.key)"
}

cmd_issue() {
  local force=0
  if [[ ${1:-} == --force ]]; then
    force=1
    shift
  fi
  [[ $# -ge 3 ]] || usage
  local dir=$1 name=$2 role=$3
  shift 3
  check_subject_text NAME "$name"
  check_subject_text ROLE "$role"
  [[ $name != */* && $name != .* ]] || die "NAME '$name' must be a plain file name"
  [[ -f $dir/ca.key && -f $dir/ca.crt ]] || die "$dir holds no CA (run: lab-ca.sh init $dir)"
  if [[ $force -eq 0 && (-e $dir/$name.key || -e $dir/$name.crt) ]]; then
    die "$dir/$name.crt or .key exists; use --force to replace them"
  fi

  local san="DNS:$name" dns
  for dns in "$@"; do
    [[ $dns =~ ^[A-Za-z0-9*.-]+$ ]] || die "DNS name '$dns' has characters a DNS name cannot have"
    san+=",DNS:$dns"
  done
  san+=",IP:127.0.0.1"

  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cat >"$work/ext.cnf" <<EXT
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = $san
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
  (
    umask 077
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
  )
  openssl req -new -key "$work/key.pem" -subj "/OU=$role/CN=$name" -out "$work/req.csr"
  openssl x509 -req -in "$work/req.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -sha256 -days 825 -extfile "$work/ext.cnf" -out "$work/cert.pem" 2>/dev/null
  install -m 600 "$work/key.pem" "$dir/$name.key"
  install -m 644 "$work/cert.pem" "$dir/$name.crt"
  echo "issued: $dir/$name.crt (CN=$name, OU=$role, $san; key $dir/$name.key)"
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case $command in
  init) cmd_init "$@" ;;
  issue) cmd_issue "$@" ;;
  *) usage ;;
esac
