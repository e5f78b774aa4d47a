#!/usr/bin/env python3
# Packaging checks run by `meson test --suite packaging`:
#   check-packaging.py desktop DESKTOP-FILE
#   check-packaging.py flatpak MANIFEST
#   check-packaging.py unit SERVICE-FILE SYSUSERS-FILE
#   check-packaging.py backup-units SERVICE-FILE TIMER-FILE
#   check-packaging.py check-units SERVICE-FILE TIMER-FILE
#   check-packaging.py config SERVER-CONF
#   check-packaging.py icons ICONDIR APP-ID
#   check-packaging.py screenshots METAINFO SRCDIR
#   check-packaging.py translations SRCDIR [LANG]
#   check-packaging.py translatable-strings SRCDIR
#   check-packaging.py debian SRCDIR BUILDDIR
#   check-packaging.py options SRCDIR [--build]
#   check-packaging.py missing PROGRAM
# Each prints what it found wrong and exits 1, or exits 0.

import configparser
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

APP_ID = 'io.github.frontdesk.FrontDesk'

OLDEST_SUPPORTED_GNOME = 50

FINISH_ARGS = [
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
]

errors = []


def fail(msg):
    errors.append(msg)
    print('FAIL: ' + msg, file=sys.stderr)


def need(program):
    path = shutil.which(program)
    if path is None:
        print('FAIL: %s is not installed (build-aux/setup-debian.sh installs it)' % program,
              file=sys.stderr)
        sys.exit(1)
    return path


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


# --- desktop file -----------------------------------------------------------

def check_desktop(path):
    """desktop-file-validate exits 0 on hints and on errors it calls "will be
    fatal in the future": treat any message as a failure."""
    r = run([need('desktop-file-validate'), path])
    out = (r.stdout + r.stderr).strip()
    if r.returncode != 0 or out:
        fail('desktop-file-validate: ' + (out or 'exit %d' % r.returncode))


# --- Flatpak manifest -------------------------------------------------------

def check_flatpak(manifest):
    builder = need('flatpak-builder')
    env = dict(os.environ, G_DEBUG='fatal-warnings')
    r = run([builder, '--show-manifest', manifest], env=env)
    if r.returncode != 0:
        fail('flatpak-builder --show-manifest failed (%d): %s' % (r.returncode, r.stderr.strip()))
        return
    if r.stderr.strip():
        fail('flatpak-builder printed warnings: ' + r.stderr.strip())
    try:
        shown = json.loads(r.stdout)
    except ValueError as e:
        fail('flatpak-builder output is not JSON: %s' % e)
        return
    with open(manifest, encoding='utf-8') as f:
        raw = json.load(f)

    for name, m in (('manifest', raw), ('flatpak-builder view', shown)):
        if m.get('finish-args') != FINISH_ARGS:
            fail('%s: finish-args are %r, expected exactly %r'
                 % (name, m.get('finish-args'), FINISH_ARGS))
        if m.get('id', m.get('app-id')) != APP_ID:
            fail('%s: id is %r' % (name, m.get('id', m.get('app-id'))))
        if m.get('runtime') != 'org.gnome.Platform' or m.get('sdk') != 'org.gnome.Sdk':
            fail('%s: runtime/sdk must be org.gnome.Platform/org.gnome.Sdk' % name)
        try:
            # GNOME runtimes get security fixes for about a year: a release
            # reaches its end of life when the second one after it is out
            # (47 in October 2025). 50 is the oldest still supported.
            if int(str(m.get('runtime-version'))) < OLDEST_SUPPORTED_GNOME:
                fail('%s: runtime-version %s is past its end of life (< %d)'
                     % (name, m.get('runtime-version'), OLDEST_SUPPORTED_GNOME))
        except ValueError:
            fail('%s: runtime-version %r is not a number' % (name, m.get('runtime-version')))
        if m.get('command') != 'frontdesk':
            fail('%s: command is %r' % (name, m.get('command')))
        modules = m.get('modules', [])
        mine = [x for x in modules if isinstance(x, dict) and x.get('name') == 'frontdesk']
        if len(mine) != 1:
            fail('%s: expected one module named frontdesk' % name)
            continue
        mod = mine[0]
        if mod.get('buildsystem') != 'meson':
            fail('%s: module frontdesk must use buildsystem meson' % name)
        if '-Dserver=false' not in mod.get('config-opts', []):
            fail('%s: module frontdesk must build the client only (-Dserver=false)' % name)
        # flatpak-builder passes meson only --prefix and --libdir, so the
        # project's default buildtype (debugoptimized) would apply; only a
        # release build locks the GTK inspector down (FD_RELEASE).
        if '--buildtype=release' not in mod.get('config-opts', []):
            fail('%s: module frontdesk must be a release build (--buildtype=release)' % name)
        srcs = mod.get('sources', [])
        if not any(s.get('type') == 'dir' and s.get('path') == '..' for s in srcs):
            fail('%s: module frontdesk must build the source tree (type dir, path "..")' % name)


