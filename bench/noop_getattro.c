/* The least a native attribute wrapper can cost: a type whose tp_getattro returns None at
 * once, without looking at the name. bench/seal.py builds it (when a C compiler is found)
 * and times `n.x` on it beside `s.x`, so the seal's read is judged against this floor
 * measured in the same run. Benchmark only: never part of the package. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *
noop_getattro(PyObject *self, PyObject *name)
{
    (void)self;
    (void)name;
    Py_RETURN_NONE;
}

static PyTypeObject NoopType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "noop_getattro.Noop",
    .tp_basicsize = sizeof(PyObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_getattro = noop_getattro,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "noop_getattro",
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit_noop_getattro(void)
{
    if (PyType_Ready(&NoopType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&NoopType);
    if (PyModule_AddObject(m, "Noop", (PyObject *)&NoopType) < 0) {
        Py_DECREF(&NoopType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
