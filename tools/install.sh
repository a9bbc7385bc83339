#!/usr/bin/env bash
# Install what edgevol needs on Debian 12, idempotently and fast when done:
#   - Debian packages: Ceph Pacific (mon, osd, mgr, CLI, Python bindings),
#     RabbitMQ, PostgreSQL, qemu-img with rbd:, cryptsetup (only if missing);
#   - .venv/ with requirements, test requirements and edgevol (editable);
#   - Debian's rados/rbd bindings linked into .venv (PyPI has none);
#   - .venv-glance/ with Glance and gunicorn: Glance pins many libraries
#     edgevol also uses, so it gets a venv of its own (and the bindings);
#   - .venv-keystone/ with Keystone and gunicorn, likewise;
#   - .venv-barbican/ with Barbican and gunicorn, likewise (the key manager,
#     reached through castellan).
# Usage: tools/install.sh        (as root, or with sudo available)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.venv"
GLANCE_VENV="$REPO/.venv-glance"
# Glance's catalog lives in PostgreSQL (psycopg2); gunicorn serves its WSGI
# app (standalone glance-api is no longer supported).
GLANCE_REQUIREMENTS=("glance==33.0.0" "gunicorn>=22.0" "psycopg2-binary>=2.9")
KEYSTONE_VENV="$REPO/.venv-keystone"
# Keystone 30 ships no keystone-wsgi-public: gunicorn serves its WSGI app;
# its database lives in the environment's PostgreSQL too.
KEYSTONE_REQUIREMENTS=("keystone==30.0.0" "gunicorn>=22.0" "psycopg2-binary>=2.9")
BARBICAN_VENV="$REPO/.venv-barbican"
BARBICAN_REQUIREMENTS=("barbican==23.0.0" "gunicorn>=22.0" "psycopg2-binary>=2.9")
PYTHON="${PYTHON:-python3}"
PACKAGES=(ceph-mon ceph-osd ceph-mgr ceph-common python3-rados python3-rbd
          rabbitmq-server postgresql qemu-utils qemu-block-extra
          cryptsetup-bin)
BINDINGS_DIR=/usr/lib/python3/dist-packages
BINDINGS=(rados.cpython-311-x86_64-linux-gnu.so rbd.cpython-311-x86_64-linux-gnu.so)

log() { echo "install.sh: $*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null \
                | grep -q "install ok installed"; then
            echo "$pkg"
        fi
    done
    # A Debian python3 needs python3-venv for `python3 -m venv`.
    if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        echo python3-venv
    fi
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" = 0 ]; then
        return
    fi
    log "apt-get install ${missing[*]}"
    # Keep package scripts from starting RabbitMQ or PostgreSQL system
    # services: they would take the ports our own instances use.
    local policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
}

requirements_stamp() {
    cat "$REPO/requirements.txt" "$REPO/test-requirements.txt" \
        "$REPO/setup.cfg" | sha256sum | cut -d' ' -f1
}

install_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    local stamp_file="$VENV/.edgevol-requirements" stamp
    stamp="$(requirements_stamp)"
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
            && [ -x "$VENV/bin/edgevol-dev" ]; then
        return
    fi
    log "pip install (requirements, test requirements, edgevol)"
    # Build back-ends are chatty even with -q: show the log only on failure.
    local pip_log="$VENV/pip-install.log"
    if ! { "$VENV/bin/pip" install -q --upgrade pip &&
           "$VENV/bin/pip" install -q -r "$REPO/requirements.txt" \
               -r "$REPO/test-requirements.txt" -e "$REPO"; } \
            >"$pip_log" 2>&1; then
        tail -n 40 "$pip_log" >&2
        log "pip install failed (full log: $pip_log)"
        exit 1
    fi
    echo "$stamp" > "$stamp_file"
}

# install_service_venv VENV REQUIREMENT...: an OpenStack service in a venv
# of its own (they pin many libraries edgevol also uses).
install_service_venv() {
    local venv="$1"
    shift
    if [ ! -x "$venv/bin/python" ]; then
        log "creating $venv"
        "$PYTHON" -m venv "$venv"
    fi
    local stamp_file="$venv/.edgevol-requirements" stamp
    stamp="$(printf '%s\n' "$@" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
            && [ -x "$venv/bin/gunicorn" ]; then
        return
    fi
    log "pip install $* (own venv)"
    local pip_log="$venv/pip-install.log"
    if ! { "$venv/bin/pip" install -q --upgrade pip &&
           "$venv/bin/pip" install -q "$@"; } >"$pip_log" 2>&1; then
        tail -n 40 "$pip_log" >&2
        log "pip install failed (full log: $pip_log)"
        exit 1
    fi
    echo "$stamp" > "$stamp_file"
}

link_ceph_bindings() {
    # Only the two modules, not all of dist-packages (that would pull every
    # Debian Python package into the venv).
    local venv="$1" link_dir site_packages so
    link_dir="$venv/ceph-bindings"
    site_packages="$("$venv/bin/python" -c \
        'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    mkdir -p "$link_dir"
    for so in "${BINDINGS[@]}"; do
        ln -sfn "$BINDINGS_DIR/$so" "$link_dir/$so"
    done
    echo "$link_dir" > "$site_packages/edgevol-ceph-bindings.pth"
    if ! "$venv/bin/python" -c 'import rados, rbd' 2>/dev/null; then
        log "cannot import rados/rbd in $venv: its Python must be CPython 3.11"
        exit 1
    fi
}

install_packages
install_venv
install_service_venv "$GLANCE_VENV" "${GLANCE_REQUIREMENTS[@]}"
install_service_venv "$KEYSTONE_VENV" "${KEYSTONE_REQUIREMENTS[@]}"
install_service_venv "$BARBICAN_VENV" "${BARBICAN_REQUIREMENTS[@]}"
link_ceph_bindings "$VENV"
link_ceph_bindings "$GLANCE_VENV"
log "ready: $VENV $GLANCE_VENV $KEYSTONE_VENV $BARBICAN_VENV"
