//===- Kernel.cpp - bfly.Kernel: a compiled kernel applied to arrays ------===//
//
// A kernel takes arrays of shape (..., n) in its exact input dtype (never a
// silent conversion: a float64 array handed to a float32 kernel is a
// TypeError). The batch dimensions of most arrays (contiguous, sliced,
// transposed) are one run of vectors at a fixed distance, which the runtime
// takes as it is; anything else is copied first. The GIL is released while
// the kernel runs (unless the call is a few microseconds of work), and a
// kernel closed on another thread waits for the calls running on it.
//
//===----------------------------------------------------------------------===//
#include "python/src/Bindings.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>

namespace py = pybind11;

namespace bfly::python {
namespace {

// numpy's type numbers and flags (numpy/ndarraytypes.h).
constexpr int kNpyFloat = 11, kNpyDouble = 12, kNpyCFloat = 14,
              kNpyCDouble = 15;
constexpr int kNpyAligned = 0x0100;

/// Calls of at least this many flops release the GIL (about 10 us).
constexpr int64_t kReleaseFlops = int64_t(1) << 18;

int numpyTypeNumber(int32_t dtype) {
  switch (dtype) {
  case BFLY_DTYPE_F32:
    return kNpyFloat;
  case BFLY_DTYPE_F64:
    return kNpyDouble;
  case BFLY_DTYPE_COMPLEX_F32:
    return kNpyCFloat;
  case BFLY_DTYPE_COMPLEX_F64:
    return kNpyCDouble;
  }
  return -1;
}

const char *numpyName(int32_t dtype) {
  switch (dtype) {
  case BFLY_DTYPE_F32:
    return "float32";
  case BFLY_DTYPE_F64:
    return "float64";
  case BFLY_DTYPE_COMPLEX_F32:
    return "complex64";
  case BFLY_DTYPE_COMPLEX_F64:
    return "complex128";
  }
  return "unknown";
}

/// A batch of vectors as the runtime takes it, in elements.
struct VectorRun {
  int64_t batch, dist, stride;
};

/// The vectors of an aligned array of shape (..., n) as one run at a fixed
/// distance with a positive element stride, if they are one.
std::optional<VectorRun> vectorRun(const py::array &array) {
  const int64_t itemsize = array.itemsize();
  if (!(array.flags() & kNpyAligned))
    return std::nullopt;
  const py::ssize_t last = array.ndim() - 1;
  const int64_t stride = array.strides(last);
  if (stride <= 0 || stride % itemsize)
    return std::nullopt;
  int64_t batch = 1, dist = -1;
  for (py::ssize_t i = last - 1; i >= 0; --i) {
    if (array.shape(i) == 1)
      continue;
    if (dist < 0) {
      dist = array.strides(i);
      batch = array.shape(i);
      if (dist < 0)
        return std::nullopt;
    } else if (array.strides(i) == dist * batch) {
      batch *= array.shape(i);
    } else {
      return std::nullopt;
    }
  }
  if (dist < 0)
    dist = array.shape(last) * stride;
  if (dist % itemsize)
    return std::nullopt;
  return VectorRun{batch, dist / itemsize, stride / itemsize};
}

// Objects the module keeps for the life of the process live on the heap and
// are never destroyed: a static py::object would be released after the
// interpreter has finalized.
py::object numpyModule() {
  static py::object *numpy = new py::object(py::module_::import("numpy"));
  return *numpy;
}

class PyKernel {
public:
  PyKernel(Kernel kernel, std::string origin)
      : kernel_(std::move(kernel)), origin_(std::move(origin)) {
    const bfly_kernel_descriptor &d = kernel_.descriptor();
    n_ = d.n;
    outN_ = d.output_n;
    inType_ = d.input_dtype;
    outType_ = d.output_dtype;
    descriptor_ = &d;
    inDtype_ = py::dtype(numpyName(inType_));
    outDtype_ = py::dtype(numpyName(outType_));
  }

