#!/usr/bin/env bash
# Builds the function image that the Docker runtime starts one container of per instance.
#
# Usage: python-base/build-image.sh [--offline [--packages PKG[,PKG...]]] [--tag TAG]
#
#   (default)   docker build on the public python:3.12-slim base (needs a reachable registry).
#   --offline   no registry needed: makes a Debian bookworm root file system with python3 and
#               python3-pip by debootstrap (from Debian's mirror), imports it as faas-base:bookworm-pip and
#               builds on that. The finished root file system is kept as a tarball under
#               ${FAAS_CACHE_DIR:-$HOME/.cache/faas}, so later runs take seconds; delete it (and
#               `docker rmi faas-base:bookworm`) to make a fresh one. Needs root and debootstrap.
#   --tag TAG   the image's name (default faas-python:latest; the runtime's default too).
#   --packages  with --offline, more Debian packages baked into the base (e.g. python3-numpy), for an
#               image of a custom runtime (FAAS_RUNTIMES_FILE); the base gets a tag of its own.
#
# Idempotent: it reuses what exists and Docker's build cache. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tag="faas-python:latest"
offline=false
packages=""
# pip (Debian's python3-pip) is in the image: the platform's dependency builds run it in a build container.
offline_base="faas-base:bookworm-pip"

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
    --offline) offline=true; shift ;;
    --packages) [ $# -ge 2 ] || die "--packages needs a value"; packages="$2"; shift 2 ;;
    --packages=*) packages="${1#--packages=}"; shift ;;
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag="$2"; shift 2 ;;
    --tag=*) tag="${1#--tag=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$tag" ] || die "--tag needs a value"
include="python3,python3-pip"
if [ -n "$packages" ]; then
  $offline || die "--packages needs --offline (the packages go into the debootstrap base)"
  [[ "$packages" =~ ^[a-z0-9][a-z0-9.+-]*(,[a-z0-9][a-z0-9.+-]*)*$ ]] \
    || die "--packages needs Debian package names separated by commas, got '$packages'"
  include="$include,$packages"
  offline_base="faas-base:bookworm-pip-$(printf '%s' "$packages" | sha256sum | cut -c1-12)"
fi

command -v docker >/dev/null 2>&1 || die "the docker command is missing"
docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running, and may this user use it?)"

base_image="python:3.12-slim"
if $offline; then
  base_image="$offline_base"
  "$here/../deploy/debian-base-image.sh" --tag "$offline_base" --include "$include" \
    --change 'LABEL faas.image=base' --change 'CMD ["python3"]'
fi

# The build context is exactly the two files the Dockerfile needs, owned by root and world-readable,
# so the runner lands in the image as root:root 0644 whatever the checkout's umask was.
log "docker build -t $tag --build-arg BASE_IMAGE=$base_image (context: Dockerfile, faas_runner.py)"
tar --owner=0 --group=0 --numeric-owner --mode='u=rw,go=r' -C "$here" \
    -cf - Dockerfile src/main/python/faas_runner.py \
  | docker build --build-arg "BASE_IMAGE=$base_image" -t "$tag" -

# The interpreter's version as a label, which the platform's GET /runtimes reports (cached layers: a second, quick build).
python_version="$(docker run --rm --network none --entrypoint python3 "$tag" \
  -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" || die "the image $tag does not run python3"
tar --owner=0 --group=0 --numeric-owner --mode='u=rw,go=r' -C "$here" \
    -cf - Dockerfile src/main/python/faas_runner.py \
  | docker build -q --build-arg "BASE_IMAGE=$base_image" --label "faas.runtime.version=$python_version" -t "$tag" - \
  >/dev/null

log "checking the image: python3 -c 'import json' as its own user, without network"
docker run --rm --network none --read-only --entrypoint python3 "$tag" \
  -c 'import json, os; assert os.getuid() == 10001, os.getuid(); print(json.dumps({"python": __import__("sys").version.split()[0], "uid": os.getuid()}))' \
  || die "the image $tag does not run python3"
log "built $tag in $SECONDS s"
