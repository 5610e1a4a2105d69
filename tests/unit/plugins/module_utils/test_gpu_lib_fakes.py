# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxai.node contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The unit tests' fakes of pynvml and amdsmi against the real packages, and the adapters' names against them.

pynvml is the installed nvidia-ml-py, read with inspect. amdsmi is the PyPI package amdsmi (AMD's Python
bindings of libamd_smi, without the library): importing it loads libamd_smi.so, so it is read with ast from
its installed files and never imported. requirements-test.txt pins both; a test skips, naming the package,
only where that package is not installed.

What fails here: a function of the fakes that the package lacks or that takes other positional parameters;
a constant, enum member or error message of the fakes with another value than the package's; a name the
adapter code (_nvml_adapter.py, _nvml.py, _nvidia_gpu.py, _amdsmi.py) uses that the package lacks, or a call
with a number of arguments its function does not take. So a function renamed on either side breaks the build.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import math
import os
import re
import types

import pytest

from ansible_collections.linuxai.node.plugins.module_utils import _amdsmi, _nvidia_gpu, _nvml, _nvml_adapter
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils import test_nvml_adapter
from ansible_collections.linuxai.node.tests.unit.plugins.module_utils.topology import fake_gpu_libs as fakes
from ansible_collections.linuxai.node.tests.unit.plugins.modules import test_nvidia_gpu

NVML_FUNCTION = r'nvml[A-Z]\w*'
NVML_CONSTANT = r'NVML_[A-Z0-9_]*[A-Z0-9]'
AMDSMI_NAME = r'amdsmi_[a-z0-9_]+|AmdSmi\w+|AMDSMI_[A-Z0-9_]*[A-Z0-9]'
NVML_ADAPTERS = (_nvml_adapter, _nvml, _nvidia_gpu)
# The adapters' own wrappers around a library call (pynvml.<name>(*args)): method -> position of <name>.
WRAPPERS = {'call': 0, 'query': 2, 'set': 2}
# getattr(pynvml, NAME, fallback) where the fallback is the value of nvidia-ml-py releases older than the pin.
OLDER_NVML_VALUES = {'NVML_NVLINK_MAX_LINKS': (18, 'nvidia-ml-py up to 12.570 has 18; 13.x has 36')}


# -- reading source with ast -----------------------------------------------------------------------------


def _parse(path):
    with open(path, encoding='utf-8') as handle:
        return ast.parse(handle.read(), path)


