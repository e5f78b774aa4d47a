#!/bin/bash
# headless-run.sh CMD [ARGS...]
# Runs CMD with a throwaway HOME and XDG directories, an Xvfb display, a
# private D-Bus session bus and an unlocked gnome-keyring "login" collection
# serving org.freedesktop.secrets. Exits with CMD's status.
set -euo pipefail
T=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-headless.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/home" "$T/runtime" && chmod 700 "$T/runtime"
export HOME="$T/home" XDG_DATA_HOME="$T/home/.local/share" XDG_CONFIG_HOME="$T/home/.config" \
       XDG_CACHE_HOME="$T/home/.cache" XDG_RUNTIME_DIR="$T/runtime"
export GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1 LANG=C.UTF-8
export FD_TEST_HOME="$T/home"
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL WAYLAND_DISPLAY
# The keyring password must be non-empty; a fresh XDG_DATA_HOME means
# login.keyring is created with it (a stale one would make gcr-prompter
# open a dialog on the hidden screen and hang every libsecret call).
# FD_XVFB_SCREEN: a larger screen for screenshots at desk sizes (1366×800).
xvfb-run -a -s "-screen 0 ${FD_XVFB_SCREEN:-1280x1024x24} -nolisten tcp" \
  dbus-run-session -- bash -c '
    set -e
    printf "%s" "headless-ci" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    gdbus wait --session --timeout 10 org.freedesktop.secrets
    exec "$@"' headless-run "$@" 2> >(grep -v "Failed to set fd limit" >&2)
