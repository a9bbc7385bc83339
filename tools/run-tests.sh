#!/usr/bin/env bash
# THE test command (`make test`).  Installs what is missing, runs the unit
# tests, starts the test infrastructure (three Ceph sites, RabbitMQ,
# PostgreSQL, Glance, Keystone) next to any development environment, runs the
# functional tests on SQLite, again on PostgreSQL (but for the modules in
# tools/functional-sqlite-only.txt), and the smoke tests under
# eventlet, then the Tempest conformance gate (tools/tempest.sh); stops the
# infrastructure and ends with ONE line:
# "N passed, N failed"
# (", N skipped" appended when tests were skipped).
# Exit status: non-zero if a test failed, a run crashed or ran no test.
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
STATE_DIR="$REPO/.edgevol-test"
export EDGEVOL_DEV_STATUS="$STATE_DIR/status.json"

PASSED=0
FAILED=0
SKIPPED=0
RUN_ERRORS=0

log() { echo "run-tests.sh: $*" >&2; }

stop_infrastructure() {
    edgevol-dev down --state-dir "$STATE_DIR" >/dev/null 2>&1 || true
}

finish() {
    stop_infrastructure
    trap - EXIT
    if [ -s "${FAILURES_FILE:-}" ]; then
        # CI keeps the head and tail of the log: repeat failures last.
        echo "== failed tests"
        cat "$FAILURES_FILE"
    fi
    rm -f "${FAILURES_FILE:-}"
    local line="$PASSED passed, $((FAILED + RUN_ERRORS)) failed"
    if [ "$SKIPPED" -gt 0 ]; then line="$line, $SKIPPED skipped"; fi
    echo "$line"
    if [ "$FAILED" -gt 0 ] || [ "$RUN_ERRORS" -gt 0 ]; then exit 1; fi
    exit 0
}

listening() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The test infrastructure's instance (port offset): never 0, which is
# `make run`'s; the first whose ports are free, so that the test runs of
# several checkouts on one machine do not meet; EDGEVOL_TEST_INSTANCE wins.
pick_instance() {
    if [ -n "${EDGEVOL_TEST_INSTANCE:-}" ]; then
        echo "$EDGEVOL_TEST_INSTANCE"; return
    fi
    local instance port busy
    for instance in 1 2 3 4 5 6 7 8 9; do
        busy=0
        # RabbitMQ, its distribution port, PostgreSQL, first Ceph mon,
        # Glance, Keystone.
        for port in $((5672 + 100 * instance)) $((25672 + 100 * instance)) \
                $((5433 + 100 * instance)) $((17000 + 240 * instance)) \
                $((9292 + 100 * instance)) $((5000 + 100 * instance)); do
            if listening "$port"; then busy=1; break; fi
        done
        if [ "$busy" = 0 ]; then echo "$instance"; return; fi
    done
    echo 1
}

next_stream() {
    cat .stestr/next-stream 2>/dev/null || echo 0
}

# stats_value NAME: the number on subunit-stats' "NAME tests:" line.
stats_value() {
    awk -v key="$1 tests:" 'index($0, key) == 1 {print $NF}' "$STATS_FILE"
}