# --- systemd unit -----------------------------------------------------------

UNIT_REQUIRED = {
    'NoNewPrivileges': 'yes',
    'ProtectSystem': 'strict',
    'ProtectHome': 'yes',
    'PrivateTmp': 'yes',
    'PrivateDevices': 'yes',
    'StateDirectory': 'frontdesk',
    'ConfigurationDirectory': 'frontdesk',
    'CapabilityBoundingSet': '',
    'RestrictAddressFamilies': 'AF_INET AF_INET6 AF_UNIX',
    'MemoryDenyWriteExecute': 'yes',
    'LockPersonality': 'yes',
    'RestrictNamespaces': 'yes',
    'ProtectKernelTunables': 'yes',
    'ProtectKernelModules': 'yes',
    'ProtectKernelLogs': 'yes',
    'ProtectControlGroups': 'yes',
    'UMask': '0077',
    'ExecStart': '/usr/bin/frontdesk-server serve --config /etc/frontdesk/server.conf',
}


def check_unit(path, sysusers):
    values = unit_values(path, '[Service]')
    for key, want in UNIT_REQUIRED.items():
        if want not in values.get(key, []):
            fail('%s: [Service] needs %s=%s' % (path, key, want))
    users = values.get('User', [])
    if values.get('DynamicUser') != ['yes'] and not users:
        fail('%s: run as DynamicUser=yes or a dedicated User=' % path)
    for user in users:
        if user in ('root', '0'):
            fail('%s: the server must not run as root' % path)
        with open(sysusers, encoding='utf-8') as f:
            declared = [l.split()[1] for l in f
                        if l.split() and l.split()[0] == 'u' and len(l.split()) > 1]
        if user not in declared:
            fail('%s: User=%s is not declared in %s' % (path, user, sysusers))
    if '@system-service' not in values.get('SystemCallFilter', []):
        fail('%s: [Service] needs SystemCallFilter=@system-service' % path)
    if values.get('AmbientCapabilities', ['']) != ['']:
        fail('%s: the server needs no capabilities' % path)

    analyze_verify([path])


def analyze_verify(paths):
    """systemd-analyze verify on copies of @paths (in one directory, so a
    timer finds its service) whose frontdesk-server binary exists; any
    diagnostic is a failure."""
    analyze = shutil.which('systemd-analyze')
    if analyze is None:
        fail('systemd-analyze is not installed')
        return
    # systemd-analyze verify insists on an existing ExecStart binary.
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        for path in paths:
            copy = os.path.join(tmp, os.path.basename(path))
            with open(path, encoding='utf-8') as src, open(copy, 'w', encoding='utf-8') as dst:
                for line in src:
                    dst.write(line.replace('ExecStart=/usr/bin/frontdesk-server',
                                           'ExecStart=' + shutil.which('true')))
            copies.append(copy)
        r = run([analyze, 'verify', '--man=no'] + copies)
        out = (r.stdout + r.stderr).strip()
        if r.returncode != 0 or out:
            fail('systemd-analyze verify: ' + (out or 'exit %d' % r.returncode))


def unit_values(path, wanted_section):
    values = {}
    section = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in '#;':
                continue
            if line.startswith('['):
                section = line
                continue
            key, _, value = line.partition('=')
            if section == wanted_section:
                values.setdefault(key.strip(), []).append(value.strip())
    return values


def check_backup_units(service, timer):
    """The example backup timer: a oneshot `frontdesk-server backup` as the
    service user, sandboxed, without network, started daily and catching up
    after downtime."""
    values = unit_values(service, '[Service]')
    for key, want in (('Type', 'oneshot'), ('User', 'frontdesk'), ('UMask', '0077'),
                      ('NoNewPrivileges', 'yes'), ('ProtectSystem', 'strict'),
                      ('PrivateNetwork', 'yes'), ('StateDirectory', 'frontdesk'),
                      ('CapabilityBoundingSet', '')):
        if want not in values.get(key, []):
            fail('%s: [Service] needs %s=%s' % (service, key, want))
    starts = values.get('ExecStart', [])
    if len(starts) != 1 or not re.match(r'/usr/bin/frontdesk-server backup --config \S+ --to \S+',
                                        starts[0]):
        fail('%s: ExecStart must run frontdesk-server backup --config FILE --to DIR' % service)
    timer_values = unit_values(timer, '[Timer]')
    if not timer_values.get('OnCalendar') or timer_values.get('Persistent') != ['true']:
        fail('%s: [Timer] needs OnCalendar= and Persistent=true' % timer)
    if 'timers.target' not in unit_values(timer, '[Install]').get('WantedBy', []):
        fail('%s: [Install] needs WantedBy=timers.target' % timer)
    analyze_verify([service, timer])


