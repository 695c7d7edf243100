#!/usr/bin/env bash
# Builds what the benchmarks need and runs one of them.
#   benchmarks/run.sh jmh <regex> [JMH options]   a JMH benchmark, e.g. benchmarks/run.sh jmh RingLookup
#   benchmarks/run.sh <MainClass> [args]           a load driver in dev.resilientrpc.benchmarks, e.g. RpcOverhead
#   benchmarks/run.sh sample <mode> [args]         a cluster measurement of the sample kv store, run from its jar,
#                                                  e.g. benchmarks/run.sh sample failover-window --runs=20
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "sample" ]; then
  shift
  ./mvnw -q -B -pl sample-app -am package -DskipTests
  exec java -jar sample-app/target/resilient-rpc-sample-app.jar "$@"
fi
./mvnw -q -B -pl benchmarks -am package -DskipTests
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
what="${1:?usage: benchmarks/run.sh jmh <regex> | <MainClass> [args]}"
shift
if [ "$what" = "jmh" ]; then
  exec java -cp "$cp" org.openjdk.jmh.Main "$@"
fi
case "$what" in
  *.*) main="$what" ;;
  *) main="dev.resilientrpc.benchmarks.$what" ;;
esac
exec java -cp "$cp" "$main" "$@"
