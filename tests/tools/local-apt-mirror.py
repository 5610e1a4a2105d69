# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A signed apt repository of stub packages, for testing the roles' repository handling offline.

No vendor repository is reachable from the test bed, so tests build one that looks like it: packages
with the vendors' names and versions, the dependencies the roles rely on and the effects of the
maintainer scripts the roles meet (the `cuda` alternative of NVIDIA's toolkits), each value sourced in
the spec's template; empty otherwise, or with a few files such as systemd units and test doubles. An
apt archive (flat like NVIDIA's, or dists/ like Debian's) signed by a GPG key generated for the test,
served on 127.0.0.1. Needs python3, dpkg-deb and gpg.

    python3 tests/tools/local-apt-mirror.py key   --gnupghome DIR --name NAME        # prints the fingerprint, writes DIR/NAME.asc
    python3 tests/tools/local-apt-mirror.py build --spec SPEC.json --out DIR --gnupghome DIR --key FINGERPRINT
    python3 tests/tools/local-apt-mirror.py serve --dir DIR --port-file FILE [--port 0] [--idle-timeout 900]
    python3 tests/tools/local-apt-mirror.py stop  --port-file FILE

SPEC.json:
    {"suite": "/",                    # "/" = flat repository; else a suite such as "bookworm"
     "components": ["main"],          # dists/ layout only
     "architecture": "amd64",
     "path": "debian12/x86_64",       # where under --out the repository goes (optional)
     "origin": "linuxai test mirror",
     "packages": [{"name": "nvidia-driver-cuda", "version": "580.95.05-1", "architecture": "amd64",
                   "depends": "nvidia-persistenced (= 580.95.05-1)", "conflicts": "", "replaces": "",
                   "provides": "", "component": "main",
                   "files": {"/usr/lib/systemd/system/x.service": "[Service]\\nExecStart=/bin/true\\n"},
                   "postinst": "update-alternatives --install /usr/local/cuda cuda /usr/local/cuda-12.4 124\\n",
                   "prerm": "..."}]}
                                      # files under */bin/ or */sbin/: mode 0755
                                      # preinst, postinst, prerm, postrm (optional): maintainer scripts, mode 0755;
                                      # "#!/bin/sh\\nset -e\\n" is put before a script without "#!"
"""

import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import os
import shutil
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time

FIELDS = (('depends', 'Depends'), ('pre_depends', 'Pre-Depends'), ('conflicts', 'Conflicts'),
          ('breaks', 'Breaks'), ('replaces', 'Replaces'), ('provides', 'Provides'))
SCRIPTS = ('preinst', 'postinst', 'prerm', 'postrm')


def gpg(home, *args, **kwargs):
    return subprocess.run(['gpg', '--homedir', home, '--batch', '--quiet', '--yes'] + list(args),
                          check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs).stdout


def fingerprint(home, name):
    out = gpg(home, '--with-colons', '--list-keys', name).decode()
    lines = out.splitlines()
    for index, line in enumerate(lines):
        if line.startswith('pub:'):
            return next(item.split(':')[9] for item in lines[index + 1:] if item.startswith('fpr:'))
    raise SystemExit('no key %s in %s' % (name, home))


def cmd_key(args):
    os.makedirs(args.gnupghome, mode=0o700, exist_ok=True)
    os.chmod(args.gnupghome, 0o700)
    uid = '%s <%s@linuxai.test>' % (args.name, args.name)
    try:
        fpr = fingerprint(args.gnupghome, uid)
    except (subprocess.CalledProcessError, SystemExit):
        gpg(args.gnupghome, '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never')
        fpr = fingerprint(args.gnupghome, uid)
    with open(os.path.join(args.gnupghome, args.name + '.asc'), 'wb') as handle:
        handle.write(gpg(args.gnupghome, '--armor', '--export', fpr))
    print(fpr)


def build_deb(package, arch, pool):
    """dpkg-deb --build a stub package; return its path."""
    name, version = package['name'], package['version']
    root = tempfile.mkdtemp(prefix='stub-deb.')
    try:
        os.makedirs(os.path.join(root, 'DEBIAN'))
        files = dict(package.get('files') or {})
        files.setdefault('/usr/share/doc/%s/README.linuxai-stub' % name,
                         'Stub of %s %s built by linuxai.node tests/tools/local-apt-mirror.py.\n' % (name, version))
        for path, content in files.items():
            target = os.path.join(root, path.lstrip('/'))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'w') as handle:
                handle.write(content)
            os.chmod(target, 0o755 if '/bin/' in path or '/sbin/' in path else 0o644)
        control = ['Package: %s' % name, 'Version: %s' % version, 'Architecture: %s' % package.get('architecture', arch),
                   'Maintainer: linuxai.node tests <tests@linuxai.test>', 'Section: misc', 'Priority: optional']
        control += ['%s: %s' % (field, package[key]) for key, field in FIELDS if package.get(key)]
        control.append('Description: %s' % package.get('description', 'stub of %s for repository tests' % name))
        with open(os.path.join(root, 'DEBIAN', 'control'), 'w') as handle:
            handle.write('\n'.join(control) + '\n')
        for script in SCRIPTS:
            if package.get(script):
                body = package[script]
                target = os.path.join(root, 'DEBIAN', script)
                with open(target, 'w') as handle:
                    handle.write(body if body.startswith('#!') else '#!/bin/sh\nset -e\n' + body)
                os.chmod(target, 0o755)
        deb = os.path.join(pool, '%s_%s_%s.deb' % (name, version.split(':')[-1], package.get('architecture', arch)))
        subprocess.run(['dpkg-deb', '--root-owner-group', '-Zgzip', '--build', root, deb],
                       check=True, stdout=subprocess.DEVNULL)
        return deb
    finally:
        shutil.rmtree(root)


def stanza(deb, filename):
    control = subprocess.run(['dpkg-deb', '--field', deb], check=True, stdout=subprocess.PIPE).stdout.decode()
    data = open(deb, 'rb').read()
    extra = ['Filename: %s' % filename, 'Size: %d' % len(data),
             'MD5sum: %s' % hashlib.md5(data).hexdigest(), 'SHA256: %s' % hashlib.sha256(data).hexdigest()]
    return control.rstrip('\n') + '\n' + '\n'.join(extra) + '\n'


def write_index(directory, stanzas):
    text = '\n'.join(stanzas).encode()
    with open(os.path.join(directory, 'Packages'), 'wb') as handle:
        handle.write(text)
    with gzip.GzipFile(os.path.join(directory, 'Packages.gz'), 'wb', mtime=0) as handle:
        handle.write(text)


def write_release(directory, spec, indexes, home, key):
    lines = ['Origin: %s' % spec.get('origin', 'linuxai test mirror'), 'Label: %s' % spec.get('origin', 'linuxai test mirror'),
             'Date: %s' % email.utils.formatdate(usegmt=True), 'Architectures: %s' % spec.get('architecture', 'amd64')]
    if spec.get('suite', '/') != '/':
        lines += ['Suite: %s' % spec['suite'], 'Codename: %s' % spec['suite'],
                  'Components: %s' % ' '.join(spec.get('components', ['main']))]
    for title, algo in (('MD5Sum', hashlib.md5), ('SHA256', hashlib.sha256)):
        lines.append('%s:' % title)
        for rel in indexes:
            data = open(os.path.join(directory, rel), 'rb').read()
            lines.append(' %s %d %s' % (algo(data).hexdigest(), len(data), rel))
    release = os.path.join(directory, 'Release')
    with open(release, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    gpg(home, '--local-user', key, '--digest-algo', 'SHA256', '--clearsign', '--output', os.path.join(directory, 'InRelease'), release)
    gpg(home, '--local-user', key, '--digest-algo', 'SHA256', '--armor', '--detach-sign', '--output', release + '.gpg', release)


def cmd_build(args):
    with open(args.spec) as handle:
        spec = json.load(handle)
    repo = os.path.join(args.out, spec.get('path', '').strip('/'))
    if os.path.isdir(repo):
        shutil.rmtree(repo)
    arch, suite = spec.get('architecture', 'amd64'), spec.get('suite', '/')
    if suite == '/':
        os.makedirs(repo)
        debs = [build_deb(p, arch, repo) for p in spec['packages']]
        stanzas = [stanza(deb, './' + os.path.basename(deb)) for deb in debs]
        write_index(repo, stanzas)
        write_release(repo, spec, ['Packages', 'Packages.gz'], args.gnupghome, args.key)
    else:
        indexes = []
        for component in spec.get('components', ['main']):
            pool = os.path.join(repo, 'pool', component)
            os.makedirs(pool, exist_ok=True)
            debs = [build_deb(p, arch, pool) for p in spec['packages'] if p.get('component', 'main') == component]
            stanzas = [stanza(deb, os.path.relpath(deb, repo)) for deb in debs]
            rel = os.path.join(component, 'binary-%s' % arch)
            os.makedirs(os.path.join(repo, 'dists', suite, rel))
            write_index(os.path.join(repo, 'dists', suite, rel), stanzas)
            indexes += [os.path.join(rel, 'Packages'), os.path.join(rel, 'Packages.gz')]
        write_release(os.path.join(repo, 'dists', suite), spec, indexes, args.gnupghome, args.key)
    print(repo)


def cmd_serve(args):
    last = [time.time()]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=args.dir, **kw)

        def log_message(self, fmt, *a):
            last[0] = time.time()
            sys.stderr.write('%s %s\n' % (self.address_string(), fmt % a))

    socketserver.TCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer((args.bind, args.port), Handler)
    with open(args.port_file + '.tmp', 'w') as handle:
        handle.write('%d %d\n' % (server.server_address[1], os.getpid()))
    os.rename(args.port_file + '.tmp', args.port_file)

    def watchdog():
        while time.time() - last[0] < args.idle_timeout:
            time.sleep(5)
        server.shutdown()
    threading.Thread(target=watchdog, daemon=True).start()
    try:
        server.serve_forever()
    finally:
        # The port file may belong to a newer server by now: only remove our own.
        try:
            if int(open(args.port_file).read().split()[1]) == os.getpid():
                os.unlink(args.port_file)
        except (OSError, ValueError, IndexError):
            pass


def cmd_stop(args):
    try:
        port, pid = open(args.port_file).read().split()
    except (OSError, ValueError):
        return
    try:
        os.kill(int(pid), signal.SIGTERM)
    except ProcessLookupError:
        pass
    if os.path.exists(args.port_file):
        os.unlink(args.port_file)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    key = sub.add_parser('key', help='create (or reuse) a signing key; print its fingerprint')
    key.add_argument('--gnupghome', required=True)
    key.add_argument('--name', required=True)
    build = sub.add_parser('build', help='build the stub packages and the signed repository')
    build.add_argument('--spec', required=True)
    build.add_argument('--out', required=True)
    build.add_argument('--gnupghome', required=True)
    build.add_argument('--key', required=True, help='fingerprint of the signing key')
    serve = sub.add_parser('serve', help='serve a directory over HTTP until idle')
    serve.add_argument('--dir', required=True)
    serve.add_argument('--port-file', required=True, help='gets "PORT PID" once listening')
    serve.add_argument('--port', type=int, default=0)
    serve.add_argument('--bind', default='127.0.0.1')
    serve.add_argument('--idle-timeout', type=int, default=900)
    stop = sub.add_parser('stop', help='stop the server of a port file')
    stop.add_argument('--port-file', required=True)
    args = parser.parse_args()
    {'key': cmd_key, 'build': cmd_build, 'serve': cmd_serve, 'stop': cmd_stop}[args.command](args)


if __name__ == '__main__':
    main()
