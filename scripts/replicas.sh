#!/usr/bin/env bash
# Two (or more) `qa serve` replicas sharing one read-only index build, behind nginx, on loopback.
#
#   scripts/replicas.sh [--corpus DIR] [--index DIR] [--port 8080] [--replicas 2] [--work DIR] [--load SECONDS]
#
# The index is built once (`qa index`); build folders are immutable, so the replicas
# only read it (their feedback files go to the work folder). nginx (Debian's) listens
# on 127.0.0.1:PORT and spreads /api/ over the replicas (least connections) and keeps
# each browser on one replica for the UI. With --load, runs bench/serve_load.py against
# the proxy and stops; otherwise serves until interrupted. Extra `qa serve` options
# (e.g. --auth u:p) go after `--`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
CORPUS="${QA_CORPUS:-$ROOT/corpus}"
INDEX="${QA_INDEX:-$ROOT/index}"
PORT=8080
REPLICAS=2
WORK=""
LOAD=""
EXTRA=()

while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) CORPUS="$2"; shift 2 ;;
    --index) INDEX="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --replicas) REPLICAS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --load) LOAD="$2"; shift 2 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

NGINX="$(command -v nginx || true)"
[ -n "$NGINX" ] || NGINX=/usr/sbin/nginx
if [ ! -x "$NGINX" ]; then
  echo "error: nginx is not installed (apt-get install -y nginx)" >&2
  exit 3
fi
[ -n "$WORK" ] || WORK="$(mktemp -d -t qa-replicas-XXXXXX)"
mkdir -p "$WORK/tmp"
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" HF_HUB_OFFLINE=1 OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building the shared index in $INDEX" >&2
"$PYTHON" -m qa index --corpus "$CORPUS" --index "$INDEX" >&2

SERVERS=""
for i in $(seq 1 "$REPLICAS"); do
  port=$((PORT + i))
  "$PYTHON" -m qa serve --corpus "$CORPUS" --index "$INDEX" --host 127.0.0.1 --port "$port" \
    --feedback "$WORK/feedback-$i.jsonl" "${EXTRA[@]}" >"$WORK/replica-$i.log" 2>&1 &
  PIDS+=("$!")
  SERVERS+="        server 127.0.0.1:$port;"$'\n'
done

for i in $(seq 1 "$REPLICAS"); do
  port=$((PORT + i))
  for _ in $(seq 1 600); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/openapi.json" || true)"
    [ "$code" = 200 ] || [ "$code" = 401 ] && break
    kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { echo "error: replica $i exited:" >&2; cat "$WORK/replica-$i.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "replica $i ready on 127.0.0.1:$port" >&2
done

TEMPLATE="$ROOT/scripts/nginx-replicas.conf.template"
awk -v work="$WORK" -v listen="127.0.0.1:$PORT" -v servers="$SERVERS" -v body="64m" '
  { gsub("@WORK@", work); gsub("@LISTEN@", listen); gsub("@MAX_BODY@", body) }
  /^@SERVERS@$/ { printf "%s", servers; next }
  { print }' "$TEMPLATE" >"$WORK/nginx.conf"
"$NGINX" -t -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" 2>>"$WORK/nginx-error.log" \
  || { cat "$WORK/nginx-error.log" >&2; exit 1; }
"$NGINX" -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" &
PIDS+=("$!")
for _ in $(seq 1 100); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/api/openapi.json" && break
  sleep 0.1
done
echo "serving http://127.0.0.1:$PORT/ through nginx ($REPLICAS replicas; work folder $WORK)" >&2

if [ -n "$LOAD" ]; then
  "$PYTHON" "$ROOT/bench/serve_load.py" --url "http://127.0.0.1:$PORT" --index "$INDEX" --corpus "$CORPUS" \
    --seconds "$LOAD" --out "${QA_LOAD_OUT:-$ROOT/bench/replicas_load.json}"
  exit $?
fi
wait "${PIDS[0]}"