def check_check_units(service, timer):
    """The self-check timer (issue 12): a oneshot `frontdesk-server check` as
    the service user, sandboxed, without network, whose exit status a monitor
    reads (no SuccessExitStatus: warnings and criticals leave it failed),
    started daily and catching up after downtime."""
    values = unit_values(service, '[Service]')
    for key, want in (('Type', 'oneshot'), ('User', 'frontdesk'), ('UMask', '0077'),
                      ('NoNewPrivileges', 'yes'), ('ProtectSystem', 'strict'),
                      ('PrivateNetwork', 'yes'), ('CapabilityBoundingSet', '')):
        if want not in values.get(key, []):
            fail('%s: [Service] needs %s=%s' % (service, key, want))
    if values.get('SuccessExitStatus'):
        fail('%s: SuccessExitStatus would hide findings from a monitor' % service)
    starts = values.get('ExecStart', [])
    if len(starts) != 1 or not re.match(r'/usr/bin/frontdesk-server check --config \S+$', starts[0]):
        fail('%s: ExecStart must run frontdesk-server check --config FILE' % service)
    timer_values = unit_values(timer, '[Timer]')
    if not timer_values.get('OnCalendar') or timer_values.get('Persistent') != ['true']:
        fail('%s: [Timer] needs OnCalendar= and Persistent=true' % timer)
    if 'timers.target' not in unit_values(timer, '[Install]').get('WantedBy', []):
        fail('%s: [Install] needs WantedBy=timers.target' % timer)
    analyze_verify([service, timer])


# --- example server configuration ------------------------------------------

CONFIG_KEYS = {
    'server': ['listen', 'data-dir', 'certificate', 'private-key', 'key-file', 'audit-witness'],
    'policy': ['off-hours', 'lock-after', 'idle-timeout', 'max-age', 'reveal-window',
               'watermark', 'visitor-retention-days', 'sign-in-rate', 'second-factor'],
}


def check_config(path):
    cp = configparser.ConfigParser(interpolation=None, delimiters=('=',))
    cp.optionxform = str
    try:
        cp.read(path, encoding='utf-8')
    except configparser.Error as e:
        fail('%s: %s' % (path, e))
        return
    for section, keys in CONFIG_KEYS.items():
        if not cp.has_section(section):
            fail('%s: no [%s] group' % (path, section))
            continue
        have = list(cp[section].keys())
        if sorted(have) != sorted(keys):
            fail('%s: [%s] has %s, expected %s' % (path, section, have, keys))
    extra = set(cp.sections()) - set(CONFIG_KEYS)
    if extra:
        fail('%s: unknown groups %s' % (path, sorted(extra)))
    if errors:
        return
    pol = cp['policy']
    if not re.fullmatch(r'([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d', pol['off-hours']):
        fail('off-hours %r is not HH:MM-HH:MM' % pol['off-hours'])
    for key in ('lock-after', 'idle-timeout', 'max-age', 'reveal-window',
                'visitor-retention-days', 'sign-in-rate'):
        if not pol[key].isdigit() or int(pol[key]) <= 0:
            fail('%s %r is not a positive integer' % (key, pol[key]))
    if not re.fullmatch(r'off|required-for: *[a-z]+( *, *[a-z]+)*', pol['second-factor']):
        fail('second-factor %r is not off or required-for: ROLE,...' % pol['second-factor'])
    if pol['watermark'] not in ('true', 'false'):
        fail('watermark %r is not true or false' % pol['watermark'])
    if not errors and not 60 <= int(pol['lock-after']) <= 900:
        fail('lock-after must be 1-15 minutes')
    if not errors and int(pol['max-age']) > 43200:
        fail('max-age must be at most 12 hours')
    if not re.fullmatch(r'[0-9.]+:\d+|\[[0-9a-fA-F:]+\]:\d+', cp['server']['listen']):
        fail('listen %r is not ADDRESS:PORT' % cp['server']['listen'])
    elif int(cp['server']['listen'].rsplit(':', 1)[1]) < 1024:
        fail('listen port must be >= 1024: the unit grants no CAP_NET_BIND_SERVICE')


