#!/usr/bin/env bash
# Prepares everything the GPU device check needs, on a build machine (no GPU needed), into .device/ (git-ignored):
#   the kernels-cuda jars (PTX inside) + their test jar + runtime/test dependencies, the JUnit console launcher,
#   the small test models and the Hugging Face reference (.device/shared), and a jlink'ed Java runtime
#   (../shared/tools/device-bundle.sh). Then, on the device machine (carry ".device"):
#     bash scripts/device-check.sh            # writes $OUT/summary.{json,md}
# Usage (repository root): scripts/device-bundle-cuda.sh [path-to-shared]   (default ../shared)
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
shared=${1:-../shared}
. bin/jdk25.sh
command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "device-bundle-cuda: nvcc is needed to build the PTX" >&2; exit 1; }
rm -rf .device/app .device/shared .device/console
rm -rf kernels-cuda/target/device-lib
./mvnw -B -ntp -q -pl kernels-cuda -am package dependency:copy-dependencies -DskipTests -DincludeScope=test \
  -DoutputDirectory=target/device-lib -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian
# the JUnit Platform console launcher (the device has no Maven); its version follows the JUnit BOM of the root pom
platform=$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' pom.xml)
./mvnw -B -ntp -q dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
  -DoutputDirectory=kernels-cuda/target/device-console -N
if [ -d .git ]; then
  "$shared/tools/device-bundle.sh" kernels-cuda/target/kernels-cuda-*.jar kernels-cuda/target/device-lib >/dev/null
else
  # a git worktree (.git is a file, which device-bundle.sh cannot extend): the same steps, same runtime modules
  mkdir -p .device/app
  if [ ! -f .device/jre.tar.xz ]; then
    tmp=$(mktemp -d)
    "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.unsupported,jdk.incubator.vector,jdk.management \
      --strip-debug --no-header-files --no-man-pages --output "$tmp/jre" 2>/dev/null
    tar -C "$tmp" -cJf .device/jre.tar.xz jre && rm -rf "$tmp"
  fi
  cp kernels-cuda/target/kernels-cuda-*.jar .device/app/
  cp -r kernels-cuda/target/device-lib/. .device/app/
fi
mkdir -p .device/console .device/shared/models .device/shared/reference
cp kernels-cuda/target/device-console/*.jar .device/console/
cp -r "$shared/models/tinystories-656k" "$shared/models/synthetic-gqa" .device/shared/models/
cp "$shared/reference/hf-transformers-reference.json" .device/shared/reference/
# JUnit itself comes with the console launcher (copy-dependencies left it out): one engine on the class path
rm -f .device/app/junit-*.jar .device/app/opentest4j-*.jar .device/app/apiguardian-*.jar
du -sh .device | sed 's/^/bundle size: /'
total=$(du -sm .device | cut -f1)
[ "$total" -lt 64 ] || { echo "device-bundle-cuda: .device is ${total} MiB, over the 64 MiB a device call carries" >&2; exit 1; }
echo 'next, on the device machine: bash scripts/device-check.sh   (carry: [".device"])'
