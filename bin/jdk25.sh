# Sourced by bin/ringmem, bin/test and .ci/run: exports JAVA_HOME pointing at a JDK 25 or newer.
# Order: $JAVA_HOME if it is 25+, then /usr/lib/jvm/*25* (and newer), then java on PATH.
ringmem_java_ok() { [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; }
if [ -n "${JAVA_HOME:-}" ] && ringmem_java_ok "$JAVA_HOME"; then
  :
else
  found=""
  for d in /usr/lib/jvm/*-2[5-9]* /usr/lib/jvm/*2[5-9]*-jdk* /usr/lib/jvm/jdk-2[5-9]* /opt/java/openjdk; do
    if ringmem_java_ok "$d"; then found="$d"; break; fi
  done
  if [ -z "$found" ] && command -v java >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    ringmem_java_ok "$d" && found="$d"
  fi
  if [ -z "$found" ]; then
    echo "ringmem: a JDK 25 or newer is required; install one (e.g. Temurin 25) or set JAVA_HOME" >&2
    exit 1
  fi
  export JAVA_HOME="$found"
fi
export PATH="$JAVA_HOME/bin:$PATH"