# --- icons ------------------------------------------------------------------

def check_icons(icondir, app_id):
    svg = '{http://www.w3.org/2000/svg}'
    for rel, size in (('hicolor/scalable/apps/%s.svg' % app_id, None),
                      ('hicolor/symbolic/apps/%s-symbolic.svg' % app_id, '16')):
        path = os.path.join(icondir, rel)
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            fail('%s: %s' % (path, e))
            continue
        if root.tag != svg + 'svg':
            fail('%s: not an SVG document' % path)
            continue
        if size and (root.get('width') != size or root.get('height') != size):
            fail('%s: a symbolic icon is drawn on a 16x16 canvas' % path)
        if size:
            colours = set()
            for el in root.iter():
                for attr in ('fill', 'stroke'):
                    v = el.get(attr)
                    if v and v not in ('none', 'currentColor'):
                        colours.add(v.lower())
            if len(colours) > 1:
                fail('%s: a symbolic icon uses one colour, found %s' % (path, sorted(colours)))
        for el in root.iter():
            for attr, v in el.attrib.items():
                if 'href' in attr and not v.startswith('#'):
                    fail('%s: refers to an external resource %s' % (path, v))


# --- metainfo screenshots ---------------------------------------------------

def check_screenshots(metainfo, srcdir):
    """Each screenshot URL points into this repository's main branch; the file
    must exist here, or software centres show a broken image."""
    root = ET.parse(metainfo).getroot()
    images = [i.text.strip() for i in root.iter('image') if i.text]
    if not images:
        fail('%s: no screenshots' % metainfo)
    for url in images:
        m = re.match(r'https://github\.com/frontdesk/frontdesk/raw/main/(.+\.png)$', url)
        if not m:
            fail('%s: screenshot %s is not a PNG in the repository' % (metainfo, url))
        elif not os.path.isfile(os.path.join(srcdir, m.group(1))):
            fail('%s: screenshot %s does not exist' % (metainfo, m.group(1)))


# --- translations -----------------------------------------------------------

# The keywords and flags of meson's i18n 'glib' preset (po/meson.build).
XGETTEXT_GLIB = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format', '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]


def _unquote(s):
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError('bad PO string: ' + s)
    return json.loads(s)


def parse_po(path):
    """Returns a list of dicts: ctxt, id, plural, strs (list), comments (#.),
    flags (set), obsolete (bool)."""
    entries = []
    cur = None
    field = None

    def finish():
        if cur is not None and cur.get('id') is not None:
            entries.append(cur)

    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.rstrip('\n')
            obsolete = line.startswith('#~')
            if obsolete:
                line = line[2:].lstrip()
            if not line.strip():
                continue
            if line.startswith('#'):
                if cur is not None and cur.get('id') is not None:
                    finish()
                    cur = None
                if cur is None:
                    cur = {'ctxt': None, 'id': None, 'plural': None, 'strs': {},
                           'comments': [], 'flags': set(), 'obsolete': False}
                if line.startswith('#.'):
                    cur['comments'].append(line[2:].strip())
                elif line.startswith('#,'):
                    cur['flags'].update(x.strip() for x in line[2:].split(','))
                continue
            m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if m:
                kw = m.group(1)
                if kw in ('msgctxt', 'msgid') and cur is not None and cur.get('id') is not None:
                    finish()
                    cur = None
                if cur is None:
                    cur = {'ctxt': None, 'id': None, 'plural': None, 'strs': {},
                           'comments': [], 'flags': set(), 'obsolete': False}
                cur['obsolete'] = cur['obsolete'] or obsolete
                value = _unquote(m.group(3))
                if kw == 'msgctxt':
                    cur['ctxt'] = value
                    field = ('ctxt',)
                elif kw == 'msgid':
                    cur['id'] = value
                    field = ('id',)
                elif kw == 'msgid_plural':
                    cur['plural'] = value
                    field = ('plural',)
                else:
                    n = int(m.group(2) or 0)
                    cur['strs'][n] = value
                    field = ('strs', n)
                continue
            if line.strip().startswith('"') and cur is not None and field:
                value = _unquote(line)
                if field[0] == 'strs':
                    cur['strs'][field[1]] += value
                else:
                    cur[field[0]] += value
                continue
            raise ValueError('%s: cannot parse line: %s' % (path, raw.rstrip()))
    finish()
    return entries


