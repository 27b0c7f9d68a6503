#!/usr/bin/env bash
# Builds, without any container registry, every image the swarm stack needs, for the multi-node test or an
# air-gapped cluster: the function image, the platform image (from the built jar) and stand-ins for the
# official postgres and haproxy images (Debian's PostgreSQL 15 and HAProxy; faas-postgres:offline and
# faas-haproxy:offline). Deploy with FAAS_POSTGRES_IMAGE and FAAS_LB_IMAGE set to those two.
#
# Usage: deploy/swarm/build-offline-images.sh     (needs root, debootstrap and a built jar)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

"$root/python-base/build-image.sh" --offline
"$root/deploy/build-platform-image.sh" --offline
"$root/deploy/debian-base-image.sh" --tag faas-services:bookworm --include postgresql-15,haproxy \
  --change 'LABEL faas.image=services-base'
for service in postgres haproxy; do
  printf '[build-offline-images] docker build -t faas-%s:offline\n' "$service" >&2
  docker build -q -f "$here/offline/$service.Dockerfile" -t "faas-$service:offline" "$here/offline" >/dev/null
done
