#!/usr/bin/env bash
# Makes sure a Docker engine runs on this machine, for kind.
#
# - Installs Debian's docker.io (and the containerd/runc it brings) when no dockerd is installed.
# - Where this process's capability bounding set lacks capabilities that `docker run --privileged`
#   asks for (kind runs every node privileged), builds runc-capfilter and makes it dockerd's default
#   runtime: it removes only the missing capabilities from each container's spec. On a machine whose
#   bounding set is complete nothing is wrapped.
# - Starts dockerd in the background when none answers, and waits until it does.
#
# Usage: scripts/setup-docker.sh            (idempotent; run as root)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lib_dir=/usr/local/lib/k8s-flow-lab
log=/var/log/k8s-flow-lab-dockerd.log

say() { printf '[setup-docker] %s\n' "$*" >&2; }
die() { printf '[setup-docker] error: %s\n' "$*" >&2; exit 2; }

if docker info >/dev/null 2>&1; then
  say "a Docker engine is already running"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts dockerd), or start a Docker engine yourself"

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "no dockerd and no apt-get: install a Docker engine (https://docs.docker.com/engine/install/) and run this again"
  say "installing Debian's docker.io ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io iptables jq >/dev/null
fi

command -v jq >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }

# The capability filter is only needed where the bounding set is incomplete; build it to ask.
mkdir -p "$lib_dir"
if [ ! -x "$lib_dir/runc-capfilter" ] || [ "$here/node-image/go/tools/cmd/runc-capfilter/main.go" -nt "$lib_dir/runc-capfilter" ]; then
  command -v go >/dev/null 2>&1 || die "Go is needed to build runc-capfilter: install Go (apt-get install golang, or https://go.dev/dl/)"
  say "building runc-capfilter ..."
  (cd "$here/node-image/go/tools" && CGO_ENABLED=0 go build -trimpath -o "$lib_dir/runc-capfilter" ./cmd/runc-capfilter)
fi
missing=$("$lib_dir/runc-capfilter" --missing)
mkdir -p /etc/docker
if [ -n "$missing" ]; then
  say "capability bounding set lacks: $(echo $missing | tr ' ' ','); dockerd will use runc-capfilter"
  config='{}'
  [ -s /etc/docker/daemon.json ] && config=$(cat /etc/docker/daemon.json)
  echo "$config" | jq --arg path "$lib_dir/runc-capfilter" \
    '.runtimes["runc-capfilter"] = {path: $path} | .["default-runtime"] = "runc-capfilter"' > /etc/docker/daemon.json.new
  mv /etc/docker/daemon.json.new /etc/docker/daemon.json
else
  say "capability bounding set is complete; plain runc"
fi

say "starting dockerd (log: $log) ..."
setsid nohup dockerd >>"$log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    say "dockerd is up"
    exit 0
  fi
  sleep 1
done
tail -20 "$log" >&2
die "dockerd did not answer within 60 s; see $log"
