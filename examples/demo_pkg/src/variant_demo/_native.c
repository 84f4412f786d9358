/* The compiled part of the demo package: it reports the x86-64 level it was COMPILED for (from the
 * macros the compiler defines for the -march it was given, not from a flag we pass ourselves),
 * the level the running CPU supports (libgcc's own CPUID reading, independent of our provider),
 * and runs a loop the compiler vectorises with that level's instructions, so a wrong choice
 * fails loudly (SIGILL) instead of passing silently. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Macro sets per level: x86-64 psABI, "Micro-architecture levels" table (GCC and Clang define
 * one __FEATURE__ macro per enabled instruction set). */
static const char *compiled_level(void) {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512CD__) && \
    defined(__AVX512DQ__) && defined(__AVX512VL__)
    return "v4";
#elif defined(__AVX2__) && defined(__AVX__) && defined(__BMI__) && defined(__BMI2__) && \
    defined(__F16C__) && defined(__FMA__) && defined(__LZCNT__) && defined(__MOVBE__)
    return "v3";
#elif defined(__SSE4_2__) && defined(__SSE4_1__) && defined(__SSSE3__) && defined(__SSE3__) && \
    defined(__POPCNT__)
    return "v2";
#else
    return "v1";
#endif
}

static const char *cpu_level(void) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)) && !defined(__clang__) && __GNUC__ >= 12
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "v4";
    if (__builtin_cpu_supports("x86-64-v3")) return "v3";
    if (__builtin_cpu_supports("x86-64-v2")) return "v2";
    return "v1";
#else
    return "unknown";
#endif
}

static PyObject *build_level(PyObject *self, PyObject *unused) {
    return PyUnicode_FromString(compiled_level());
}

static PyObject *machine_level(PyObject *self, PyObject *unused) {
    return PyUnicode_FromString(cpu_level());
}

/* sum of i*i for i < n, in doubles: -O3 vectorises it with SSE2/AVX2/AVX-512 per -march. */
static PyObject *sum_squares(PyObject *self, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (n < 0) n = 0;
    double *v = PyMem_Malloc(sizeof(double) * (size_t)(n ? n : 1));
    if (!v) return PyErr_NoMemory();
    for (long i = 0; i < n; i++) v[i] = (double)i;
    double total = 0.0;
    for (long i = 0; i < n; i++) total += v[i] * v[i];
    PyMem_Free(v);
    return PyFloat_FromDouble(total);
}

static PyMethodDef methods[] = {
    {"build_level", build_level, METH_NOARGS, "x86-64 level this module was compiled for."},
    {"machine_level", machine_level, METH_NOARGS, "x86-64 level of the running CPU (libgcc)."},
    {"sum_squares", sum_squares, METH_O, "sum of i*i for i < n, vectorised at the build level."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "variant_demo._native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
