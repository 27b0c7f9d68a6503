#!/usr/bin/env bash
# Makes a Docker base image from Debian packages without any container registry: debootstrap builds a
# Debian root file system with the given packages (from Debian's package mirror), `docker import` turns
# it into an image. The function image, the platform image and the swarm test's service images are
# built on such bases when no registry can be reached (each script's --offline).
#
# Usage: deploy/debian-base-image.sh --tag IMAGE --include PKG[,PKG...] [--change INSTRUCTION]...
#
#   --tag IMAGE       the image to make; when it exists already, nothing is done.
#   --include PKGS    Debian packages to install (comma-separated, as debootstrap takes them).
#   --change INSTR    a Dockerfile instruction applied on import (repeatable), e.g. 'CMD ["python3"]'.
#
# The root file system is kept as a tarball under ${FAAS_CACHE_DIR:-$HOME/.cache/faas}, named after the
# suite and the packages, so later runs take seconds; delete it (and `docker rmi IMAGE`) for a fresh one.
# Needs root and debootstrap for the first build.
set -euo pipefail

suite="bookworm"
cache_dir="${FAAS_CACHE_DIR:-$HOME/.cache/faas}"
tag=""
include=""
changes=(
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change 'ENV LANG=C.UTF-8'
)

usage() {
  sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

log() {
  printf '[debian-base-image] %s\n' "$*" >&2
}

die() {
  printf '[debian-base-image] error: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --tag) [ $# -ge 2 ] || die "--tag needs a value"; tag="$2"; shift 2 ;;
    --include) [ $# -ge 2 ] || die "--include needs a value"; include="$2"; shift 2 ;;
    --change) [ $# -ge 2 ] || die "--change needs a value"; changes+=(--change "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[ -n "$tag" ] || die "--tag is required"
[[ "$include" =~ ^[a-z0-9][a-z0-9.+-]*(,[a-z0-9][a-z0-9.+-]*)*$ ]] \
  || die "--include needs Debian package names separated by commas, got '$include'"

command -v docker >/dev/null 2>&1 || die "the docker command is missing"
if docker image inspect "$tag" >/dev/null 2>&1; then
  log "base image $tag exists; not importing it again"
  exit 0
fi

# python3 keeps the name the function image's cache always had; more packages join with '+'.
tarball="$cache_dir/debian-$suite-${include//,/+}-$(uname -m).tar"

if [ -s "$tarball" ]; then
  log "reusing the cached root file system $tarball"
else
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root to make the root file system"
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing (apt-get install debootstrap)"
  mkdir -p "$cache_dir"
  work="$(mktemp -d "$cache_dir/rootfs.XXXXXX")"
  # shellcheck disable=SC2064 # expand now
  trap "rm -rf '$work'" EXIT
  log "debootstrap --variant=minbase --include=$include $suite (a minute or more; Debian's default mirror)"
  started=$SECONDS
  debootstrap --variant=minbase --include="$include" "$suite" "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
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
fi

log "docker import $tarball as $tag"
docker import "${changes[@]}" --change "LABEL faas.base-packages=$include" \
  --message "Debian $suite minbase with $include, made by debian-base-image.sh" \
  "$tarball" "$tag" >/dev/null
