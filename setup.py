# Copyright (c) mmsocket contributors. All rights reserved.
from setuptools import find_packages, setup


def read_requirements(path):
    with open(path) as f:
        return [
            line.split('#')[0].strip() for line in f
            if line.split('#')[0].strip()
        ]


def read_version():
    scope = {}
    with open('mmsocket/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='mmsocket',
    version=read_version(),
    description='OpenMMLab-style toolbox for source-free cross-modal '
    'knowledge transfer and data-free distillation',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    # Only the library: `exclude=('tests', ...)` would still ship
    # tests.test_engine and every other sub-package of tests/.
    packages=find_packages(include=('mmsocket', 'mmsocket.*')),
    python_requires='>=3.9',
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require=dict(tests=read_requirements('requirements/tests.txt')),
    license='Apache License 2.0',
    zip_safe=False)
