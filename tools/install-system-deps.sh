#!/usr/bin/env bash
# Debian packages nova_lite's tests and lab need: libvirt (daemon, headers
# for libvirt-python), QEMU, qemu-img, busybox-static, cpio and e2fsprogs
# (mke2fs -d) for the tiny guest image, socat for the multi-node lab's
# forwarders, genisoimage for config drives, dnsmasq-base (the dnsmasq
# binary without Debian's dnsmasq service, which would start one in this
# machine's own namespace) and dnsmasq-utils (dhcp_release) for the guest
# networks' DHCP, nftables (the lab link's bridge filter),
# openssh-client to log in to guests, iputils-ping (Tempest's scenarios
# ping guests from the lab's namespaces), and novnc (noVNC's files, which
# nova-lite-novncproxy serves: doc/consoles.md), and galera-4, rsync
# and haproxy for the three-node broker and Galera clusters behind
# HAProxy (nova_lite/bench/ha_clusters.py, doc/ha-clusters.md), npm
# (tools/fetch-dashboard-assets.sh fetches the dashboard's htmx and Pico
# CSS with it), and chromium and chromium-driver: headless Chromium driven
# by Selenium, which the dashboard's browser tests use in every test run
# (tests/functional/fixtures/browser.py). npm counts as present when an
# npm command is on PATH (NodeSource's nodejs ships its own npm and
# conflicts with Debian's npm package). Skips apt when everything is
# already installed.
#
#   tools/install-system-deps.sh [--browser]
#
# --browser adds tesseract-ocr, which the console lab checks use with
# Chromium to load a noVNC page and read the guest's screen
# (devstack/tools/lifecycle-cli-check.sh, doc/consoles.md).
set -eu
pkgs="libvirt-dev pkg-config libvirt-daemon-system qemu-system-x86 qemu-utils
busybox-static cpio e2fsprogs socat genisoimage dnsmasq-base dnsmasq-utils
nftables openssh-client iputils-ping novnc galera-4 rsync haproxy npm
chromium chromium-driver"
if [ "${1:-}" = --browser ]; then
  pkgs="$pkgs tesseract-ocr"
fi
missing=""
for p in $pkgs; do
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
    continue
  fi
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $missing >/dev/null
