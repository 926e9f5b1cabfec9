#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1 only.
#   scripts/test_postgres.sh start  -> installs Debian's postgresql if needed, starts a
#                                      server with empty databases, prints its base URL
#   scripts/test_postgres.sh stop
set -euo pipefail
DATA_DIR=${KESTREL_PG_DIR:-/tmp/kestrel-test-postgres}
PORT=${KESTREL_PG_PORT:-55432}
DATABASES=(helpdesk_test helpdesk_integration)

server_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

BIN=$(server_bin)
if [ -z "$BIN" ]; then
  echo "==> Installing PostgreSQL (Debian package postgresql) for the tests" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
  BIN=$(server_bin)
fi
if [ -z "$BIN" ]; then
  echo "ERROR: PostgreSQL server binaries not found after installing 'postgresql'." >&2
  exit 1
fi
# PostgreSQL refuses to run as root: run it as the package's postgres user then.
AS_OWNER=(); [ "$(id -u)" = 0 ] && AS_OWNER=(runuser -u postgres --)

case "${1:-start}" in
  start)
    if ! "${AS_OWNER[@]}" "$BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
      rm -rf "$DATA_DIR"
      mkdir -p "$DATA_DIR"
      [ "$(id -u)" = 0 ] && chown postgres: "$DATA_DIR"
      "${AS_OWNER[@]}" "$BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
      "${AS_OWNER[@]}" "$BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w \
        -o "-p $PORT -k $DATA_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    for db in "${DATABASES[@]}"; do
      PGOPTIONS="-c client_min_messages=warning" "${AS_OWNER[@]}" "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    done
    echo "postgresql://postgres@127.0.0.1:$PORT"
    ;;
  stop)
    "${AS_OWNER[@]}" "$BIN/pg_ctl" -D "$DATA_DIR" -m fast stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
