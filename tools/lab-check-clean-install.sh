#!/usr/bin/env bash
# Lab check (root, not part of CI): a plain 'pip install' of nova_lite with
# the repository's constraints on a clean Debian 12 that has no libvirt-dev,
# no pkg-config and no compiler, as a new operator's controller would be.
#
# Builds a minimal Debian root with mmdebstrap (python3, python3-venv,
# ca-certificates, git; Debian's packages), copies this checkout into it
# and, inside it (systemd-nspawn, the host's network for PyPI):
#   python3 -m venv /v && /v/bin/pip install -c upper-constraints.txt .
#   nova-lite-api --help; nova-lite-compute --help
#   nova-lite-compute with [virt] driver = libvirt: must exit 1 with one
#   line naming libvirt-python and the [libvirt] extra.
# Prints each check and "clean install: OK" or exits non-zero.
#
#   sudo tools/lab-check-clean-install.sh [--keep]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root (mmdebstrap, systemd-nspawn)"; exit 2; }
command -v mmdebstrap >/dev/null || apt-get install -y -qq mmdebstrap >/dev/null
work=$(mktemp -d /var/tmp/nova-lite-clean.XXXXXX)
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$work"' EXIT
root=$work/root
say() { printf '== %s (%s)\n' "$*" "$(date +%T)"; }

say "Debian root (mmdebstrap minbase) in $root"
mmdebstrap --quiet --variant=minbase \
    --include=python3,python3-venv,ca-certificates,git bookworm "$root"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
    (cd "$repo" && tar --null -T - -cf -) | (mkdir -p "$root/src" && tar -xf - -C "$root/src")
cp -a "$repo/.git" "$root/src/.git"   # pbr takes the version from git

# The host's CA bundle: where TLS to PyPI goes through an inspecting
# proxy, Debian's stock bundle in the new root would not trust it.
ca=${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}
inside() {
    systemd-nspawn -q --register=no --keep-unit -D "$root" \
        --bind-ro="$ca:/etc/host-ca.crt" --setenv=PIP_CERT=/etc/host-ca.crt \
        --setenv=PIP_DISABLE_PIP_VERSION_CHECK=1 --chdir=/src "$@" \
        2> >(grep -v 'Attempted to remove disk file system' >&2)
}

say "the root has no libvirt-dev, pkg-config or compiler"
inside sh -c '! dpkg -s libvirt-dev >/dev/null 2>&1 && ! command -v pkg-config && ! command -v gcc && echo "  none of them: ok"'

say "python3 -m venv /v && /v/bin/pip install -c upper-constraints.txt ."
inside sh -c 'git config --global --add safe.directory /src &&
    python3 -m venv /v && /v/bin/pip install -q -c upper-constraints.txt . &&
    /v/bin/pip list 2>/dev/null | wc -l | sed "s/^/  packages installed: /" &&
    ! /v/bin/python -c "import libvirt" 2>/dev/null && echo "  libvirt-python absent: ok"'

say "nova-lite-api --help and nova-lite-compute --help"
inside sh -c '/v/bin/nova-lite-api --help >/dev/null && echo "  nova-lite-api --help: ok" &&
    /v/bin/nova-lite-compute --help >/dev/null && echo "  nova-lite-compute --help: ok"'

say "a compute configured for libvirt without libvirt-python"
inside sh -c 'printf "[DEFAULT]\ntransport_url = fake://\nhost = node1\n[virt]\ndriver = libvirt\n" >/tmp/c.conf
    /v/bin/nova-lite-compute --config-file /tmp/c.conf 2>/tmp/err; rc=$?
    echo "  exit code: $rc"; grep "^ERROR" /tmp/err | sed "s/^/  /"
    [ "$rc" -ne 0 ] && [ "$(grep -c "^ERROR.*libvirt-python.*nova_lite\[libvirt\]" /tmp/err)" = 1 ]'
say "clean install: OK"
