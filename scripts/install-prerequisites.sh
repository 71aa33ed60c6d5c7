#!/usr/bin/env bash
# Installs what the lab needs on Debian/Ubuntu, from Debian's packages and the Go module proxy:
# Docker engine, debootstrap, busybox-static, jq, Chromium (the trace report is checked in a real browser), and a Go toolchain new enough for Kubernetes 1.34
# (Go 1.24+) when the machine has none. Idempotent; run as root.
set -euo pipefail
say() { printf '[prerequisites] %s\n' "$*" >&2; }

packages=(docker.io containerd runc iptables debootstrap busybox-static jq tar xz-utils ca-certificates curl unzip chromium)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Go: Kubernetes 1.34 needs Go 1.24 or newer. Debian bookworm's golang is older, so when no recent
# Go is on PATH, take the official toolchain module from the Go module proxy.
go_ok() { command -v go >/dev/null 2>&1 && go version | grep -Eq 'go1\.(2[4-9]|[3-9][0-9])'; }
if ! go_ok; then
  toolchain=v0.0.1-go1.24.6.linux-amd64
  dir=/usr/local/lib/go-toolchain
  say "installing Go toolchain $toolchain from the Go module proxy"
  proxy=${GOPROXY:-https://proxy.golang.org}; proxy=${proxy%%,*}
  tmp=$(mktemp -d)
  curl -fsSL "$proxy/golang.org/toolchain/@v/$toolchain.zip" -o "$tmp/go.zip"
  rm -rf "$dir" && mkdir -p "$dir"
  unzip -q "$tmp/go.zip" -d "$tmp/x"
  mv "$tmp"/x/golang.org/toolchain@*/* "$dir"/
  chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/* 2>/dev/null || true
  ln -sf "$dir/bin/go" /usr/local/bin/go
  ln -sf "$dir/bin/gofmt" /usr/local/bin/gofmt
  rm -rf "$tmp"
fi
say "$(go version)"