  int64_t size() const { return n_; }
  int64_t outputSize() const { return outN_; }
  py::dtype dtype() const { return inDtype_; }
  py::dtype outDtype() const { return outDtype_; }
  bool closed() const { return closed_; }
  const std::string &origin() const { return origin_; }

  const bfly_kernel_descriptor &descriptor() const {
    if (closed_)
      throw py::value_error("the kernel is closed");
    return *descriptor_;
  }

  py::dict provenance() const {
    py::dict result;
    std::string text = descriptor().provenance;
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find("; ", begin);
      if (end == std::string::npos)
        end = text.size();
      std::string item = text.substr(begin, end - begin);
      size_t equals = item.find('=');
      if (equals != std::string::npos)
        result[py::str(item.substr(0, equals))] = item.substr(equals + 1);
      begin = end + 2;
    }
    return result;
  }

  /// kernel(x, out=None, threads=1).
  py::object call(py::handle x, py::object out, int threads) {
    if (closed_)
      throw py::value_error("the kernel is closed");
    if (threads < 0)
      throw py::value_error("threads must be 1 or more (0: one per CPU)");
    py::array in = asArray(x, "x");
    checkDtype(in, inType_, "x", "input");
    if (in.ndim() == 0 || in.shape(in.ndim() - 1) != n_)
      throw py::value_error("x must have shape (..., " + std::to_string(n_) +
                            "): the kernel takes vectors of n = " +
                            std::to_string(n_) + "; got " + shapeText(in));
    const int ndim = int(in.ndim());
    // The result's shape: x's, with the kernel's output length last.
    std::vector<py::ssize_t> outShape(in.shape(), in.shape() + ndim);
    outShape.back() = outN_;
    const py::ssize_t *shape = outShape.data();

    py::array result;
    if (out.is_none()) {
      result = newArray(outDtype_, ndim, shape);
    } else {
      if (!py::isinstance<py::array>(out))
        throw py::type_error("out must be a numpy array");
      result = py::reinterpret_borrow<py::array>(out);
      checkDtype(result, outType_, "out", "output");
      if (result.ndim() != ndim ||
          !std::equal(shape, shape + ndim, result.shape()))
        throw py::value_error(
            "out has shape " + shapeText(result) + "; the result has shape " +
            std::string(py::str(py::tuple(py::cast(outShape)))));
      if (!result.writeable())
        throw py::value_error("out is read-only");
    }
    int64_t batch = 1;
    for (int i = 0; i + 1 < ndim; ++i)
      batch *= shape[i];
    if (batch == 0)
      return std::move(result);

    std::optional<VectorRun> inRun = vectorRun(in);
    if (!inRun) {
      in = numpyModule().attr("ascontiguousarray")(in);
      inRun = vectorRun(in);
    }
    py::array written = result;
    std::optional<VectorRun> outRun = vectorRun(result);
    if (!outRun) {
      written = newArray(outDtype_, ndim, shape);
      outRun = vectorRun(written);
    }
    bfly_status status = BFLY_OK;
    std::string message;
    {
      const void *inData = in.data();
      void *outData = written.mutable_data();
      // Work of a few microseconds keeps the GIL: handing it over and back
      // would cost a good part of the call (numpy does the same).
      std::optional<py::gil_scoped_release> release;
      if (threads != 1 || descriptor_->flops * inRun->batch >= kReleaseFlops)
        release.emplace();
      std::shared_lock<std::shared_mutex> lock(lifetime_);
      if (closed_) {
        status = BFLY_ERROR_INVALID_ARGUMENT;
        message = "the kernel is closed";
      } else if (threads == 1 && inRun->stride == 1 && outRun->stride == 1) {
        status = kernel_.apply(inData, inRun->dist, outData, outRun->dist,
                               inRun->batch);
      } else {
        bfly_layout layout{inRun->batch, inRun->dist, inRun->stride,
                           outRun->dist, outRun->stride};
        const Plan &plan = planFor(threads);
        status = plan ? plan.execute(inData, outData, layout) : plan.status();
      }
      if (status != BFLY_OK && message.empty())
        message = bfly_last_error();
    }
    if (status != BFLY_OK)
      raiseStatus(status, message);
    if (written.ptr() != result.ptr())
      numpyModule().attr("copyto")(result, written);
    return std::move(result);
  }

