"""Build script of the demo extension.

``VARIANT_DEMO_CFLAGS`` (space-separated) adds the target flags, e.g. ``-march=x86-64-v3``; the
example's build script takes them from the x86_64 provider's ``compiler_flags()`` so that the
flags and the variant property come from one place.
"""

import os

from setuptools import Extension, setup

flags = os.environ.get("VARIANT_DEMO_CFLAGS", "").split()

setup(
    ext_modules=[
        Extension(
            "variant_demo._native",
            sources=["src/variant_demo/_native.c"],
            extra_compile_args=["-O3", *flags],
        )
    ],
)
