#!/usr/bin/python3
# test-client-inspector.py — the real frontdesk client, built with the
# default profile (any buildtype), opens no GTK Inspector: neither with
# GTK_DEBUG=interactive nor on Ctrl+Shift+D / Ctrl+Shift+I (issue 9,
# finding 7). The Inspector reads every widget's text.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Needs an X display (build-aux/headless-run.sh), xdotool, and
# FD_CLIENT_BINARY (tests/meson.build sets it). It counts the client's
# viewable top-level X windows: the Inspector (and GTK's "enable the
# inspector?" prompt) would add some. A control step then presses Ctrl+?,
# which opens the shortcuts window, to show the keys do reach the client:
# events are handled in order, so once that window is up every earlier key
# has been handled too. Prints TAP.

import os
import shutil
import subprocess
import sys
import tempfile
import time

START_TIMEOUT_S = 30
CONTROL_TIMEOUT_S = 30
# How long a shortcut gets to open a window before the count is taken; the
# control step below re-counts after a later key, so a slow machine cannot
# make this pass wrongly.
SETTLE_S = 3


def log(msg):
    for line in str(msg).splitlines():
        print('# ' + line, flush=True)


def xdotool(*args):
    done = subprocess.run(['xdotool', *args], capture_output=True, text=True, timeout=30)
    return done.stdout.split()


def visible_windows(pid):
    return set(xdotool('search', '--onlyvisible', '--pid', str(pid)))


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f'timed out after {timeout} s waiting for {what}')


def main():
    if not os.environ.get('DISPLAY') or shutil.which('xdotool') is None:
        print('1..0 # SKIP needs an X display and xdotool (build-aux/headless-run.sh)')
        return 0
    binary = os.environ.get('FD_CLIENT_BINARY')
    if not binary:
        print('Bail out! FD_CLIENT_BINARY is not set: run through `meson test`')
        return 1

    env = dict(os.environ, GTK_DEBUG='interactive')
    err_file = tempfile.TemporaryFile(mode='w+')
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=err_file)
    results = []

    def check(ok, name, detail=''):
        results.append(ok)
        print(f'{"ok" if ok else "not ok"} {len(results)} {name}', flush=True)
        if not ok and detail:
            log(detail)

    print('1..4', flush=True)
    try:
        def main_window():
            if proc.poll() is not None:
                raise AssertionError(f'frontdesk exited with {proc.returncode}')
            return visible_windows(proc.pid)
        start = wait_for(main_window, START_TIMEOUT_S, 'the client window')
        time.sleep(SETTLE_S)
        now = visible_windows(proc.pid)
        check(now == start and len(start) == 1,
              'GTK_DEBUG=interactive opens no Inspector window',
              f'windows at start: {sorted(start)}, after {SETTLE_S} s: {sorted(now)}')

        window = sorted(start)[0]
        xdotool('windowfocus', '--sync', window)
        for keys in ('ctrl+shift+d', 'ctrl+shift+i'):
            xdotool('key', '--clearmodifiers', keys)
        time.sleep(SETTLE_S)
        after = visible_windows(proc.pid)
        check(after == now, 'Ctrl+Shift+D and Ctrl+Shift+I open no Inspector window',
              f'new windows: {sorted(after - now)}')

        # The control: the keys reach the client.
        xdotool('windowfocus', '--sync', window)
        xdotool('key', '--clearmodifiers', 'ctrl+question')
        try:
            wait_for(lambda: visible_windows(proc.pid) - after, CONTROL_TIMEOUT_S,
                     'the shortcuts window (Ctrl+?)')
            check(True, 'Ctrl+? opens the shortcuts window: keys reach the client')
        except AssertionError as e:
            check(False, 'Ctrl+? opens the shortcuts window: keys reach the client', str(e))
        time.sleep(1)
        control = visible_windows(proc.pid)
        check(len(control - now) == 1 and proc.poll() is None,
              'after every key was handled: only the shortcuts window is new',
              f'new windows: {sorted(control - now)}')
    except Exception as e:  # noqa: BLE001 - report anything as a failed test
        print(f'Bail out! {e}', flush=True)
        results.append(False)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if not all(results):
            err_file.seek(0)
            log('frontdesk stderr:\n' + err_file.read()[-2000:])
        err_file.close()
    return 0 if all(results) else 1


if __name__ == '__main__':
    sys.exit(main())
