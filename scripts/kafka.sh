#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, combined broker+controller) on loopback, from Maven Central jars.
#   bash scripts/kafka.sh up | down [--wipe] | status | logs [-f]
# Env: KAFKA_VERSION (4.1.2), KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DEFAULT_PARTITIONS (3),
#      KAFKA_DATA_DIR (<repo>/.data/kafka), KAFKA_READY_TIMEOUT (60 s),
#      KAFKA_BROKERS (when set, `up` only waits for that broker and starts nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

VERSION=${KAFKA_VERSION:-4.1.2}
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
ADDR=127.0.0.1:$PORT
DATA=${KAFKA_DATA_DIR:-$ROOT/.data/kafka}
LIBS=$DATA/libs-$VERSION
PROPS=$DATA/server.properties
PID_FILE=$DATA/kafka.pid
LOG_DIR=$DATA/logs
SERVER_LOG=$LOG_DIR/server.log
OUT_LOG=$LOG_DIR/kafka.out
READY_TIMEOUT=${KAFKA_READY_TIMEOUT:-60}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The pid from the pid file, only when that process is alive and still our broker (pids get reused).
running_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -qa 'kafka\.Kafka' "/proc/$pid/cmdline" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_ready <brokers> <timeout s> [extra wait-ready.mjs args]
wait_ready() { node scripts/kafka/wait-ready.mjs --brokers "$1" --timeout "$2" "${@:3}"; }

# Copies the broker's runtime classpath into $LIBS once; the stamp holds the POM hash so a POM edit re-copies.
fetch_jars() {
  local stamp=$LIBS/.complete want t0
  want="$VERSION $(sha256sum scripts/kafka/pom.xml | cut -d' ' -f1)"
  [[ -f $stamp && $(cat "$stamp") == "$want" ]] && return 0
  t0=$(now)
  rm -rf "$LIBS"
  local mvn_args=(-q -B -Dstyle.color=never -f scripts/kafka/pom.xml "-Dkafka.version=$VERSION"
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies
    -DincludeScope=runtime "-DoutputDirectory=$LIBS")
  # Offline first: a machine whose ~/.m2 already holds the jars never waits on the network.
  if ! mvn -o "${mvn_args[@]}" >/dev/null 2>&1; then
    echo "Downloading Kafka $VERSION jars with Maven (cached in ~/.m2 afterwards)..."
    rm -rf "$LIBS"
    mvn "${mvn_args[@]}"
  fi
  echo "$want" >"$stamp"
  echo "Kafka $VERSION jars in $LIBS ($(ls "$LIBS"/*.jar | wc -l) jars, Maven took $(since "$t0") s)"
}

write_props() {
  cat >"$PROPS" <<EOF
# Written by scripts/kafka.sh on every start; edits here are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA/data
# One node: every replication factor 1, otherwise __consumer_offsets is never created.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
num.partitions=${KAFKA_DEFAULT_PARTITIONS:-3}
auto.create.topics.enable=false
# Fast first consumer-group join: no 3 s rebalance delay, few internal-topic partitions to create.
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3
# Small dev footprint: few threads, small log-cleaner buffer (default 128 MB), smaller segments.
num.network.threads=2
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=8388608
log.segment.bytes=67108864
log.retention.hours=72
EOF
}

# 16 random bytes in base64url, as Kafka's own Uuid.randomUuid makes them. Like Kafka, draw again when the
# id starts with '-': the storage tool's argument parser would take "-t -abc..." for an option and fail
# (1 format in 64 did, which once failed CI on a fresh clone).
new_cluster_id() {
  local id
  while :; do
    id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id == -* ]] || { printf '%s' "$id"; return; }
  done
}