PRINTF = re.compile(r"%(?:\d+\$)?[-#0 +']*(?:\d+|\*)?(?:\.\d+)?(?:hh|h|ll|l|z|j|t|L)?"
                    r"[diouxXeEfgGcsp%]|%" r"\{?[A-Za-z_]+\}?")
# A masked value: digits/letters around a run of two or more mask characters.
MASK = re.compile(r'[\w\-]*(?:\*{2,}|\u2022{2,})[\w\-]*')


def placeholders(s):
    found = []
    for p in PRINTF.findall(s):
        if p == '%%':
            continue
        found.append(re.sub(r'^%\d+\$', '%', p))
    return sorted(found)


def check_translations(srcdir, lang):
    xgettext = need('xgettext')
    msgmerge = need('msgmerge')
    msgfmt = need('msgfmt')
    podir = os.path.join(srcdir, 'po')
    pofile = os.path.join(podir, lang + '.po')

    with open(os.path.join(podir, 'LINGUAS'), encoding='utf-8') as f:
        linguas = [w for line in f for w in line.split('#')[0].split()]
    if lang not in linguas:
        fail('po/LINGUAS does not list %s' % lang)

    with open(os.path.join(podir, 'POTFILES.in'), encoding='utf-8') as f:
        potfiles = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    if potfiles != sorted(potfiles):
        fail('po/POTFILES.in is not sorted')
    if len(set(potfiles)) != len(potfiles):
        fail('po/POTFILES.in lists a file twice')
    for p in potfiles:
        if not os.path.isfile(os.path.join(srcdir, p)):
            fail('po/POTFILES.in lists %s, which does not exist' % p)
    if errors:
        return

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'frontdesk.pot')
        r = run([xgettext, '--package-name=frontdesk', '-o', pot, '--directory=' + srcdir,
                 '--files-from=' + os.path.join(podir, 'POTFILES.in')] + XGETTEXT_GLIB)
        if r.returncode != 0:
            fail('xgettext failed: ' + r.stderr.strip())
            return
        merged = os.path.join(tmp, lang + '.po')
        r = run([msgmerge, '--quiet', '--no-fuzzy-matching', '-o', merged, pofile, pot])
        if r.returncode != 0:
            fail('msgmerge failed: ' + r.stderr.strip())
            return
        r = run([msgfmt, '--check', '--check-accelerators=_', '-o', os.devnull, pofile])
        if r.returncode != 0:
            fail('msgfmt --check %s: %s' % (pofile, r.stderr.strip()))
        template = {(e['ctxt'], e['id']): e for e in parse_po(pot) if e['id']}
        entries = [e for e in parse_po(merged) if not e['obsolete'] and e['id']]

    header = [e for e in parse_po(pofile) if e['id'] == '' and not e['obsolete']]
    if not header or 'Language: %s\n' % lang not in header[0]['strs'].get(0, ''):
        fail('%s: header lacks "Language: %s"' % (pofile, lang))

    untranslated = 0
    for e in entries:
        key = (e['ctxt'], e['id'])
        where = repr(e['id'] if e['ctxt'] is None else e['ctxt'] + '|' + e['id'])
        strs = [e['strs'][k] for k in sorted(e['strs'])]
        if 'fuzzy' in e['flags']:
            fail('fuzzy: ' + where)
        if not strs or any(s == '' for s in strs):
            untranslated += 1
            fail('untranslated: ' + where)
            continue
        for s in strs:
            if placeholders(s) != placeholders(e['id']):
                fail('placeholders differ in %s: %s' % (where, s))
            for mask in MASK.findall(e['id']):
                if mask not in s:
                    fail('mask %s changed in the translation of %s' % (mask, where))
    if not entries:
        print('note: no translatable strings yet', file=sys.stderr)
    print('%d strings, %d untranslated' % (len(entries), untranslated))


C_KEYWORD = re.compile(r'\b(?:_|N_|C_|NC_|gettext|ngettext|g_dngettext|g_dpgettext2)\s*\(')


def without_comments_and_strings(text):
    """C source with its comments removed and its string literals emptied, so
    that a '_(' inside an SQL or regex literal is not taken for gettext."""
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"',
                  lambda m: '""' if m.group(0).startswith('"') else '', text, flags=re.S)


def files_with_strings(srcdir):
    """The source files under src/ and data/ that hold translatable strings."""
    found = []
    for top in ('src', 'data'):
        for dirpath, dirnames, filenames in os.walk(os.path.join(srcdir, top)):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, srcdir)
                if name.endswith(('.desktop.in', '.metainfo.xml.in', '.gschema.xml')):
                    found.append(rel)
                    continue
                if not name.endswith(('.c', '.ui')):
                    continue
                with open(path, encoding='utf-8', errors='replace') as f:
                    text = f.read()
                if name.endswith('.ui'):
                    if 'translatable="yes"' in text:
                        found.append(rel)
                elif C_KEYWORD.search(without_comments_and_strings(text)):
                    found.append(rel)
    return found


