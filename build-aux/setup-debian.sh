#!/bin/sh
# Installs every package Front Desk needs to build, test and run on Debian 12
# (bookworm) or newer. Run as root; idempotent (a few seconds when all is there).
# clang, libclang-rt-dev (libFuzzer and the sanitizer runtimes) and llvm
# (llvm-symbolizer) build and run the fuzzers: build-aux/run-fuzz. The
# sanitizer test stage uses gcc's (libasan, libubsan come with gcc).
# postgresql and libpq-dev: the PostgreSQL store (issue 11); its tests start
# their own cluster with initdb. libqrencode-dev: the client draws the TOTP
# enrolment QR code (issue 15).
set -eu
export DEBIAN_FRONTEND=noninteractive

PACKAGES="
  gcc pkg-config meson ninja-build gettext python3
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev libsoup-3.0-dev glib-networking
  libsecret-1-dev libjson-glib-dev libsqlite3-dev libsodium-dev libgnutls28-dev libicu-dev
  desktop-file-utils appstream libglib2.0-bin
  xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools at-spi2-core
  python3-gi gir1.2-atspi-2.0
  openssl gnutls-bin sqlite3 curl wrk
  imagemagick xclip xdotool x11-utils fonts-wqy-microhei libgtk-4-bin
  flatpak-builder systemd
  gcovr clang-tools
  clang libclang-rt-dev llvm
  postgresql postgresql-contrib libpq-dev
  libqrencode-dev
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "setup-debian: all packages present"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "setup-debian: missing packages:$missing" >&2
  echo "setup-debian: run as root (sudo $0) to install them" >&2
  exit 1
fi

echo "setup-debian: installing:$missing"
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