cmd_up() {
  local t0 pid
  t0=$(now)
  if [[ -n ${KAFKA_BROKERS:-} ]]; then
    echo "KAFKA_BROKERS=$KAFKA_BROKERS is set: waiting for it, starting nothing."
    wait_ready "$KAFKA_BROKERS" "$READY_TIMEOUT"
    return
  fi
  if pid=$(running_pid) && wait_ready "$ADDR" 10 --quiet; then
    echo "Kafka already running at $ADDR (pid $pid, data $DATA)"
    return 0
  fi
  if port_open "$PORT"; then
    if wait_ready "$ADDR" 5 --quiet; then
      echo "Kafka already running at $ADDR (not started by this script: reusing it)"
      return 0
    fi
    echo "Port $PORT is in use by something that does not answer as a Kafka broker." >&2
    return 1
  fi
  if pid=$(running_pid); then
    # Alive but not answering (still starting, or hung): let it finish rather than start a second one.
    echo "Kafka process $pid exists but does not answer yet; waiting for it..."
    wait_ready "$ADDR" "$READY_TIMEOUT" --pid "$pid" --log "$SERVER_LOG" --log "$OUT_LOG"
    return
  fi

  mkdir -p "$DATA" "$LOG_DIR"
  fetch_jars
  write_props
  local cp="$LIBS/*" cluster_id_file=$DATA/cluster-id
  # Format once; the cluster id is 16 random bytes in base64url (no padding).
  if [[ ! -f $DATA/data/meta.properties ]]; then
    [[ -s $cluster_id_file && $(<"$cluster_id_file") != -* ]] || new_cluster_id >"$cluster_id_file"
    java -cp "$cp" -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.properties" -Dkafka.logs.dir="$LOG_DIR" \
      kafka.tools.StorageTool format --ignore-formatted -t "$(cat "$cluster_id_file")" -c "$PROPS" >>"$OUT_LOG" 2>&1 \
      || { tail -n 20 "$OUT_LOG" >&2; echo "Formatting $DATA/data failed." >&2; return 1; }
  fi

  # setsid: own session, so the broker outlives the calling shell / test runner. 9>&- closes the lock fd.
  setsid nohup java -Xms256m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dlog4j2.configurationFile="$ROOT/scripts/kafka/log4j2.properties" \
    -Dkafka.logs.dir="$LOG_DIR" -cp "$cp" kafka.Kafka "$PROPS" </dev/null >>"$OUT_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  echo "Starting Kafka $VERSION (pid $pid) at $ADDR, controller 127.0.0.1:$CONTROLLER_PORT"
  echo "  data: $DATA   log: $SERVER_LOG (stdout: $OUT_LOG)"
  wait_ready "$ADDR" "$READY_TIMEOUT" --pid "$pid" --log "$SERVER_LOG" --log "$OUT_LOG"
  echo "Kafka up at $ADDR in $(since "$t0") s"
}

cmd_down() {
  local pid i
  if ! pid=$(running_pid); then
    rm -f "$PID_FILE"
    port_open "$PORT" && echo "Something else listens on $PORT (not started by this script); left alone." \
      || echo "Kafka not running."
  else
    kill -TERM "$pid"
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "Kafka (pid $pid) still alive after 20 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PID_FILE"
    echo "Kafka stopped (pid $pid)."
  fi
  if [[ ${1:-} == --wipe ]]; then
    rm -rf "$DATA/data" "$LOG_DIR" "$DATA/cluster-id" "$PROPS"
    echo "Wiped Kafka data in $DATA (jars kept)."
  fi
}

cmd_status() {
  local pid
  if pid=$(running_pid); then echo "process: running (pid $pid)"; else echo "process: not running"; fi
  if wait_ready "$ADDR" 3 --quiet; then echo "broker:  answering at $ADDR"; else echo "broker:  not answering at $ADDR"; fi
  echo "data:    $DATA"
  echo "log:     $SERVER_LOG"
  [[ -n ${pid:-} ]]
}

cmd_logs() {
  if [[ ${1:-} == -f ]]; then tail -n 100 -F "$SERVER_LOG"; else tail -n "${1:-100}" "$SERVER_LOG" "$OUT_LOG" 2>/dev/null; fi
}

case ${1:-} in
  up | down)
    # One up/down at a time (parallel test runners); the lock is released when this script exits.
    mkdir -p "$DATA"
    exec 9>"$DATA/.lock"
    flock 9
    "cmd_$1" "${@:2}"
    ;;
  status | logs) "cmd_$1" "${@:2}" ;;
  *) echo "usage: $0 up | down [--wipe] | status | logs [-f|N]" >&2; exit 64 ;;
esac