def check_translator_comments(srcdir):
    """Every string holding a placeholder or a mask needs a comment saying what
    it stands for. xgettext keeps a comment only when it ends on the line just
    before the one holding the string."""
    xgettext = need('xgettext')
    podir = os.path.join(srcdir, 'po')
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'frontdesk.pot')
        r = run([xgettext, '--package-name=frontdesk', '-o', pot, '--directory=' + srcdir,
                 '--files-from=' + os.path.join(podir, 'POTFILES.in')] + XGETTEXT_GLIB)
        if r.returncode != 0:
            fail('xgettext failed: ' + r.stderr.strip())
            return
        for w in r.stderr.splitlines():
            if 'format string' in w:
                fail('xgettext: ' + w.strip())
        entries = parse_po(pot) if os.path.exists(pot) else []
    with open(os.path.join(podir, 'POTFILES.in'), encoding='utf-8') as f:
        listed = {l.strip() for l in f if l.strip() and not l.startswith('#')}
    for rel in files_with_strings(srcdir):
        if rel not in listed:
            fail('%s has translatable strings but is not in po/POTFILES.in' % rel)
    n = 0
    for e in entries:
        if not e['id']:
            continue
        if (placeholders(e['id']) or MASK.search(e['id'])) and not e['comments']:
            n += 1
            fail('no translator comment for %r (it holds a mask or placeholder); put '
                 '"/* Translators: ... */" on the lines just above the string' % e['id'])
    print('%d strings checked, %d without a needed comment' % (len(entries), n))


# --- Debian packaging -------------------------------------------------------

# pkg-config name in meson's dependency() -> the Debian package providing it.
# A new dependency() fails this check until it is mapped here and listed in
# debian/control's Build-Depends.
PC_TO_DEB = {
    'glib-2.0': 'libglib2.0-dev',
    'gio-2.0': 'libglib2.0-dev',
    'json-glib-1.0': 'libjson-glib-dev',
    'gnutls': 'libgnutls28-dev',
    'libsoup-3.0': 'libsoup-3.0-dev',
    'sqlite3': 'libsqlite3-dev',
    'libsodium': 'libsodium-dev',
    'icu-uc': 'libicu-dev',
    'icu-i18n': 'libicu-dev',
    'gtk4': 'libgtk-4-dev',
    'gtk4-x11': 'libgtk-4-dev',
    'x11': 'libx11-dev',
    'libadwaita-1': 'libadwaita-1-dev',
    'libsecret-1': 'libsecret-1-dev',
    'systemd': 'systemd',
    'libpq': 'libpq-dev',
    'libqrencode': 'libqrencode-dev',
}
DEB_PACKAGES = {'frontdesk-server', 'frontdesk'}


def parse_deb822(path):
    """debian/control as a list of paragraphs ({field: value}); raises
    ValueError on a line that is neither a field nor a continuation."""
    paras, cur, last = [], {}, None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('#'):
                continue
            if not line.strip():
                if cur:
                    paras.append(cur)
                cur, last = {}, None
                continue
            if line[0] in ' \t':
                if last is None:
                    raise ValueError('%s:%d: continuation line outside a field' % (path, n))
                cur[last] += '\n' + line.strip()
                continue
            m = re.match(r'^([A-Za-z0-9][A-Za-z0-9-]*):(.*)$', line)
            if not m:
                raise ValueError('%s:%d: not a field: %s' % (path, n, line))
            last = m.group(1)
            if last in cur:
                raise ValueError('%s:%d: field %s given twice' % (path, n, last))
            cur[last] = m.group(2).strip()
    if cur:
        paras.append(cur)
    return paras


def deb_relations(value):
    """'a (>= 1), b | c,' -> [['a'], ['b', 'c']] (names only)."""
    out = []
    for group in value.replace('\n', ' ').split(','):
        names = [re.sub(r'[\s(\[<].*$', '', alt.strip()) for alt in group.split('|')]
        names = [x for x in names if x]
        if names:
            out.append(names)
    return out


