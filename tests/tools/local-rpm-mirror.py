# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A signed dnf repository of stub packages, the RPM side of local-apt-mirror.py.

Stub RPMs with the vendors' names, epochs and versions, the dependencies the roles rely on and the
effects of the scriptlets the roles meet, each value sourced in the spec's template (empty otherwise, or
with a few files), signed with rpmsign; repodata from createrepo_c, modular metadata (module streams such
as NVIDIA's nvidia-driver:<branch>-open) added with modifyrepo_c, and repomd.xml signed (repomd.xml.asc)
for repo_gpgcheck. Keys and the HTTP server are local-apt-mirror.py's. Needs rpmbuild, rpmsign,
createrepo_c, modifyrepo_c (Debian: rpm, createrepo-c) and gpg.

    python3 tests/tools/local-rpm-mirror.py build --spec SPEC.json --out DIR --gnupghome DIR --key FINGERPRINT

SPEC.json:
    {"path": "rhel9/x86_64",                  # where under --out the repository goes
     "sign_packages": true, "sign_metadata": true,
     "packages": [{"name": "nvidia-driver-cuda", "epoch": 3, "version": "580.95.05", "release": "1.el9",
                   "arch": "x86_64", "requires": ["nvidia-persistenced = 3:580.95.05"], "provides": [],
                   "conflicts": [], "obsoletes": [],
                   "files": {"/usr/bin/x": "#!/bin/sh\\n"},        # under */bin/ or */sbin/: mode 0755
                   "post": "...", "preun": "...",                   # scriptlets (optional): pre, post, preun, postun,
                   "scriptlet_interpreter": "<lua>"}],              # posttrans; /bin/sh unless an interpreter is given
     "modules": [{"name": "nvidia-driver", "stream": "580-open", "version": 1, "profiles": {"default": [...]},
                  "packages": ["nvidia-driver-cuda@580.95.05"]}]}     # this spec's packages in the stream: name[@version]

A /bin/sh scriptlet makes rpmbuild add "Requires: /bin/sh" (bash provides it on a real node); "<lua>" runs in
rpm's own Lua and needs no package.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile

_APT = importlib.util.spec_from_file_location('local_apt_mirror', os.path.join(os.path.dirname(__file__), 'local-apt-mirror.py'))
apt_mirror = importlib.util.module_from_spec(_APT)
_APT.loader.exec_module(apt_mirror)

RELATIONS = ('requires', 'provides', 'conflicts', 'obsoletes')
SCRIPTLETS = ('pre', 'post', 'preun', 'postun', 'posttrans')


def nevra(package):
    epoch = package.get('epoch')
    return '%s-%s%s-%s.%s' % (package['name'], '%s:' % epoch if epoch is not None else '', package['version'],
                              package['release'], package.get('arch', 'x86_64'))


def build_rpm(package, topdir):
    """rpmbuild a stub package from a spec file written here; return the path of the binary RPM."""
    name, arch = package['name'], package.get('arch', 'x86_64')
    files = dict(package.get('files') or {})
    files.setdefault('/usr/share/doc/%s/README.linuxai-stub' % name,
                     'Stub of %s built by linuxai.node tests/tools/local-rpm-mirror.py.\n' % nevra(package))
    tree = tempfile.mkdtemp(prefix='stub-rpm.', dir=topdir)
    for path, content in files.items():
        target = os.path.join(tree, path.lstrip('/'))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, 'w') as handle:
            handle.write(content)
    lines = ['Name: %s' % name, 'Version: %s' % package['version'], 'Release: %s' % package['release'],
             'Summary: %s' % package.get('summary', 'stub of %s for repository tests' % name),
             'License: stub', 'BuildArch: %s' % arch]
    if package.get('epoch') is not None:
        lines.append('Epoch: %s' % package['epoch'])
    for relation in RELATIONS:
        lines += ['%s: %s' % (relation.capitalize(), item) for item in package.get(relation) or []]
    lines += ['%description', package.get('description', 'Stub of %s for repository tests.' % name), '',
              '%install', 'mkdir -p %{buildroot}', 'cp -a %s/. %%{buildroot}/' % tree, '']
    interpreter = package.get('scriptlet_interpreter')
    for scriptlet in SCRIPTLETS:
        if package.get(scriptlet):
            # The body is the script's text: no rpm macros in it.
            lines += ['%%%s%s' % (scriptlet, ' -p %s' % interpreter if interpreter else ''),
                      package[scriptlet].replace('%', '%%').rstrip('\n'), '']
    lines.append('%files')
    for path in sorted(files):
        mode = '0755' if '/bin/' in path or '/sbin/' in path else '0644'
        lines.append('%%attr(%s,root,root) "%s"' % (mode, path))
    spec = os.path.join(topdir, '%s.spec' % name)
    with open(spec, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    subprocess.run(['rpmbuild', '-bb', '--quiet', '--define', '_topdir %s' % topdir,
                    '--define', 'debug_package %{nil}', '--define', '__os_install_post %{nil}',
                    '--define', '_build_id_links none', '--define', '_binary_payload w9.gzdio',
                    '--define', '_buildhost linuxai.test', '--target', arch, spec],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(tree)
    epochless = dict(package, epoch=None)
    return os.path.join(topdir, 'RPMS', arch, nevra(epochless) + '.rpm')


def modules_yaml(spec):
    """modulemd v2 documents, one per stream, in the shape dnf reads (written as JSON, which is YAML)."""
    def package(ref):
        name, version = (ref.split('@', 1) + [''])[:2]
        found = [p for p in spec['packages'] if p['name'] == name and version in ('', p['version'])]
        if len(found) != 1:
            raise SystemExit('module package %s matches %d packages of the spec' % (ref, len(found)))
        return dict(found[0], epoch=found[0].get('epoch', 0))

    documents = []
    for module in spec.get('modules', []):
        data = {'name': module['name'], 'stream': module['stream'], 'version': module.get('version', 1),
                'context': module.get('context', '00000000'), 'arch': module.get('arch', 'x86_64'),
                'summary': 'stub module %s' % module['name'], 'description': 'Stub module stream for tests.',
                'license': {'module': ['stub']},
                'profiles': {profile: {'rpms': rpms} for profile, rpms in module.get('profiles', {}).items()},
                'artifacts': {'rpms': [nevra(package(ref)) for ref in module['packages']]}}
        documents.append('---\n' + json.dumps({'document': 'modulemd', 'version': 2, 'data': data}) + '\n...\n')
    return ''.join(documents)


def cmd_build(args):
    with open(args.spec) as handle:
        spec = json.load(handle)
    repo = os.path.join(args.out, spec.get('path', '').strip('/'))
    if os.path.isdir(repo):
        shutil.rmtree(repo)
    os.makedirs(repo)
    topdir = tempfile.mkdtemp(prefix='rpmbuild.')
    try:
        rpms = [build_rpm(package, topdir) for package in spec['packages']]
        if spec.get('sign_packages', True):
            # Debian's rpm calls gpg2, which Debian no longer ships under that name.
            subprocess.run(['rpmsign', '--addsign', '--define', '__gpg %s' % shutil.which('gpg'),
                            '--define', '_gpg_name %s' % args.key,
                            '--define', '_gpg_path %s' % os.path.abspath(args.gnupghome)] + rpms,
                           check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        for rpm in rpms:
            shutil.copy(rpm, repo)
    finally:
        shutil.rmtree(topdir)
    subprocess.run(['createrepo_c', '--quiet', '--general-compress-type=gz', '--no-database', repo], check=True)
    if spec.get('modules'):
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, 'modules.yaml')
            with open(path, 'w') as handle:
                handle.write(modules_yaml(spec))
            subprocess.run(['modifyrepo_c', '--mdtype=modules', '--compress-type=gz', path,
                            os.path.join(repo, 'repodata')], check=True, stdout=subprocess.DEVNULL)
    if spec.get('sign_metadata', True):
        repomd = os.path.join(repo, 'repodata', 'repomd.xml')
        apt_mirror.gpg(args.gnupghome, '--local-user', args.key, '--digest-algo', 'SHA256', '--armor',
                       '--detach-sign', '--output', repomd + '.asc', repomd)
    print(repo)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    build = sub.add_parser('build', help='build the stub RPMs and the signed repository')
    build.add_argument('--spec', required=True)
    build.add_argument('--out', required=True)
    build.add_argument('--gnupghome', required=True)
    build.add_argument('--key', required=True, help='fingerprint of the signing key')
    args = parser.parse_args()
    cmd_build(args)


if __name__ == '__main__':
    main()
