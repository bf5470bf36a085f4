#!/usr/bin/env bash
# Builds the images the container tests use, with no image registry:
#
#   deploy/docker/build-images.sh            # ringmem-base:25-jlink, then ringmem:VERSION on it
#
# 1. the base (deploy/docker/build-base-image.sh), unless the tag exists already (REBUILD_BASE=1 rebuilds it);
# 2. the project image from deploy/docker/Dockerfile with BASE_IMAGE set to that base, tagged ringmem:VERSION
#    (VERSION: the root pom's version without -SNAPSHOT, as the Kubernetes manifests name the image).
# The shaded jar must be built first: ./mvnw -DskipTests package. Override: BASE_IMAGE=eclipse-temurin:25-jre-noble
# (needs a registry) or IMAGE=ringmem:dev.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
base="${BASE_IMAGE:-ringmem-base:25-jlink}"
version="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)"
image="${IMAGE:-ringmem:${version%-SNAPSHOT}}"

if [ ! -f app/target/ringmem.jar ]; then
  echo "build-images: app/target/ringmem.jar is missing; build it first: ./mvnw -DskipTests package" >&2
  exit 1
fi
if [ "$base" = ringmem-base:25-jlink ] && { [ "${REBUILD_BASE:-0}" = 1 ] || ! docker image inspect "$base" >/dev/null 2>&1; }; then
  deploy/docker/build-base-image.sh "$base"
fi
start=$(date +%s)
old="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
docker build -q --build-arg BASE_IMAGE="$base" -f deploy/docker/Dockerfile -t "$image" . >/dev/null
# the image this tag named before, now untagged: removed unless a container still uses it
if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
echo "build-images: $image on $base, $(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'),"\
     "$(( $(date +%s) - start )) s"