def meson_dependencies(srcdir):
    names = set()
    for dirpath, dirnames, filenames in os.walk(srcdir):
        dirnames[:] = [d for d in dirnames if not d.startswith(('.', 'build', 'obj-'))
                       and d not in ('debian', 'subprojects')]
        if 'meson.build' in filenames:
            with open(os.path.join(dirpath, 'meson.build'), encoding='utf-8') as f:
                names.update(re.findall(r"\bdependency\(\s*'([^']+)'", f.read()))
    return names


def is_server_file(rel):
    return any(w in rel for w in ('frontdesk-server', 'server.conf', '/systemd/', 'sysusers.d'))


def check_debian(srcdir, builddir):
    deb = os.path.join(srcdir, 'debian')
    try:
        paras = parse_deb822(os.path.join(deb, 'control'))
    except (OSError, ValueError) as e:
        fail('debian/control: %s' % e)
        return
    if not paras or 'Source' not in paras[0]:
        fail('debian/control: the first paragraph must be the Source paragraph')
        return
    source, binaries = paras[0], {p.get('Package'): p for p in paras[1:]}
    if set(binaries) != DEB_PACKAGES:
        fail('debian/control: binary packages are %s, expected %s'
             % (sorted(map(str, binaries)), sorted(DEB_PACKAGES)))
    for name, p in binaries.items():
        for field in ('Architecture', 'Depends', 'Description'):
            if field not in p:
                fail('debian/control: %s has no %s' % (name, field))
        if '${shlibs:Depends}' not in p.get('Depends', ''):
            fail('debian/control: %s must depend on ${shlibs:Depends}' % name)
        # libsoup's TLS comes from the GIO module in glib-networking.
        if 'glib-networking' not in p.get('Depends', ''):
            fail('debian/control: %s must depend on glib-networking (TLS)' % name)
    build_deps = deb_relations(source.get('Build-Depends', ''))
    if not re.search(r'debhelper-compat \(= 13\)', source.get('Build-Depends', '')):
        fail('debian/control: Build-Depends needs debhelper-compat (= 13)')
    provided = {n for group in build_deps for n in group}
    for pc in sorted(meson_dependencies(srcdir)):
        debname = PC_TO_DEB.get(pc)
        if debname is None:
            fail("meson dependency('%s') is not in PC_TO_DEB (tests/check-packaging.py): "
                 'map it and add its -dev package to debian/control' % pc)
        elif debname not in provided:
            fail("debian/control: Build-Depends lacks %s (for dependency('%s'))" % (debname, pc))

    # Version and format
    with open(os.path.join(srcdir, 'meson.build'), encoding='utf-8') as f:
        m = re.search(r"version:\s*'([^']+)'", f.read())
    with open(os.path.join(deb, 'changelog'), encoding='utf-8') as f:
        head = f.readline()
    cm = re.match(r'^(\S+) \(([^)]+)\) ', head)
    if not cm or cm.group(1) != source['Source']:
        fail('debian/changelog: first line does not name source %s' % source['Source'])
    elif m and cm.group(2) != m.group(1):
        fail('debian/changelog: version %s, meson.build says %s' % (cm.group(2), m.group(1)))
    with open(os.path.join(deb, 'source', 'format'), encoding='utf-8') as f:
        if f.read().strip() != '3.0 (native)':
            fail('debian/source/format must be 3.0 (native)')
    rules = os.path.join(deb, 'rules')
    if not os.access(rules, os.X_OK):
        fail('debian/rules is not executable')
    with open(rules, encoding='utf-8') as f:
        text = f.read()
    # The admin enables the service after writing the config and certificate.
    if not re.search(r'dh_installsystemd\b.*--no-enable.*--no-start', text):
        fail('debian/rules: dh_installsystemd must be given --no-enable --no-start')
    for unit in re.findall(r'(\S+\.service)\b', text):
        if not os.path.isfile(os.path.join(srcdir, 'data', unit)):
            fail('debian/rules names %s, which is not in data/' % unit)

    # Every file meson installs belongs to exactly one package, the right one.
    patterns = {}
    for pkg in DEB_PACKAGES:
        path = os.path.join(deb, pkg + '.install')
        if not os.path.isfile(path):
            fail('debian/%s.install is missing' % pkg)
            continue
        with open(path, encoding='utf-8') as f:
            patterns[pkg] = [l.split()[0].strip('/') for l in f
                             if l.strip() and not l.startswith('#')]
    info = os.path.join(builddir, 'meson-info')
    try:
        with open(os.path.join(info, 'intro-installed.json'), encoding='utf-8') as f:
            installed = sorted(set(json.load(f).values()))
        with open(os.path.join(info, 'intro-buildoptions.json'), encoding='utf-8') as f:
            options = {o['name']: o['value'] for o in json.load(f)}
    except (OSError, ValueError) as e:
        fail('cannot read the build directory %s: %s' % (builddir, e))
        return
    prefix = options['prefix'].rstrip('/')
    used = set()
    for dest in installed:
        if dest.startswith(prefix + '/'):
            rel = 'usr/' + os.path.relpath(dest, prefix)
        else:
            rel = dest.lstrip('/')
        owners = []
        for pkg, pats in patterns.items():
            for pat in pats:
                if fnmatch.fnmatchcase(rel, pat) or rel.startswith(pat + '/'):
                    owners.append(pkg)
                    used.add((pkg, pat))
        want = 'frontdesk-server' if is_server_file(rel) else 'frontdesk'
        if rel.startswith('usr/bin/'):
            page = 'debian/%s.1' % os.path.basename(rel)
            manpages = os.path.join(deb, want + '.manpages')
            listed = []
            if os.path.isfile(manpages):
                with open(manpages, encoding='utf-8') as f:
                    listed = f.read().split()
            if page not in listed or not os.path.isfile(os.path.join(srcdir, page)):
                fail('%s needs a manual page %s, listed in debian/%s.manpages'
                     % (rel, page, want))
        if owners != [want]:
            fail('%s (installed by meson) must be in debian/%s.install only; it is in %s'
                 % (rel, want, ', '.join('debian/%s.install' % o for o in owners) or 'none'))
    built = {'frontdesk-server': options.get('server', True),
             'frontdesk': options.get('client', True)}
    for pkg, pats in patterns.items():
        if not built[pkg]:
            continue
        for pat in pats:
            if (pkg, pat) not in used:
                fail('debian/%s.install lists %s, which meson does not install' % (pkg, pat))
    print('%d installed files checked against debian/*.install' % len(installed))


