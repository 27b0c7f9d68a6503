#!/usr/bin/env bash
# Builds the function image that the Docker runtime starts one container of per instance.
#
# Usage: python-base/build-image.sh [--offline] [--tag TAG]
#
#   (default)   docker build on the public python:3.12-slim base (needs a reachable registry).
#   --offline   no registry needed: makes a Debian bookworm root file system with python3 by
#               debootstrap (from Debian's package mirror), imports it as faas-base:bookworm and
#               builds on that. The finished root file system is kept as a tarball under
#               ${FAAS_CACHE_DIR:-$HOME/.cache/faas}, so later runs take seconds; delete it (and
#               `docker rmi faas-base:bookworm`) to make a fresh one. Needs root and debootstrap.
#   --tag TAG   the image's name (default faas-python:latest; the runtime's default too).
#
# Idempotent: it reuses what exists and Docker's build cache. Works from any directory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tag="faas-python:latest"
offline=false
offline_base="faas-base:bookworm"
suite="bookworm"
cache_dir="${FAAS_CACHE_DIR:-$HOME/.cache/faas}"

usage() {
  sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
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
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag="$2"; shift 2 ;;
    --tag=*) tag="${1#--tag=}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$tag" ] || die "--tag needs a value"

command -v docker >/dev/null 2>&1 || die "the docker command is missing"
docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running, and may this user use it?)"

image_exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

# Makes the root file system tarball once; later runs find it in the cache.
ensure_rootfs_tarball() {
  local tarball="$1"
  if [ -s "$tarball" ]; then
    log "reusing the cached root file system $tarball"
    return
  fi
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root to make the root file system"
  command -v debootstrap >/dev/null 2>&1 \
    || die "debootstrap is missing (apt-get install debootstrap)"
  mkdir -p "$cache_dir"
  local work
  work="$(mktemp -d "$cache_dir/rootfs.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" EXIT
  log "debootstrap --variant=minbase --include=python3 $suite (a few minutes; Debian's default mirror)"
  local started=$SECONDS
  debootstrap --variant=minbase --include=python3 "$suite" "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  log "debootstrap took $((SECONDS - started)) s; trimming package caches"
  rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/cache/apt/"*.bin \
         "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/log/"*
  log "packing it into $tarball"
  # The engine provides /dev, /proc and /sys at run time; their contents do not belong in an image.
  tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
      -C "$work/rootfs" -cf "$tarball.partial" .
  mv -f "$tarball.partial" "$tarball"
  rm -rf "$work"
  trap - EXIT
}

base_image="python:3.12-slim"
if $offline; then
  base_image="$offline_base"
  if image_exists "$offline_base"; then
    log "base image $offline_base exists; not importing it again"
  else
    tarball="$cache_dir/debian-$suite-python3-$(uname -m).tar"
    ensure_rootfs_tarball "$tarball"
    log "docker import $tarball as $offline_base"
    docker import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' \
      --change 'LABEL faas.image=base' \
      --change 'CMD ["python3"]' \
      --message "Debian $suite minbase with python3, made by build-image.sh" \
      "$tarball" "$offline_base" >/dev/null
  fi
fi

# The build context is exactly the two files the Dockerfile needs, owned by root and world-readable,
# so the runner lands in the image as root:root 0644 whatever the checkout's umask was.
log "docker build -t $tag --build-arg BASE_IMAGE=$base_image (context: Dockerfile, faas_runner.py)"
tar --owner=0 --group=0 --numeric-owner --mode='u=rw,go=r' -C "$here" \
    -cf - Dockerfile src/main/python/faas_runner.py \
  | docker build --build-arg "BASE_IMAGE=$base_image" -t "$tag" -

log "checking the image: python3 -c 'import json' as its own user, without network"
docker run --rm --network none --read-only --entrypoint python3 "$tag" \
  -c 'import json, os; assert os.getuid() == 10001, os.getuid(); print(json.dumps({"python": __import__("sys").version.split()[0], "uid": os.getuid()}))' \
  || die "the image $tag does not run python3"
log "built $tag in $SECONDS s"
