#!/usr/bin/env bash
# Builds a Java 25 base image without any image registry, for air-gapped hosts and the container tests:
#
#   deploy/docker/build-base-image.sh [TAG]        # default tag ringmem-base:25-jlink
#
# FROM scratch, it holds a jlinked Java 25 runtime at /opt/java/openjdk (the layout of eclipse-temurin, so the
# project Dockerfile runs `java` the same way on both), the host's glibc files that runtime loads, /etc/passwd and
# /etc/group entries for the user 10001 (ringmem), /etc/nsswitch.conf and an empty /tmp (mode 1777). No shell.
# Then build the project image on it:
#
#   deploy/docker/build-images.sh        (or: docker build --build-arg BASE_IMAGE=ringmem-base:25-jlink ...)
#
# Needs a JDK 25 with jlink (bin/jdk25.sh finds one), ldd and a Docker engine. About 50 MB; under a minute.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-ringmem-base:25-jlink}"
. "$root/bin/jdk25.sh"

# The modules the shaded jar needs (jdeps --print-module-deps app/target/ringmem.jar), all of java.se (the
# ENTRYPOINT adds it), the Vector API incubator module, and DNS for Hazelcast's member addresses.
modules="java.se,jdk.incubator.vector,jdk.unsupported,jdk.management,jdk.jfr,jdk.net,jdk.naming.dns,jdk.zipfs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/opt/java" "$rootfs/etc" "$rootfs/tmp"

start=$(date +%s)
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress zip-6 \
    --output "$rootfs/opt/java/openjdk"

# The shared libraries the runtime loads, with the dynamic loader, copied from the host at their own paths
# (ldd of the launcher and every library of the runtime; the symlinks' targets are copied as the link names).
libs="$(find "$rootfs/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
    | xargs -0 ldd 2>/dev/null | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | sort -u)"
for lib in $libs; do
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
# glibc loads these by name at run time (name service switch, thread cancellation), not through ldd
for extra in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2 libgcc_s.so.1; do
  for dir in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib64 /usr/lib64 /lib /usr/lib; do
    if [ -e "$dir/$extra" ]; then
      mkdir -p "$rootfs$dir"
      cp -L "$dir/$extra" "$rootfs$dir/$extra"
      break
    fi
  done
done
# The loader may be linked as /lib64/ld-linux-x86-64.so.2 while the host keeps it under /lib/x86_64-linux-gnu
if [ -e /lib64/ld-linux-x86-64.so.2 ] && [ ! -e "$rootfs/lib64/ld-linux-x86-64.so.2" ]; then
  mkdir -p "$rootfs/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$rootfs/lib64/"
fi

cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
ringmem:x:10001:10001:ringmem:/opt/ringmem:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
ringmem:x:10001:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
chmod 1777 "$rootfs/tmp"

cat >"$work/Dockerfile" <<'EOF'
FROM scratch
COPY rootfs/ /
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
EOF
old="$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)"
docker build -q -t "$tag" "$work" >/dev/null
if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$tag")" ]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
docker run --rm --network none "$tag" java -version >/dev/null 2>&1 \
    || { echo "build-base-image: $tag was built but java -version fails in it" >&2; docker run --rm "$tag" java -version; exit 1; }
echo "build-base-image: $tag, $(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'),"\
     "$(( $(date +%s) - start )) s"
