#!/usr/bin/env bash
# Builds the nodejs function image that the Docker runtime starts one container of per instance, offline.
#
# Usage: nodejs-base/build-image.sh [--tag TAG]
#
#   Makes a Debian bookworm root file system with nodejs and python3 (python3 installs the sandbox's
#   seccomp filter before node starts) by debootstrap, from Debian's package mirror; imports it as
#   faas-base-nodejs:bookworm, adds Debian's npm (the platform's dependency builds run it in a build
#   container) with apt from the same mirror as faas-base-nodejs:bookworm-npm, and builds on that. No
#   container registry is needed. The root file system is kept as a tarball under
#   ${FAAS_CACHE_DIR:-$HOME/.cache/faas}, so later runs take seconds; delete it (and `docker rmi
#   faas-base-nodejs:bookworm faas-base-nodejs:bookworm-npm`) to make a fresh one. The first run needs root and debootstrap.
#   --tag TAG   the image's name (default faas-nodejs:latest; the runtime's default too, FAAS_IMAGE_NODEJS).
#
# Idempotent: it reuses what exists and Docker's build cache. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tag="faas-nodejs:latest"
debian_image="faas-base-nodejs:bookworm"
base_image="faas-base-nodejs:bookworm-npm"

usage() {
  sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

log() {
  printf '[build-image] %s\n' "$*" >&2
}

die() {
  printf '[build-image] error: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --offline) shift ;; # always offline; accepted for symmetry with python-base/build-image.sh
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag="$2"; shift 2 ;;
    --tag=*) tag="${1#--tag=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$tag" ] || die "--tag needs a value"

command -v docker >/dev/null 2>&1 || die "the docker command is missing"
docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running, and may this user use it?)"

"$here/../deploy/debian-base-image.sh" --tag "$debian_image" --include nodejs,python3 \
  --change 'LABEL faas.image=base' --change 'CMD ["node"]'

# npm pulls some 300 node-* packages, which debootstrap's resolver does not configure: apt installs them.
if docker image inspect "$base_image" >/dev/null 2>&1; then
  log "base image $base_image exists; not building it again"
else
  log "docker build -t $base_image: Debian's npm on $debian_image (apt, from Debian's mirror)"
  printf '%s\n' "FROM $debian_image" \
    'RUN apt-get update -o Acquire::Retries=5 \' \
    ' && DEBIAN_FRONTEND=noninteractive apt-get install -y -o Acquire::Retries=5 --no-install-recommends npm \' \
    ' && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \' \
    ' && npm --version' \
    | docker build --label faas.image=base -t "$base_image" - \
    || die "could not add npm to $debian_image (is Debian's mirror reachable?)"
fi

node_version="$(docker run --rm --network none --entrypoint node "$base_image" -p 'process.versions.node')" \
  || die "the base image $base_image does not run node"

# The build context is exactly the two files the Dockerfile needs, owned by root and world-readable,
# so the runner lands in the image as root:root 0644 whatever the checkout's umask was.
log "docker build -t $tag --build-arg BASE_IMAGE=$base_image (context: Dockerfile, faas_runner.js; node $node_version)"
tar --owner=0 --group=0 --numeric-owner --mode='u=rw,go=r' -C "$here" \
    -cf - Dockerfile src/main/node/faas_runner.js \
  | docker build --build-arg "BASE_IMAGE=$base_image" --label "faas.runtime.version=$node_version" -t "$tag" -

log "checking the image: node and python3's ctypes as its own user, without network"
docker run --rm --network none --read-only --entrypoint python3 "$tag" \
  -c 'import ctypes, os, subprocess; assert os.getuid() == 10001, os.getuid(); subprocess.run(["node", "-e", "process.exit(0)"], check=True); subprocess.run(["npm", "--version"], check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, HOME="/tmp"))' \
  || die "the image $tag does not run node and python3"
log "built $tag in $SECONDS s"