# --- build options ----------------------------------------------------------

def check_options(srcdir, build):
    meson = need('meson')
    for opt, present, absent in (('-Dserver=false', 'frontdesk', 'frontdesk-server'),
                                 ('-Dclient=false', 'frontdesk-server', 'frontdesk')):
        before = len(errors)
        with tempfile.TemporaryDirectory() as tmp:
            bdir = os.path.join(tmp, 'build')
            r = run([meson, 'setup', bdir, srcdir, opt], cwd=tmp)
            if r.returncode != 0:
                tail = '\n'.join((r.stdout + r.stderr).strip().splitlines()[-15:])
                fail('meson setup %s failed:\n%s' % (opt, tail))
                continue
            r = run([meson, 'introspect', '--targets', bdir])
            names = {t['name'] for t in json.loads(r.stdout)}
            if present not in names or absent in names:
                fail('meson setup %s: expected %s and not %s' % (opt, present, absent))
            if build:
                r = run([meson, 'compile', '-C', bdir])
                if r.returncode != 0:
                    tail = '\n'.join((r.stdout + r.stderr).strip().splitlines()[-25:])
                    fail('meson compile %s failed:\n%s' % (opt, tail))
        print('%s: %s' % (opt, 'ok' if len(errors) == before else 'failed'))


def main(argv):
    if len(argv) < 2:
        print(__doc__ or 'usage: check-packaging.py CHECK ARGS', file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == 'desktop' and len(args) == 1:
        check_desktop(args[0])
    elif cmd == 'flatpak' and len(args) == 1:
        check_flatpak(args[0])
    elif cmd == 'unit' and len(args) == 2:
        check_unit(args[0], args[1])
    elif cmd == 'backup-units' and len(args) == 2:
        check_backup_units(*args)
    elif cmd == 'check-units' and len(args) == 2:
        check_check_units(*args)
    elif cmd == 'config' and len(args) == 1:
        check_config(args[0])
    elif cmd == 'icons' and len(args) == 2:
        check_icons(args[0], args[1])
    elif cmd == 'screenshots' and len(args) == 2:
        check_screenshots(args[0], args[1])
    elif cmd == 'translations' and len(args) in (1, 2):
        check_translations(args[0], args[1] if len(args) == 2 else 'zh_CN')
    elif cmd == 'translatable-strings' and len(args) == 1:
        check_translator_comments(args[0])
    elif cmd == 'debian' and len(args) == 2:
        check_debian(args[0], args[1])
    elif cmd == 'options' and len(args) in (1, 2):
        check_options(args[0], '--build' in args[1:])
    elif cmd == 'missing' and len(args) == 1:
        need(args[0])
    else:
        print('check-packaging.py: unknown check or arguments: %s' % ' '.join(argv[1:]),
              file=sys.stderr)
        return 2
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