def _string(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _getattr_args(node, functions=('getattr',)):
    """(object, name, fallback) of getattr(object, 'name'[, fallback]); None for any other node."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions \
            and len(node.args) >= 2 and _string(node.args[1]) is not None:
        return node.args[0], _string(node.args[1]), node.args[2] if len(node.args) > 2 else None
    return None


def _aliases(function):
    """Local names that stand for name strings: x = getattr(obj, 'name', ...) and `for a, b in (('s', 't'), ...)`."""
    aliases = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found = _getattr_args(node.value)
            if found:
                aliases.setdefault(node.targets[0].id, set()).add(found[1])
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Tuple) and isinstance(node.iter, (ast.Tuple, ast.List)):
            for row in node.iter.elts:
                if isinstance(row, ast.Tuple) and len(row.elts) == len(node.target.elts):
                    for target, value in zip(node.target.elts, row.elts):
                        if isinstance(target, ast.Name) and _string(value) is not None:
                            aliases.setdefault(target.id, set()).add(_string(value))
    return aliases


def _functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def adapter_calls(module, pattern):
    """(name, positional argument count, line) of each library call of the adapter: m.<name>(...),
    nv.call/query/set(..., '<name>', ...), and a local bound by getattr(m, '<name>') called."""
    found = set()
    for function in _functions(_parse(module.__file__)):
        aliases = _aliases(function)
        for call in (node for node in ast.walk(function) if isinstance(node, ast.Call)):
            if any(isinstance(arg, ast.Starred) for arg in call.args):
                continue
            func, hits = call.func, []
            if isinstance(func, ast.Attribute) and re.fullmatch(pattern, func.attr):
                hits = [(func.attr, len(call.args))]
            elif isinstance(func, ast.Attribute) and func.attr in WRAPPERS and len(call.args) > WRAPPERS[func.attr]:
                at = WRAPPERS[func.attr]
                given = call.args[at]
                names = {_string(given)} if _string(given) else aliases.get(getattr(given, 'id', None), set())
                hits = [(name, len(call.args) - at - 1) for name in names]
            elif isinstance(func, ast.Name):
                hits = [(name, len(call.args)) for name in aliases.get(func.id, ())]
            found.update((name, count, call.lineno) for name, count in hits if re.fullmatch(pattern, name))
    return sorted(found)


def adapter_names(module, pattern):
    """{name: first line} of the attribute names and string constants of the adapter that match ``pattern``."""
    names = {}
    for node in ast.walk(_parse(module.__file__)):
        name = node.attr if isinstance(node, ast.Attribute) else _string(node)
        if name and re.fullmatch(pattern, name):
            names[name] = min(names.get(name, node.lineno), node.lineno)
    return names


def adapter_getattr_fallbacks(module, pattern):
    """(name, fallback, line) of getattr(x, '<name>', <int>) in the adapter."""
    found = []
    for node in ast.walk(_parse(module.__file__)):
        args = _getattr_args(node)
        if args and re.fullmatch(pattern, args[1]) and isinstance(args[2], ast.Constant) and isinstance(args[2].value, int):
            found.append((args[1], args[2].value, node.lineno))
    return found


def adapter_members(module):
    """(container, member, line) the adapter reads: getattr(getattr(m, 'A'), 'B'), getattr(x, 'B') where
    x = getattr(m, 'A'), and ('A', 'B') tuples naming an amdsmi enum and its member."""
    found = set()
    for function in _functions(_parse(module.__file__)):
        aliases = _aliases(function)
        for node in ast.walk(function):
            args = _getattr_args(node, ('getattr', 'hasattr'))
            if args:
                inner = _getattr_args(args[0])
                containers = {inner[1]} if inner else aliases.get(getattr(args[0], 'id', None), set())
                found.update((container, args[1], node.lineno) for container in containers if re.fullmatch(AMDSMI_NAME, container))
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and all(_string(e) for e in node.elts) \
                    and re.fullmatch(r'AmdSmi\w+', _string(node.elts[0])):
                found.add((_string(node.elts[0]), _string(node.elts[1]), node.lineno))
    return sorted(found)


def exception_attributes(module):
    """{name: line} of what the adapter reads on a caught exception (``exc.name``, getattr/hasattr(exc, 'name'))."""
    names = {}
    for node in ast.walk(_parse(module.__file__)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == 'exc':
            names.setdefault(node.attr, node.lineno)
        args = _getattr_args(node, ('getattr', 'hasattr'))
        if args and isinstance(args[0], ast.Name) and args[0].id == 'exc':
            names.setdefault(args[1], node.lineno)
    return names


# -- parameters -------------------------------------------------------------------------------------------


def parameters_of(function):
    """([(name, has a default)] of the positional parameters, whether *args takes more) of a callable."""
    params = inspect.signature(function).parameters.values()
    positional = [(p.name, p.default is not p.empty) for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return positional, any(p.kind == p.VAR_POSITIONAL for p in params)


def parameters_of_def(node):
    """parameters_of for an ast function definition."""
    args = node.args
    positional = args.posonlyargs + args.args
    first_default = len(positional) - len(args.defaults)
    return [(a.arg, i >= first_default) for i, a in enumerate(positional)], args.vararg is not None


def arity(parameters):
    positional, varargs = parameters
    return sum(1 for _name, default in positional if not default), math.inf if varargs else len(positional)


def parameter_problem(fake, real, strict):
    """Why a call the fake accepts may fail on the real function (None when none may); ``strict``: the fake
    must also name its parameters as the real function does, a prefix of them where the rest have defaults."""
    (fake_low, fake_high), (real_low, real_high) = arity(fake), arity(real)
    if fake_low < real_low or fake_high > real_high:
        return 'the fake takes %s-%s positional arguments, the real function %s-%s' % (fake_low, fake_high, real_low, real_high)
    if strict and real[0][:len(fake[0])] != fake[0]:
        return 'the fake\'s parameters are %s, the real function\'s %s' % (fake[0], real[0])
    return None


# -- pynvml -----------------------------------------------------------------------------------------------


@pytest.fixture(scope='module')
def pynvml():
    return pytest.importorskip('pynvml', reason='nvidia-ml-py is not installed (requirements-test.txt pins it)')


def _pynvml_fakes():
    """(fake module, strict), by name: the shared fake names its parameters as pynvml does; the ad hoc ones of
    single test files take the arguments pynvml takes, under any names."""
    return [
        pytest.param(fakes.fake_pynvml([]), True, id='fake_gpu_libs.fake_pynvml'),
        pytest.param(test_nvml_adapter.one_gpu_pynvml('00000000:1A:00.0'), False, id='test_nvml_adapter.one_gpu_pynvml'),
        pytest.param(test_nvml_adapter.nvlink_pynvml({}), False, id='test_nvml_adapter.nvlink_pynvml'),
        pytest.param(test_nvidia_gpu.make_pynvml(), False, id='test_nvidia_gpu.make_pynvml'),
    ]


def _members(module, pattern):
    return sorted(name for name in vars(module) if re.fullmatch(pattern, name))


@pytest.mark.parametrize('fake, strict', _pynvml_fakes())
def test_every_function_of_a_pynvml_fake_is_pynvmls_with_its_parameters(pynvml, fake, strict):
    problems = []
    for name in _members(fake, NVML_FUNCTION):
        real = getattr(pynvml, name, None)
        if not callable(real):
            problems.append('%s: pynvml has no such function' % name)
            continue
        problem = parameter_problem(parameters_of(getattr(fake, name)), parameters_of(real), strict)
        if problem:
            problems.append('%s%s: %s' % (name, inspect.signature(real), problem))
    assert problems == []


@pytest.mark.parametrize('fake', [pytest.param(param.values[0], id=param.id) for param in _pynvml_fakes()])
def test_every_constant_of_a_pynvml_fake_has_pynvmls_value(pynvml, fake):
    names = _members(fake, NVML_CONSTANT)
    assert dict((n, getattr(fake, n)) for n in names) == dict((n, getattr(pynvml, n, 'missing')) for n in names)
    # NVMLError(value) carrying .value, as pynvml's NVMLError.__new__(typ, value).
    assert [n for n, _d in parameters_of(pynvml.NVMLError.__new__)[0]][1:] == ['value']
    assert parameter_problem(parameters_of(fake.NVMLError), ([('value', False)], False), strict=False) is None
    assert fake.NVMLError(3).value == pynvml.NVMLError(3).value == 3


def test_the_shared_fakes_nvml_messages_are_pynvmls(pynvml):
    """NVMLError's str: pynvml's table for known codes (no libnvidia-ml needed), else its fallback."""
    known = dict((code, pynvml.NVMLError._errcode_to_string[code]) for code in fakes._MESSAGES)
    assert dict((code, str(fakes.NVMLError(code))) for code in fakes._MESSAGES) == known
    assert 'return "NVML Error with code %d" % self.value' in inspect.getsource(pynvml.NVMLError.__str__)
    assert str(fakes.NVMLError(12345)) == 'NVML Error with code 12345'
    for code in (fakes.NOT_SUPPORTED, fakes.NOT_FOUND, fakes.INVALID_ARGUMENT, fakes.LIBRARY_NOT_FOUND, fakes.GPU_IS_LOST,
                 fakes.LIB_RM_VERSION_MISMATCH, fakes.DRIVER_NOT_LOADED, fakes.UNKNOWN):
        assert code in pynvml.NVMLError._errcode_to_string, code


def _real_struct(pynvml, name):
    """The ctypes structure the real pynvml.<name> returns (the first it makes, following one delegation)."""
    source = inspect.getsource(getattr(pynvml, name))
    delegate = re.search(r'return (nvml\w+)\(', source)
    if delegate:
        source += inspect.getsource(getattr(pynvml, delegate.group(1)))
    return getattr(pynvml, re.findall(r'\b((?:c_)?nvml\w*_t)\(\)', source)[0])


def _struct_answers():
    """(fake pynvml function, its answer) for the fakes' answers that stand for pynvml's ctypes structures."""
    gpu = fakes.FakeGpu('00000000:1A:00.0', links=[('00000000:1B:00.0', 0)])
    shared = fakes.fake_pynvml([gpu])
    shared.nvmlInit()
    ad_hoc = test_nvidia_gpu.make_pynvml()
    return [
        ('nvmlDeviceGetPciInfo', shared.nvmlDeviceGetPciInfo(gpu)),
        ('nvmlDeviceGetMemoryInfo', shared.nvmlDeviceGetMemoryInfo(gpu)),
        ('nvmlDeviceGetNvLinkRemotePciInfo', shared.nvmlDeviceGetNvLinkRemotePciInfo(gpu, 0)),
        ('nvmlDeviceGetPciInfo', test_nvml_adapter.one_gpu_pynvml('00000000:1A:00.0').nvmlDeviceGetPciInfo('handle0')),
        ('nvmlDeviceGetNvLinkRemotePciInfo',
         test_nvml_adapter.nvlink_pynvml({'00000000:1A:00.0': [('00000000:1B:00.0', 0)]}).nvmlDeviceGetNvLinkRemotePciInfo('00000000:1A:00.0', 0)),
        ('nvmlDeviceGetPciInfo', ad_hoc.nvmlDeviceGetPciInfo(ad_hoc.gpus[0])),
    ]


def test_the_fakes_structures_have_the_fields_of_pynvmls(pynvml):
    for name, answer in _struct_answers():
        fields = [field[0] for field in _real_struct(pynvml, name)._fields_]
        assert sorted(set(vars(answer)) - set(fields)) == [], name


def test_every_nvml_call_of_the_adapters_is_to_a_pynvml_function_taking_those_arguments(pynvml):
    problems, calls = [], 0
    for module in NVML_ADAPTERS:
        for name, count, line in adapter_calls(module, NVML_FUNCTION):
            calls += 1
            where = '%s:%d %s' % (os.path.basename(module.__file__), line, name)
            real = getattr(pynvml, name, None)
            if not callable(real):
                problems.append('%s: pynvml has no such function' % where)
                continue
            low, high = arity(parameters_of(real))
            if not low <= count <= high:
                problems.append('%s: called with %d arguments, pynvml takes %s' % (where, count, inspect.signature(real)))
    assert problems == []
    assert calls > 40, 'the ast walk finds the adapters\' calls'


def test_every_nvml_name_of_the_adapters_is_pynvmls(pynvml):
    missing = []
    for module in NVML_ADAPTERS:
        names = adapter_names(module, NVML_FUNCTION + '|' + NVML_CONSTANT)
        missing.extend('%s:%d %s' % (os.path.basename(module.__file__), line, name)
                       for name, line in sorted(names.items()) if not hasattr(pynvml, name))
    assert missing == []


def test_the_adapters_error_codes_and_fallbacks_are_pynvmls(pynvml):
    # Codes asked by name (nv.is_code(exc, 'NOT_SUPPORTED'), nv.code('IN_USE')) and the C ABI table behind them.
    asked = set()
    for module in NVML_ADAPTERS:
        for node in ast.walk(_parse(module.__file__)):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ('is_code', 'code'):
                asked.update(_string(arg) for arg in node.args if _string(arg))
    assert asked and asked <= set(_nvml_adapter.CODES)
    assert _nvml_adapter.CODES == dict((name, getattr(pynvml, 'NVML_ERROR_' + name, 'missing')) for name in _nvml_adapter.CODES)
    assert issubclass(pynvml.NVMLError_NotSupported, pynvml.NVMLError)
    read = set(name for module in NVML_ADAPTERS for name in exception_attributes(module))
    assert read and sorted(name for name in read if not hasattr(pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED), name)) == []
    # getattr(pynvml, NAME, fallback): the fallback is pynvml's value (or an older release's, named).
    wrong = []
    for module in NVML_ADAPTERS:
        for name, fallback, line in adapter_getattr_fallbacks(module, NVML_CONSTANT):
            older = OLDER_NVML_VALUES.get(name, (None,))[0]
            if fallback not in (getattr(pynvml, name), older):
                wrong.append('%s:%d %s fallback %d, pynvml %d' % (os.path.basename(module.__file__), line, name, fallback, getattr(pynvml, name)))
    assert wrong == []
    assert _nvml._NVLINK_TYPE_SWITCH == pynvml.NVML_NVLINK_DEVICE_TYPE_SWITCH


# -- amdsmi -----------------------------------------------------------------------------------------------


class RealAmdsmi(object):
    """The installed amdsmi package, read with ast (importing it needs libamd_smi.so)."""

    def __init__(self, directory):
        self.directory = directory
        init = self._parse('__init__.py')
        # The package's names: what __init__.py imports, and its submodules (amdsmi.amdsmi_wrapper).
        self.exported = set(alias.asname or alias.name for node in ast.walk(init) if isinstance(node, ast.ImportFrom)
                            for alias in node.names)
        self.exported |= set(name[:-3] for name in os.listdir(directory) if name.endswith('.py'))
        self.version = [_string(node.value) for node in self._parse('_version.py').body
                        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == '__version__'][0]
        self.constants, self.enumvalues, self.argtypes, typedefs = {}, {}, {}, {}
        for node in self._parse('amdsmi_wrapper.py').body:
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, int):
                self.constants[target.id] = value.value
            elif isinstance(target, ast.Name) and isinstance(value, ast.Dict) and target.id.endswith('__enumvalues'):
                self.enumvalues[target.id[:-len('__enumvalues')]] = ast.literal_eval(value)
            elif isinstance(target, ast.Name) and isinstance(value, ast.Name):
                typedefs[target.id] = value.id
            elif isinstance(target, ast.Attribute) and target.attr == 'argtypes' and isinstance(target.value, ast.Name):
                self.argtypes[target.value.id] = value.elts
        self.typedefs = typedefs
        interface = self._parse('amdsmi_interface.py')
        self.functions = dict((node.name, node) for node in interface.body if isinstance(node, ast.FunctionDef))
        self.enums, self.enum_sources = {}, {}
        for node in interface.body:
            if isinstance(node, ast.ClassDef) and any(getattr(base, 'id', None) == 'IntEnum' for base in node.bases):
                members, sources = {}, {}
                for item in node.body:
                    if isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name):
                        member, value = item.targets[0].id, item.value
                        if isinstance(value, ast.Attribute) and getattr(value.value, 'id', None) == 'amdsmi_wrapper':
                            sources[member] = value.attr
                            members[member] = self.constants.get(value.attr)
                        elif isinstance(value, ast.Constant):
                            members[member] = value.value
                self.enums[node.name], self.enum_sources[node.name] = members, sources
        self.classes = dict((node.name, node) for node in self._parse('amdsmi_exception.py').body if isinstance(node, ast.ClassDef))

    def _parse(self, name):
        return _parse(os.path.join(self.directory, name))

    def function(self, name):
        """The ast of amdsmi.<name>: exported by the package and defined in amdsmi_interface.py; None if not."""
        return self.functions.get(name) if name in self.exported else None

    def has(self, container, member):
        if container == 'amdsmi_wrapper':
            return member in self.constants
        if container in self.enums:
            return member in self.enums[container]
        node = self.classes.get(container)
        return node is not None and member in self.class_attributes(container)

    def class_attributes(self, name):
        """The methods of an exception class and the attributes its methods set on self, with its bases'."""
        node, names = self.classes[name], set()
        for item in ast.walk(node):
            if isinstance(item, ast.FunctionDef):
                names.add(item.name)
            elif isinstance(item, ast.Attribute) and isinstance(item.ctx, ast.Store) and getattr(item.value, 'id', None) == 'self':
                names.add(item.attr)
        for base in node.bases:
            if getattr(base, 'id', None) in self.classes:
                names |= self.class_attributes(base.id)
        return names

    def error_info(self):
        """{status code: message} of AmdSmiLibraryException.set_err_info."""
        for node in ast.walk(self.classes['AmdSmiLibraryException']):
            if isinstance(node, ast.Dict) and node.keys and all(isinstance(k, ast.Attribute) for k in node.keys):
                return dict((self.constants[k.attr], _string(v)) for k, v in zip(node.keys, node.values))
        raise AssertionError('no error table in AmdSmiLibraryException')

    def returned_keys(self, name):
        """The string keys of the dicts amdsmi.<name> builds."""
        return set(_string(key) for node in ast.walk(self.functions[name]) if isinstance(node, ast.Dict)
                   for key in node.keys if _string(key))

    def enum_of_argument(self, function, position):
        """The IntEnum of amdsmi_interface whose values the C function's argument ``position`` (a pointer to a
        C enum, by its ctypes argtypes) holds."""
        node = self.argtypes[function][position]
        assert isinstance(node, ast.Call) and node.func.attr == 'POINTER', ast.dump(node)
        typedef = node.args[0].id
        while typedef in self.typedefs:
            typedef = self.typedefs[typedef]
        names = set(self.enumvalues[typedef].values())
        return [enum for enum, sources in self.enum_sources.items() if sources and set(sources.values()) <= names]


@pytest.fixture(scope='module')
def amdsmi():
    spec = importlib.util.find_spec('amdsmi')
    if spec is None or not spec.submodule_search_locations:
        pytest.skip('the PyPI package amdsmi is not installed (requirements-test.txt pins it)')
    return RealAmdsmi(list(spec.submodule_search_locations)[0])


def _amdsmi_fakes():
    return [pytest.param(fakes.fake_amdsmi([], release=release), id=release) for release in sorted(fakes.AMDSMI_LINK_LAYOUTS)]


def test_the_real_amdsmi_is_read(amdsmi):
    assert len(amdsmi.functions) > 100 and amdsmi.constants['AMDSMI_STATUS_SUCCESS'] == 0
    assert amdsmi.version.startswith(fakes.AMDSMI_NEWEST + '.'), \
        'amdsmi %s is installed; fake_gpu_libs.AMDSMI_NEWEST names %s: check its layout and update' % (amdsmi.version, fakes.AMDSMI_NEWEST)


@pytest.mark.parametrize('fake', _amdsmi_fakes())
def test_every_function_of_the_amdsmi_fake_is_amdsmis_with_its_parameters(amdsmi, fake):
    problems = []
    names = _members(fake, r'amdsmi_[a-z0-9_]+')
    assert len(names) > 5
    for name in names:
        if not callable(getattr(fake, name)):
            continue
        real = amdsmi.function(name)
        if real is None:
            problems.append('%s: amdsmi %s has no such function' % (name, amdsmi.version))
            continue
        problem = parameter_problem(parameters_of(getattr(fake, name)), parameters_of_def(real), strict=True)
        if problem:
            problems.append('%s: %s' % (name, problem))
    assert problems == []


def test_the_amdsmi_fakes_constants_and_enums_are_amdsmis(amdsmi):
    fake = fakes.fake_amdsmi([])  # the newest layout: the installed amdsmi's
    enums = dict((name, vars(getattr(fake, name))) for name in _members(fake, r'AmdSmi\w+')
                 if isinstance(getattr(fake, name), types.SimpleNamespace))
    assert 'AmdSmiInitFlags' in enums and 'AmdSmiLinkType' in enums
    assert enums == dict((name, dict((m, amdsmi.enums.get(name, {}).get(m, 'missing')) for m in members)) for name, members in enums.items())
    assert all(name in amdsmi.exported for name in enums)
    wrapper = vars(fake.amdsmi_wrapper)
    assert wrapper == dict((name, amdsmi.constants.get(name, 'missing')) for name in wrapper)
    assert (fakes.AMDSMI_NOT_SUPPORTED, fakes.AMDSMI_NO_PERM, fakes.AMDSMI_TIMEOUT) == \
        (amdsmi.constants['AMDSMI_STATUS_NOT_SUPPORTED'], amdsmi.constants['AMDSMI_STATUS_NO_PERM'], amdsmi.constants['AMDSMI_STATUS_TIMEOUT'])
    assert _amdsmi._STATUS_NOT_SUPPORTED == amdsmi.constants['AMDSMI_STATUS_NOT_SUPPORTED']


def test_the_amdsmi_fake_answers_link_types_in_the_enum_amdsmi_topo_get_link_type_reports(amdsmi):
    """amdsmi_topo_get_link_type's 'type' is the C enum its ctypes argtypes point to: the newest layout of the
    fake names that enum's Python class, and its XGMI and PCIe answers are that class's values."""
    layout = fakes.AMDSMI_LINK_LAYOUTS[fakes.AMDSMI_NEWEST]
    enum, xgmi, pcie = layout['topo']
    assert amdsmi.enum_of_argument('amdsmi_topo_get_link_type', 3) == [enum]
    assert layout['enums'] == dict((name, dict((m, amdsmi.enums[name].get(m)) for m in members)) for name, members in layout['enums'].items())
    # Every link-type enum amdsmi has is in the layout (an enum added beside it is a choice the adapter must make).
    assert sorted(name for name in amdsmi.enums if 'LinkType' in name) == sorted(layout['enums'])
    a, b = fakes.FakeAmdGpu('0000:05:00.0'), fakes.FakeAmdGpu('0000:25:00.0')
    fake = fakes.fake_amdsmi([a, b], xgmi_pairs={frozenset((a.bdf, b.bdf))})
    assert fake.amdsmi_topo_get_link_type(a, b)['type'] == amdsmi.enums[enum][xgmi]
    assert fakes.fake_amdsmi([a, b]).amdsmi_topo_get_link_type(a, b)['type'] == amdsmi.enums[enum][pcie]


@pytest.mark.parametrize('fake', _amdsmi_fakes())
def test_the_amdsmi_fakes_answers_have_the_keys_of_amdsmis(amdsmi, fake):
    gpu = fakes.FakeAmdGpu('0000:05:00.0')
    for name in _members(fake, r'amdsmi_get_gpu_\w+|amdsmi_topo_\w+'):
        args = [gpu] * sum(1 for _n, default in parameters_of(getattr(fake, name))[0] if not default)
        answer = getattr(fake, name)(*args)
        if isinstance(answer, dict):
            assert sorted(set(answer) - amdsmi.returned_keys(name)) == [], name


def test_the_amdsmi_fakes_exceptions_are_amdsmis(amdsmi):
    for name in ('AmdSmiException', 'AmdSmiLibraryException'):
        assert name in amdsmi.exported and name in amdsmi.classes
        fake_bases = [base.__name__ for base in getattr(fakes, name).__bases__]
        assert fake_bases == [base.id for base in amdsmi.classes[name].bases], name
    init = [item for item in amdsmi.classes['AmdSmiLibraryException'].body if getattr(item, 'name', None) == '__init__'][0]
    assert parameters_of(fakes.AmdSmiLibraryException) == (parameters_of_def(init)[0][1:], False)
    # What the adapter reads on a caught exception, the real class has, and the fake too.
    read = exception_attributes(_amdsmi)
    assert sorted(read) == ['err_code', 'get_error_code']
    assert sorted(set(read) - amdsmi.class_attributes('AmdSmiLibraryException')) == []
    error = fakes.AmdSmiLibraryException(-fakes.AMDSMI_NOT_SUPPORTED)  # amdsmi takes the absolute value
    assert (error.err_code, error.get_error_code()) == (fakes.AMDSMI_NOT_SUPPORTED, fakes.AMDSMI_NOT_SUPPORTED)
    # Its messages: amdsmi's table and __str__ format.
    table, unknown = amdsmi.error_info(), 'AMDSMI_STATUS_UNKNOWN_ERROR - An unknown error occurred'
    str_source = ast.unparse([item for item in amdsmi.classes['AmdSmiLibraryException'].body if getattr(item, 'name', None) == '__str__'][0])
    assert "'Error code:\\n\\t{err_code} | {err_info}'" in str_source
    for code in sorted(fakes._AMDSMI_ERR_INFO) + [999]:
        assert fakes.AmdSmiLibraryException(code).err_info == table.get(code, unknown), code
        assert str(fakes.AmdSmiLibraryException(code)) == 'Error code:\n\t%d | %s' % (code, table.get(code, unknown))


def test_every_amdsmi_call_of_the_adapter_is_to_an_amdsmi_function_taking_those_arguments(amdsmi):
    problems, calls = [], adapter_calls(_amdsmi, r'amdsmi_[a-z0-9_]+')
    for name, count, line in calls:
        real = amdsmi.function(name)
        if real is None:
            problems.append('_amdsmi.py:%d %s: amdsmi %s has no such function' % (line, name, amdsmi.version))
            continue
        low, high = arity(parameters_of_def(real))
        if not low <= count <= high:
            problems.append('_amdsmi.py:%d %s: called with %d arguments, amdsmi takes %d-%s' % (line, name, count, low, high))
    assert problems == []
    assert len(set(name for name, _c, _l in calls)) >= 11, 'the ast walk finds the adapter\'s calls'


def test_every_amdsmi_name_of_the_adapter_is_amdsmis_or_an_older_releases(amdsmi):
    """The names and enum members _amdsmi.py reads exist in the installed amdsmi, or in the older layout of the
    fake that the adapter's tests run it against (fake_gpu_libs.AMDSMI_LINK_LAYOUTS, from those releases' wheels)."""
    older = dict((name, members) for layout in fakes.AMDSMI_LINK_LAYOUTS.values() for name, members in layout['enums'].items()
                 if name not in amdsmi.enums)
    missing = []
    for name, line in sorted(adapter_names(_amdsmi, AMDSMI_NAME).items()):
        if name not in amdsmi.exported and name not in amdsmi.constants and name not in older:
            missing.append('_amdsmi.py:%d %s' % (line, name))
    for container, member, line in adapter_members(_amdsmi):
        if not amdsmi.has(container, member) and member not in older.get(container, {}):
            missing.append('_amdsmi.py:%d %s.%s' % (line, container, member))
    assert missing == []
    assert len(adapter_members(_amdsmi)) >= 5, 'the ast walk finds the enum members'
