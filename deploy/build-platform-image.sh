#!/usr/bin/env bash
# Builds the platform's image (faas-platform:latest): the executable jar on a Java 17 runtime.
#
# Usage: deploy/build-platform-image.sh [--offline] [--tag TAG]
#
#   (default)   docker build on the public eclipse-temurin:17-jre base (needs a reachable registry).
#   --offline   no registry needed: the base is Debian bookworm with openjdk-17-jre-headless, made by
#               debootstrap (deploy/debian-base-image.sh, cached) and imported as faas-jre:bookworm.
#   --tag TAG   the image's name (default faas-platform:latest).
#
# Needs the jar: build it first with `mvn -B -q package -DskipTests` (or `mvn -B install`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
tag="faas-platform:latest"
offline=false
offline_base="faas-jre:bookworm"

log() { printf '[build-platform-image] %s\n' "$*" >&2; }
die() { printf '[build-platform-image] error: %s\n' "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --offline) offline=true; shift ;;
    --tag) [ $# -ge 2 ] && [ -n "$2" ] || die "--tag needs a value"; tag="$2"; shift 2 ;;
    -h|--help) sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

jar="faas-app/target/faas-app.jar"
[ -f "$root/$jar" ] || die "$root/$jar is missing; build it first: mvn -B -q package -DskipTests"
docker info >/dev/null 2>&1 || die "no Docker engine answers (is dockerd running, and may this user use it?)"

base_image="eclipse-temurin:17-jre"
if $offline; then
  base_image="$offline_base"
  "$here/debian-base-image.sh" --tag "$offline_base" --include openjdk-17-jre-headless \
    --change 'LABEL faas.image=jre-base'
fi

log "docker build -t $tag --build-arg JRE_IMAGE=$base_image (context: deploy/Dockerfile, $jar)"
tar --owner=0 --group=0 --numeric-owner --mode='u=rw,go=r' -C "$root" -cf - deploy/Dockerfile "$jar" \
  | docker build -q -f deploy/Dockerfile --build-arg "JRE_IMAGE=$base_image" -t "$tag" - >/dev/null

log "checking the image: the jar answers --version"
docker run --rm --network none "$tag" --version || die "the image $tag does not start the platform"
log "built $tag in $SECONDS s"
