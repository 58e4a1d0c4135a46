#!/usr/bin/env bash
# Installs every Debian 12 package simbind needs to build, test and run.
#   scripts/setup.sh            the build, the tests and the local testbed
#   scripts/setup.sh --docker   also the Docker engine, docker-compose and debootstrap (the compose testbed)
# Idempotent: prints nothing and installs nothing when everything is already there.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # crypto and storage
  libssl-dev libsqlite3-dev
  # the lab CA (deploy/certs/lab-ca.sh) and the TLS tests
  openssl
  # Diameter (S6a, Bp)
  libfreediameter-dev freediameter-extensions
  # RPC
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  # config, logging, CLI, JSON
  libyaml-cpp-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  # the metrics and health HTTP endpoint of every daemon (header-only)
  libcpp-httplib-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # independent cross-check of `simbind auc`, and decoding captures with our Wireshark dictionary (tests)
  python3 python3-cryptography tshark
  # the capture-checked tests run in a network namespace of their own (ip brings its loopback up)
  iproute2
  # the libFuzzer targets (scripts/fuzz.sh): clang with its fuzzer and sanitizer runtimes
  clang-16 libclang-rt-16-dev
  # simbind-console's browser test (tests/console): headless Chromium driven by Selenium
  chromium chromium-driver python3-selenium
  # S1AP's SCTP: usrsctp (a userland stack, for kernels without SCTP) and the kernel's SCTP API (lksctp headers)
  libusrsctp-dev libsctp-dev
)
if [ "${1:-}" = "--docker" ]; then
  # The compose testbed and its test: the engine, Debian's docker-compose, debootstrap for an air-gapped base
  # image (deploy/docker/make-base-image.sh), curl for the metrics checks.
  PACKAGES+=(docker.io docker-compose debootstrap curl)
fi

# Debian's freeDiameter 1.2.1, rebuilt from its source package with simbind's patch (third_party/freediameter):
# one peer's message must not stop the whole Diameter stack. Does nothing once installed.
install_freediameter() {
  "$(dirname "$0")/../third_party/freediameter/install.sh"
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -Eq "(install|hold) ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  install_freediameter
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_freediameter
echo "setup: done"