  /// Seconds for `repeats` direct C calls on contiguous x and out: the
  /// baseline of the Python call overhead benchmark.
  double timeDirectCalls(py::array in, py::array out, int64_t repeats) {
    checkDtype(in, inType_, "x", "input");
    checkDtype(out, outType_, "out", "output");
    if (!(in.flags() & py::array::c_style) ||
        !(out.flags() & py::array::c_style) || in.size() % n_ ||
        in.size() == 0 || in.size() / n_ * outN_ != out.size())
      throw py::value_error("x and out must be C-contiguous batches of "
                            "as many vectors");
    const void *inData = in.data();
    void *outData = out.mutable_data();
    int64_t batch = in.size() / n_;
    py::gil_scoped_release release;
    std::shared_lock<std::shared_mutex> lock(lifetime_);
    if (closed_)
      return -1;
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < repeats; ++i)
      bfly_kernel_apply(kernel_.get(), inData, outData, batch);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  }

  /// Keeps the GIL, so no other Python thread reads the descriptor while
  /// it goes; running calls hold lifetime_ without the GIL and finish.
  void close() {
    std::unique_lock<std::shared_mutex> lock(lifetime_);
    if (closed_)
      return;
    closed_ = true;
    {
      std::lock_guard<std::mutex> plansLock(planMutex_);
      plans_.clear();
    }
    kernel_ = Kernel();
  }

private:
  /// A new C-contiguous array (numpy's C API: py::array's constructor
  /// copies the shape into a vector first).
  static py::array newArray(const py::dtype &dtype, int ndim,
                            const py::ssize_t *shape) {
    auto &api = py::detail::npy_api::get();
    PyObject *descr = dtype.inc_ref().ptr(); // the call steals it
    PyObject *array = api.PyArray_NewFromDescr_(
        api.PyArray_Type_, descr, ndim, const_cast<Py_intptr_t *>(shape),
        nullptr, nullptr, 0, nullptr);
    if (!array)
      throw py::error_already_set();
    return py::reinterpret_steal<py::array>(array);
  }

  static py::array asArray(py::handle x, const char *what) {
    if (py::isinstance<py::array>(x))
      return py::reinterpret_borrow<py::array>(x);
    py::object converted = numpyModule().attr("asarray")(x);
    if (!py::isinstance<py::array>(converted))
      throw py::type_error(std::string(what) + " must be an array");
    return py::reinterpret_borrow<py::array>(converted);
  }

  static std::string shapeText(const py::array &array) {
    return py::str(py::object(array.attr("shape")));
  }

  static void checkDtype(const py::array &array, int32_t expected,
                         const char *what, const char *role) {
    py::dtype dtype = array.dtype();
    if (dtype.num() == numpyTypeNumber(expected) && dtype.byteorder() != '>')
      return;
    throw py::type_error(
        std::string(what) + " has dtype " +
        std::string(py::str(py::object(dtype))) + "; the kernel's " + role +
        " is " + numpyName(expected) + " (" + bfly_dtype_name(expected) +
        ", native byte order): convert it with .astype(numpy." +
        numpyName(expected) + ")");
  }

  /// The plan for `threads`, made on first use (GIL released, lifetime_
  /// held shared).
  const Plan &planFor(int threads) {
    std::lock_guard<std::mutex> lock(planMutex_);
    auto it = plans_.find(threads);
    if (it == plans_.end())
      it = plans_.emplace(threads, Plan::create(kernel_, threads)).first;
    return it->second;
  }