# run_suite LABEL TEST_PATH [FILTER]: one stestr run, counted.
# STESTR_OPTS: extra global stestr options.
run_suite() {
    local label="$1" test_path="$2" before
    shift 2
    log "== $label"
    before="$(next_stream)"
    # shellcheck disable=SC2086  # STESTR_OPTS is a list of words
    stestr --test-path "$test_path" ${STESTR_OPTS:-} run "$@"
    if [ "$(next_stream)" = "$before" ]; then
        # Nothing recorded: discovery or import failed before any test ran.
        log "$label: stestr recorded no run (see the errors above)"
        RUN_ERRORS=$((RUN_ERRORS + 1))
        return
    fi
    stestr last --subunit | subunit-stats > "$STATS_FILE" 2>/dev/null
    local total passed failed skipped
    total="$(stats_value Total)"; passed="$(stats_value Passed)"
    failed="$(stats_value Failed)"; skipped="$(stats_value Skipped)"
    PASSED=$((PASSED + ${passed:-0}))
    FAILED=$((FAILED + ${failed:-0}))
    SKIPPED=$((SKIPPED + ${skipped:-0}))
    log "$label: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
    if [ "${failed:-0}" != 0 ]; then
        stestr last --subunit | python3 tools/failure_digest.py "$label" \
            >> "$FAILURES_FILE" 2>&1
    fi
    if [ "${total:-0}" = 0 ] || [ "${passed:-0}" = 0 ]; then
        log "$label: no test ran"
        RUN_ERRORS=$((RUN_ERRORS + 1))
    fi
}

if ! tools/install.sh; then
    log "tools/install.sh failed"
    RUN_ERRORS=1
    finish
fi
export PATH="$REPO/.venv/bin:$PATH"
STATS_FILE="$(mktemp)"
FAILURES_FILE="$(mktemp)"
trap 'rm -f "$STATS_FILE"; finish' EXIT

run_suite "unit" ./edgevol/tests/unit

# The import contracts of .importlinter (site code never imports
# edgevol.db; the layers of the package), counted as one test.
if IMPORT_REPORT="$(lint-imports --no-cache 2>&1)"; then
    PASSED=$((PASSED + 1))
else
    log "import contracts broken"
    echo "$IMPORT_REPORT" | sed -n '/Broken contracts/,$p' | tee -a "$FAILURES_FILE"
    FAILED=$((FAILED + 1))
fi

log "== starting the test infrastructure in $STATE_DIR"
INSTANCE_ARGS=()
if [ ! -f "$STATE_DIR/devenv.json" ]; then
    # Else a previous run's infrastructure is still there: reuse it as is.
    INSTANCE_ARGS=(--instance "$(pick_instance)")
fi
# With Keystone: test_keystone runs stacks behind it (the other tests'
# stacks use noauth and ignore it).
if ! edgevol-dev up --infra-only --db postgresql --auth keystone \
        --state-dir "$STATE_DIR" "${INSTANCE_ARGS[@]}"; then
    log "the test infrastructure did not start"
    RUN_ERRORS=$((RUN_ERRORS + 1))
    exit 1
fi

# Functional test classes start expensive fixtures (Ceph sites, service
# stacks) in setUpClass: keep each class in one worker.
export STESTR_OPTS=--parallel-class
run_suite "functional (SQLite)" ./edgevol/tests/functional
# Again on PostgreSQL, but for the modules whose subject the database
# does not change (tools/functional-sqlite-only.txt says why, per module).
EDGEVOL_TEST_DB=postgresql \
    run_suite "functional (PostgreSQL)" ./edgevol/tests/functional \
    --exclude-list tools/functional-sqlite-only.txt
EDGEVOL_TEST_CONCURRENCY=eventlet \
    run_suite "smoke (eventlet)" ./edgevol/tests/functional smoke

# The conformance gate: Tempest against a Keystone-mode environment of its
# own (the test infrastructure goes first: two would crowd 2 cores).
stop_infrastructure
log "== tempest (tools/tempest.sh)"
TEMPEST_LOG="$(mktemp)"
tools/tempest.sh 2>&1 | tee "$TEMPEST_LOG"
tempest_summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$TEMPEST_LOG" \
    | tail -n 1)"
rm -f "$TEMPEST_LOG"
if [ -z "$tempest_summary" ]; then
    log "tempest: no verdict"
    RUN_ERRORS=$((RUN_ERRORS + 1))
else
    PASSED=$((PASSED + ${tempest_summary%% passed*}))
    tempest_failed="${tempest_summary#*passed, }"
    FAILED=$((FAILED + ${tempest_failed%% failed*}))
    log "tempest: $tempest_summary (must-pass tests)"
fi
