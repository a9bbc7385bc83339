#!/usr/bin/env bash
# `make tempest`: OpenStack's conformance suite against edgevol behind a
# real Keystone, judged against the committed lists in tools/tempest/.
#
# Starts a Keystone-mode environment of its own (state .edgevol-tempest,
# the first free instance from 6), installs Tempest and
# cinder-tempest-plugin in .venv-tempest, writes tempest.conf from the
# environment, runs tempest.api.volume and cinder_tempest_plugin.api, and
# fails if a test of must-pass.txt did not pass or the API logged a 5xx.
# The last line is "N passed, N failed" (must-pass tests).
# TEMPEST_KEEP=1 leaves the environment running afterwards.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
STATE_DIR="$REPO/.edgevol-tempest"
VENV="$REPO/.venv-tempest"
WORKSPACE="$STATE_DIR/tempest"
LISTS="$REPO/tools/tempest"
TEMPEST_REQUIREMENTS=("tempest==47.0.0" "cinder-tempest-plugin==1.23.0")
export PATH="$REPO/.venv/bin:$PATH"

log() { echo "tempest.sh: $*" >&2; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_instance() {
    local instance port busy
    for instance in 6 7 8 9; do
        busy=0
        for port in $((5672 + 100 * instance)) $((5433 + 100 * instance)) \
                $((17000 + 240 * instance)) $((9292 + 100 * instance)) \
                $((8776 + 100 * instance)) $((5000 + 100 * instance)); do
            if listening "$port"; then busy=1; break; fi
        done
        if [ "$busy" = 0 ]; then echo "$instance"; return; fi
    done
    echo 6
}

install_tempest() {
    local stamp="$VENV/.edgevol-tempest" want
    want="${TEMPEST_REQUIREMENTS[*]}"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return
    fi
    log "installing ${TEMPEST_REQUIREMENTS[*]} into $VENV"
    python3 -m venv "$VENV" && \
        "$VENV/bin/pip" install -q "${TEMPEST_REQUIREMENTS[@]}" && \
        echo "$want" > "$stamp"
}

stop_environment() {
    if [ -z "${TEMPEST_KEEP:-}" ]; then
        edgevol-dev down --state-dir "$STATE_DIR" >/dev/null 2>&1 || true
    fi
}

if ! tools/install.sh || ! install_tempest; then
    log "installation failed"
    echo "0 passed, 1 failed"
    exit 1
fi
trap stop_environment EXIT

INSTANCE_ARGS=()
if [ ! -f "$STATE_DIR/devenv.json" ]; then
    INSTANCE_ARGS=(--instance "$(pick_instance)")
fi
if ! edgevol-dev up --auth keystone --db postgresql \
        --state-dir "$STATE_DIR" "${INSTANCE_ARGS[@]}" >/dev/null; then
    log "the Keystone-mode environment did not start"
    echo "0 passed, 1 failed"
    exit 1
fi
STATUS="$STATE_DIR/status.json"
ENDPOINT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api"]["endpoint"])' "$STATUS")"
MAX_VERSION="$(python3 - "$ENDPOINT" <<'EOF'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/", timeout=10) as answer:
    print(json.load(answer)["versions"][0]["version"])
EOF
)"

rm -rf "$WORKSPACE"
"$VENV/bin/tempest" init "$WORKSPACE" >/dev/null
python3 -m edgevol.devenv.tempest conf "$STATUS" "$MAX_VERSION" \
    "$WORKSPACE/lock" > "$WORKSPACE/etc/tempest.conf"
API_LOG="$STATE_DIR/logs/edgevol-api.log"
API_LOG_START="$(wc -l < "$API_LOG" 2>/dev/null || echo 0)"

log "running tempest.api.volume and cinder_tempest_plugin.api (microversion <= $MAX_VERSION)"
started=$(date +%s)
(cd "$WORKSPACE" && "$VENV/bin/tempest" run --concurrency 2 \
    --regex '^(tempest\.api\.volume|cinder_tempest_plugin\.api)' \
    > "$WORKSPACE/run.log" 2>&1)
log "tempest ran in $(( $(date +%s) - started )) s; log: $WORKSPACE/run.log"

# A request the API could not serve is logged with its traceback (and,
# with request logging on, as "-> 5xx").
server_errors="$(tail -n +"$((API_LOG_START + 1))" "$API_LOG" 2>/dev/null \
    | grep -c -e 'Unexpected error while serving' -e ' -> 5[0-9][0-9] ' \
    || true)"
(cd "$WORKSPACE" && "$VENV/bin/stestr" last --subunit) \
    | python3 -m edgevol.devenv.tempest gate "$LISTS/must-pass.txt" \
        "$LISTS/known-failing.txt" | tee "$WORKSPACE/gate.txt"
gate=${PIPESTATUS[1]}
if [ "$server_errors" != 0 ]; then
    log "the API answered $server_errors request(s) with a 5xx: see $API_LOG"
    echo "0 passed, 1 failed"
    exit 1
fi
exit "$gate"