  Kernel kernel_;
  std::string origin_;
  const bfly_kernel_descriptor *descriptor_ = nullptr;
  int64_t n_ = 0, outN_ = 0;
  int32_t inType_ = 0, outType_ = 0;
  py::dtype inDtype_, outDtype_; // made once: a dtype from a name is slow
  std::atomic<bool> closed_{false};
  std::shared_mutex lifetime_;
  std::mutex planMutex_;
  std::map<int, Plan> plans_;
};

/// Kernel.__call__ as the type's tp_call: pybind11's generic dispatcher
/// (keyword matching by C string, a copy of the keyword dict) costs more
/// than the rest of a small call.
PyObject *callKernel(PyObject *self, PyObject *args, PyObject *kwargs) {
  static PyObject *outName = PyUnicode_InternFromString("out");
  static PyObject *threadsName = PyUnicode_InternFromString("threads");
  try {
    Py_ssize_t positional = PyTuple_GET_SIZE(args);
    if (positional < 1 || positional > 2)
      throw py::type_error("Kernel.__call__(x, out=None, *, threads=1) "
                           "takes x and out as positional arguments; got " +
                           std::to_string(positional));
    PyObject *out = positional == 2 ? PyTuple_GET_ITEM(args, 1) : Py_None;
    int threads = 1;
    if (kwargs && PyDict_GET_SIZE(kwargs)) {
      Py_ssize_t known = 0;
      if (PyObject *value = PyDict_GetItemWithError(kwargs, outName)) {
        if (positional == 2)
          throw py::type_error("out given twice");
        out = value, ++known;
      }
      if (PyObject *value = PyDict_GetItemWithError(kwargs, threadsName)) {
        long count = PyLong_AsLong(value);
        if (count == -1 && PyErr_Occurred())
          throw py::error_already_set();
        if (count > INT32_MAX || count < INT32_MIN)
          throw py::value_error("threads is out of range");
        threads = int(count), ++known;
      }
      if (PyErr_Occurred())
        throw py::error_already_set();
      if (known != PyDict_GET_SIZE(kwargs))
        throw py::type_error("Kernel.__call__ takes the keywords out and "
                             "threads only");
    }
    auto *instance = reinterpret_cast<py::detail::instance *>(self);
    PyKernel &kernel = *instance->get_value_and_holder().value_ptr<PyKernel>();
    return kernel
        .call(PyTuple_GET_ITEM(args, 0),
              py::reinterpret_borrow<py::object>(out), threads)
        .release()
        .ptr();
  } catch (py::error_already_set &error) {
    error.restore();
  } catch (py::builtin_exception &error) {
    error.set_error();
  } catch (std::exception &error) {
    PyErr_SetString(PyExc_RuntimeError, error.what());
  }
  return nullptr;
}

} // namespace

py::object errorType() {
  static py::object *type = new py::object(
      py::reinterpret_steal<py::object>(PyErr_NewExceptionWithDoc(
          "bfly.Error",
          "A kernel that cannot be loaded, a model that cannot be "
          "compiled, or a fit that found no model.",
          PyExc_RuntimeError, nullptr)));
  return *type;
}

void raiseStatus(bfly_status status, const std::string &message) {
  PyObject *type = errorType().ptr();
  switch (status) {
  case BFLY_ERROR_INVALID_ARGUMENT:
  case BFLY_ERROR_OVERLAP:
  case BFLY_ERROR_MISMATCH:
    type = PyExc_ValueError;
    break;
  case BFLY_ERROR_RESOURCES:
    type = PyExc_MemoryError;
    break;
  case BFLY_ERROR_OPEN:
  case BFLY_ERROR_CACHE:
    type = PyExc_OSError;
    break;
  default:
    break;
  }
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

py::object wrapKernel(Kernel kernel, std::string origin) {
  if (!kernel)
    raiseStatus(kernel.status(), kernel.error());
  return py::cast(
      std::make_unique<PyKernel>(std::move(kernel), std::move(origin)));
}

void defineKernel(py::module_ &module) {
  module.attr("Error") = errorType();
  auto kernelClass = py::class_<PyKernel>(
      module, "Kernel",
      "A compiled butterfly kernel.\n\n"
      "kernel(x, out=None, *, threads=1) applies it to every vector of x, "
      "of shape (..., n) and the kernel's dtype (anything else is a "
      "TypeError, never a conversion); writes into out (shape (..., "
      "out_n), the output dtype) when given, which may be x itself when "
      "shapes and dtypes agree. threads: 1 runs on this thread, k on k "
      "threads, 0 on one per CPU.");
  kernelClass
      .def_property_readonly("n", &PyKernel::size,
                             "The length of an input vector.")
      .def_property_readonly("out_n", &PyKernel::outputSize,
                             "The length of an output vector (n but for "
                             "padded, truncated and real-input kernels).")
      .def_property_readonly("dtype", &PyKernel::dtype,
                             "The input's numpy dtype.")
      .def_property_readonly("out_dtype", &PyKernel::outDtype,
                             "The output's numpy dtype.")
      .def_property_readonly(
          "flops", [](const PyKernel &k) { return k.descriptor().flops; },
          "Real arithmetic operations per vector.")
      .def_property_readonly(
          "phases", [](const PyKernel &k) { return k.descriptor().phases; },
          "Phases one vector runs in (0: the kernel cannot split a vector); "
          "with threads > 1 and fewer vectors than threads, the threads "
          "share each phase.")
      .def_property_readonly(
          "nonzero_twiddles",
          [](const PyKernel &k) { return k.descriptor().nonzero_twiddles; })
      .def_property_readonly(
          "name", [](const PyKernel &k) { return k.descriptor().name; })
      .def_property_readonly(
          "cpu", [](const PyKernel &k) { return k.descriptor().cpu; },
          "The CPU the code was generated for.")
      .def_property_readonly(
          "isa",
          [](const PyKernel &k) {
            std::string isa = "x86-64";
            if (*k.descriptor().cpu_features)
              isa += std::string(",") + k.descriptor().cpu_features;
            return isa;
          },
          "The instruction set the code uses: x86-64 and its extensions.")
      .def_property_readonly("provenance", &PyKernel::provenance)
      .def_property_readonly("origin", &PyKernel::origin,
                             "The file it was loaded from, or 'jit'.")
      .def_property_readonly("closed", &PyKernel::closed)
      .def("close", &PyKernel::close,
           "Frees the kernel; calls running on other threads finish first.")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PyKernel &k, py::args) {
             k.close();
             return false;
           })
      .def("__repr__",
           [](const PyKernel &k) {
             if (k.closed())
               return std::string("<bfly.Kernel (closed)>");
             const bfly_kernel_descriptor &d = k.descriptor();
             std::string lengths = "n=" + std::to_string(d.n);
             if (d.output_n != d.n)
               lengths += " out_n=" + std::to_string(d.output_n);
             return "<bfly.Kernel " + std::string(d.name) + " " + lengths +
                    " " + numpyName(d.input_dtype) + " -> " +
                    numpyName(d.output_dtype) + " from " + k.origin() + ">";
           })
      .def("_time_direct_calls", &PyKernel::timeDirectCalls);
  auto *type = reinterpret_cast<PyTypeObject *>(kernelClass.ptr());
  type->tp_call = callKernel;
  PyType_Modified(type);

  module.def(
      "load",
      [](const std::string &path, std::optional<int64_t> n) {
        Kernel kernel;
        {
          py::gil_scoped_release release;
          kernel = Kernel::load(path);
        }
        if (kernel && n &&
            bfly_kernel_expect(kernel.get(), *n, 0, 0) != BFLY_OK)
          raiseStatus(BFLY_ERROR_MISMATCH, bfly_last_error());
        return wrapKernel(std::move(kernel), path);
      },
      py::arg("path"), py::kw_only(), py::arg("n") = py::none(),
      "Loads and checks a kernel .so made by bfly-compile; n: refuse a "
      "kernel of another length.");
}

} // namespace bfly::python
