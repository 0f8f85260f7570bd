//===- Model.cpp - bfly.Model: learned, read, built from twiddles ---------===//
//
// A bfly.Model is a Factorization and what its fit found out (RMSE,
// relative error, method, permutation, notes). Fits and compiles release
// the GIL. Bad arguments are TypeError or ValueError, files that cannot be
// read or written OSError, fits that find nothing bfly.Error.
//
//===----------------------------------------------------------------------===//
#include "python/src/Bindings.h"

#include "compiler/Import/FactorizationIR.h"
#include "compiler/Import/Npy.h"
#include "compiler/Import/Twiddles.h"
#include "compiler/Jit/FactorizationJit.h"
#include "compiler/Learn/Fit.h"

#include "llvm/Support/raw_ostream.h"

#include <pybind11/complex.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

namespace py = pybind11;

namespace bfly::python {
namespace {

/// What the model is, and what its fit found out (a model read from a file
/// knows only its provenance).
struct PyModel {
  Factorization model;
  std::optional<double> rmse, relativeError;
  std::optional<bool> recovered;
  std::string method, permutation;
  double seconds = 0;
  std::vector<std::string> notes;
};

[[noreturn]] void raiseError(PyObject *type, const std::string &message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

std::string takeMessage(llvm::Error error) {
  return llvm::toString(std::move(error));
}

const char *numpyName(ElementType type) {
  bool f32 = type.precision == Precision::F32;
  if (type.field == Field::Real)
    return f32 ? "float32" : "float64";
  return f32 ? "complex64" : "complex128";
}

/// The Jit for a cache folder ("": in memory), made once per process and
/// never destroyed: kernels it made may outlive every static destructor.
Jit &jitFor(const std::string &cacheDir, bool tune, const std::string &op) {
  static std::mutex mutex;
  static auto *jits = new std::map<std::tuple<std::string, bool, std::string>,
                                   std::unique_ptr<Jit>>();
  std::lock_guard<std::mutex> lock(mutex);
  std::unique_ptr<Jit> &jit = (*jits)[{cacheDir, tune, op}];
  if (!jit || !*jit) {
    JitOptions options;
    options.cacheDir = cacheDir;
    options.tune = tune;
    options.op = op;
    jit = std::make_unique<Jit>(Jit::create(options));
  }
  return *jit;
}

/// A user's matrix as a learning target: 2-D, numeric, finite, within the
/// learner's size.
Target targetFromArray(py::handle object) {
  py::object numpy = py::module_::import("numpy");
  py::array array = numpy.attr("asarray")(object);
  char kind = array.dtype().kind();
  if (std::string("biufc").find(kind) == std::string::npos)
    throw py::type_error("the matrix must be numeric (bool, int, float or "
                         "complex); got dtype " +
                         std::string(py::str(py::object(array.dtype()))));
  if (array.ndim() != 2)
    throw py::value_error(
        "the matrix must be 2-D (rows, columns); got " +
        std::to_string(array.ndim()) +
        "-D: a vector is not a linear map (reshape it to (1, n) or (n, 1) "
        "if that is what you mean)");
  int64_t rows = array.shape(0), cols = array.shape(1);
  if (rows == 0 || cols == 0)
    throw py::value_error("the matrix is empty");
  int64_t padded = paddedSize(rows, cols);
  if (std::optional<std::string> problem = targetSizeProblem(padded))
    throw py::value_error("a " + std::to_string(rows) + " x " +
                          std::to_string(cols) + " matrix is padded to " +
                          std::to_string(padded) + " x " +
                          std::to_string(padded) + ": " + *problem);
  py::array_t<std::complex<double>, py::array::c_style> values =
      numpy.attr("ascontiguousarray")(array, "complex128");
  NpyMatrix matrix;
  matrix.complex = kind == 'c';
  matrix.dtype = py::str(py::object(array.dtype()));
  matrix.values.resize(rows, cols);
  const std::complex<double> *data = values.data();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      std::complex<double> value = data[r * cols + c];
      if (!std::isfinite(value.real()) || !std::isfinite(value.imag()))
        throw py::value_error("the matrix has a non-finite entry at (" +
                              std::to_string(r) + ", " + std::to_string(c) +
                              ")");
      matrix.values(r, c) = value;
    }
  return targetFromMatrix(matrix, "matrix");
}

Precision parsePrecision(const std::string &precision) {
  if (precision == "f32" || precision == "float32")
    return Precision::F32;
  if (precision == "f64" || precision == "float64")
    return Precision::F64;
  throw py::value_error("precision must be 'f32' or 'f64'; got '" + precision +
                        "'");
}

py::object notRecoveredWarning() {
  return py::module_::import("bfly").attr("NotRecoveredWarning");
}

py::object learn(py::object target, std::optional<int64_t> n,
                 const std::string &modelClass, const std::string &methodName,
                 const std::string &precision, std::optional<double> targetRmse,
                 double timeLimit, uint64_t seed, int restarts,
                 std::optional<int> jobs,
                 const std::optional<std::string> &stride,
                 const std::string &twiddles, bool requireRecovery) {
  std::optional<Target> fitTarget;
  std::string targetLabel;
  if (py::isinstance<py::str>(target)) {
    targetLabel = target.cast<std::string>();
    if (!n)
      throw py::value_error("a named target needs its size: n=...");
    if (std::optional<std::string> problem = targetSizeProblem(*n))
      throw py::value_error("n=" + std::to_string(*n) + ": " + *problem);
    fitTarget = makeTarget(targetLabel, *n, seed);
    if (!fitTarget) {
      std::string names;
      for (const std::string &name : targetNames())
        names += (names.empty() ? "" : ", ") + name;
      throw py::value_error("unknown target '" + targetLabel +
                            "': expected one of " + names);
    }
  } else {
    if (n)
      throw py::value_error("give n only with a named target: a matrix "
                            "has its own size");
    fitTarget = targetFromArray(target);
    targetLabel = "matrix";
  }

  std::optional<FitMethod> method = parseFitMethod(methodName);
  if (!method)
    throw py::value_error("method must be auto, hierarchical, spectral or "
                          "gradient; got '" +
                          methodName + "'");
  if (stride && *stride != "increasing" && *stride != "decreasing")
    throw py::value_error("stride must be 'increasing' or 'decreasing'");
  if (twiddles != "complex" && twiddles != "real")
    throw py::value_error("twiddles must be 'complex' or 'real'");
  if (restarts < 1 || !(timeLimit > 0) || (jobs && *jobs < 1))
    throw py::value_error("restarts, jobs and time_limit must be positive");
  FitOptions options;
  options.modelClass = modelClass;
  options.precision = parsePrecision(precision);
  options.targetRmse =
      targetRmse ? *targetRmse
                 : (options.precision == Precision::F32 ? 1e-4 : 1e-10);
  if (!(options.targetRmse > 0))
    throw py::value_error("target_rmse must be positive");
  options.seed = seed;
  options.restarts = restarts;
  options.threads =
      jobs ? *jobs : int(std::max(1u, std::thread::hardware_concurrency()));
  options.timeLimitSeconds = timeLimit;
  options.decreasingStride = stride == "decreasing";
  options.eitherStride = !stride; // model="auto" tries both
  options.complexTwiddles = twiddles == "complex";
  if (std::optional<std::string> problem = fitRequestProblem(*method, options))
    throw py::value_error(*problem);

  FitResult result;
  double relative = 0;
  {
    py::gil_scoped_release release;
    result = fit(*method, *fitTarget, options);
    if (result.failure.empty())
      relative = relativeError(result.model.toDense(), *fitTarget);
  }
  if (!result.failure.empty())
    raiseError(errorType().ptr(),
               result.method + " found no model: " + result.failure);
  bool recovered = result.rmse <= options.targetRmse;
  if (!recovered) {
    std::string why = notRecoveredReason(result, *fitTarget, options,
                                         {"target_rmse", "time_limit"});
    if (requireRecovery)
      raiseError(py::module_::import("bfly").attr("NotRecoveredError").ptr(),
                 why);
    PyErr_WarnEx(notRecoveredWarning().ptr(), why.c_str(), 2);
  }
  for (const std::string &note : result.notes)
    PyErr_WarnEx(PyExc_UserWarning, note.c_str(), 2);
  result.model.provenance =
      fitProvenance(result, options, targetLabel, fitTarget->size(),
                    "bfly Python package " BFLY_VERSION);
  auto model = std::make_unique<PyModel>();
  model->model = std::move(result.model);
  model->rmse = result.rmse;
  model->relativeError = relative;
  model->recovered = recovered;
  model->method = result.method;
  model->permutation = result.permutation;
  model->seconds = result.seconds;
  model->notes = result.notes;
  return py::cast(std::move(model));
}

py::object loadModel(const std::string &path) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  llvm::Expected<Factorization> model = readModelFile(path, os);
  if (!model) {
    std::string message = takeMessage(model.takeError());
    raiseError(PyExc_ValueError,
               diagnostics.empty() ? message : diagnostics + message);
  }
  auto result = std::make_unique<PyModel>();
  result->model = std::move(*model);
  auto find = [&](const char *key) -> std::string {
    auto it = result->model.provenance.find(key);
    return it == result->model.provenance.end() ? "" : it->second;
  };
  result->method = find("method");
  result->permutation = find("permutation");
  if (std::string rmse = find("rmse"); !rmse.empty())
    result->rmse = std::strtod(rmse.c_str(), nullptr);
  return py::cast(std::move(result));
}

/// The dense matrix of the map the model computes, out_n x n: real when
/// input and output are real.
py::array denseMatrix(const PyModel &self) {
  const Factorization &m = self.model;
  if (m.spectrum != RealSpectrum::None)
    throw py::value_error("a real-input DFT or its inverse is linear over "
                          "the reals only: it has no complex matrix");
  Eigen::MatrixXcd dense;
  {
    py::gil_scoped_release release;
    dense = m.toDense();
  }
  bool real = m.type.field == Field::Real || (m.realInput && m.realOutput);
  int64_t rows = m.outputLength(), cols = m.inputLength();
  if (real) {
    py::array_t<double> result({rows, cols});
    auto view = result.mutable_unchecked<2>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        view(r, c) = dense(r, c).real();
    return std::move(result);
  }
  py::array_t<std::complex<double>> result({rows, cols});
  auto view = result.mutable_unchecked<2>();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      view(r, c) = dense(r, c);
  return std::move(result);
}

/// A torch_butterfly twiddle tensor (nstacks, nblocks, log n, n/2, 2, 2)
/// from any array of floats or complex numbers.
TwiddleTensor twiddleTensor(py::handle object) {
  py::array array = py::module_::import("numpy").attr("asarray")(object);
  int num = array.dtype().num();
  // numpy's float32, float64, complex64, complex128.
  if (num != 11 && num != 12 && num != 14 && num != 15)
    throw py::type_error("twiddles must be float32, float64, complex64 or "
                         "complex128; got " +
                         std::string(py::str(py::object(array.dtype()))));
  TwiddleTensor tensor;
  tensor.complex = num == 14 || num == 15;
  tensor.precision = (num == 11 || num == 14) ? Precision::F32 : Precision::F64;
  for (py::ssize_t i = 0; i < array.ndim(); ++i)
    tensor.shape.push_back(array.shape(i));
  py::array_t<std::complex<double>, py::array::c_style> values =
      py::module_::import("numpy").attr("ascontiguousarray")(array,
                                                             "complex128");
  tensor.values.assign(values.data(), values.data() + values.size());
  return tensor;
}

py::array twiddleArray(const TwiddleTensor &tensor) {
  std::vector<py::ssize_t> shape(tensor.shape.begin(), tensor.shape.end());
  py::array_t<std::complex<double>> values(shape);
  std::copy(tensor.values.begin(), tensor.values.end(), values.mutable_data());
  const char *dtype =
      tensor.complex
          ? (tensor.precision == Precision::F32 ? "complex64" : "complex128")
          : (tensor.precision == Precision::F32 ? "float32" : "float64");
  py::object typed = values;
  if (!tensor.complex)
    typed = values.attr("real");
  return py::array(typed.attr("astype")(dtype));
}

/// The permutation applied before the butterfly: None, a name
/// ("bit_reverse", ...) or a gather table (y[i] = x[P[i]]).
std::optional<Permutation> inputPermutation(py::handle object, int64_t n) {
  if (object.is_none())
    return std::nullopt;
  Permutation permutation;
  if (py::isinstance<py::str>(object)) {
    std::string name = object.cast<std::string>();
    permutation.name = parseNamedPermutation(name);
    if (!permutation.name)
      throw py::value_error("unknown permutation '" + name +
                            "': expected bit_reverse, even_odd, "
                            "reverse_first_half, reverse_second_half or "
                            "a table of indices");
    permutation.block = n;
    return permutation;
  }
  permutation.indices = object.cast<std::vector<int64_t>>();
  if (int64_t(permutation.indices.size()) != n ||
      !isBijection(permutation.indices))
    throw py::value_error("the permutation must be a bijection of 0.." +
                          std::to_string(n - 1));
  return permutation;
}

py::object modelFromTwiddles(py::handle twiddles, bool increasingStride,
                             int64_t stack, py::handle permutation) {
  llvm::Expected<Factorization> model =
      butterflyFromTwiddles(twiddleTensor(twiddles), increasingStride, stack);
  if (!model)
    raiseError(PyExc_ValueError, takeMessage(model.takeError()));
  if (std::optional<Permutation> p = inputPermutation(permutation, model->n))
    model->factors.insert(model->factors.begin(), *p);
  if (std::optional<std::string> problem = model->validate())
    raiseError(PyExc_ValueError, "invalid model: " + *problem);
  model->provenance = {{"target", "torch_butterfly twiddles"},
                       {"stack", std::to_string(stack)},
                       {"tool", "bfly Python package " BFLY_VERSION}};
  auto result = std::make_unique<PyModel>();
  result->model = std::move(*model);
  result->method = "twiddles";
  return py::cast(std::move(result));
}

py::array readTwiddles(const std::string &path, const std::string &name) {
  bool safetensors = path.size() >= 12 &&
                     path.compare(path.size() - 12, 12, ".safetensors") == 0;
  llvm::Expected<TwiddleTensor> tensor =
      safetensors ? readTwiddlesSafetensors(path, name) : readTwiddlesNpy(path);
  if (!tensor)
    raiseError(PyExc_ValueError, takeMessage(tensor.takeError()));
  return twiddleArray(*tensor);
}

} // namespace

void defineModel(py::module_ &module) {
  py::class_<PyModel>(module, "Model",
                      "A butterfly factorization: a chain of stages, "
                      "permutations and diagonals.")
      .def_property_readonly(
          "n", [](const PyModel &m) { return m.model.n; },
          "The length of the chain's vectors (a power of two).")
      .def_property_readonly(
          "in_n", [](const PyModel &m) { return m.model.inputLength(); },
          "The length of the caller's input vectors.")
      .def_property_readonly(
          "out_n", [](const PyModel &m) { return m.model.outputLength(); },
          "The length of the caller's output vectors.")
      .def_property_readonly(
          "dtype",
          [](const PyModel &m) { return py::dtype(numpyName(m.model.type)); },
          "The element type of the chain.")
      .def_property_readonly("real_input",
                             [](const PyModel &m) { return m.model.realInput; })
      .def_property_readonly(
          "real_output", [](const PyModel &m) { return m.model.realOutput; })
      .def_property_readonly(
          "factors",
          [](const PyModel &m) {
            py::list factors;
            for (const Factor &factor : m.model.factors) {
              if (const auto *stage = std::get_if<Stage>(&factor))
                factors.append(py::make_tuple(
                    "stage", stage->stride, stage->tied() ? "tied" : "untied"));
              else if (std::holds_alternative<Permutation>(factor))
                factors.append(py::make_tuple("permute"));
              else
                factors.append(py::make_tuple("diagonal"));
            }
            return factors;
          },
          "The chain as (kind, ...) tuples, in the order applied.")
      .def_property_readonly(
          "provenance", [](const PyModel &m) { return m.model.provenance; })
      .def_readonly("rmse", &PyModel::rmse,
                    "RMSE against the target (None if unknown).")
      .def_readonly("relative_error", &PyModel::relativeError,
                    "||M - T||_F / ||T||_F of the fit (None if unknown).")
      .def_readonly("recovered", &PyModel::recovered,
                    "Whether the fit met its target RMSE (None if unknown).")
      .def_readonly("method", &PyModel::method)
      .def_readonly("permutation", &PyModel::permutation)
      .def_readonly("seconds", &PyModel::seconds)
      .def_readonly("notes", &PyModel::notes)
      .def(
          "corner",
          [](const PyModel &m, int64_t rows, int64_t cols) {
            const Factorization &f = m.model;
            if (f.spectrum != RealSpectrum::None)
              throw py::value_error("a real-input DFT's lengths are its own: "
                                    "it has no corner");
            if (rows < 1 || rows > f.outputLength() || cols < 1 ||
                cols > f.inputLength())
              throw py::value_error("the corner must be from 1 x 1 to " +
                                    std::to_string(f.outputLength()) + " x " +
                                    std::to_string(f.inputLength()) + ", got " +
                                    std::to_string(rows) + " x " +
                                    std::to_string(cols));
            PyModel corner = m;
            corner.model.truncatedTo = rows < f.n ? rows : 0;
            corner.model.paddedFrom = cols < f.n ? cols : 0;
            return corner;
          },
          py::arg("rows"), py::arg("cols"),
          "The model of the top-left rows x cols corner of this one's "
          "matrix: its input zero-padded inside the model, its output "
          "truncated, so its kernel takes cols inputs and gives rows "
          "outputs.")
      .def("matrix", &denseMatrix,
           "The dense out_n x in_n matrix the model computes (float64 when "
           "input and output are real, else complex128).")
      .def(
          "save",
          [](const PyModel &m, const std::string &path) {
            if (llvm::Error error = writeModelFile(
                    m.model, path, "bfly Python package " BFLY_VERSION))
              raiseError(PyExc_OSError, takeMessage(std::move(error)));
          },
          py::arg("path"), "Writes the model file (atomically).")
      .def(
          "compile",
          [](const PyModel &m, std::optional<std::string> cacheDir, bool tune,
             const std::string &op) {
            if (op != "forward" && op != "adjoint" && op != "transpose" &&
                op != "inverse")
              throw py::value_error("op must be 'forward', 'adjoint', "
                                    "'transpose' or 'inverse'; got '" +
                                    op + "'");
            Kernel kernel;
            {
              py::gil_scoped_release release;
              Jit &jit = jitFor(cacheDir.value_or(""), tune, op);
              kernel = jit ? jitCompile(jit, m.model)
                           : Kernel::failure(jit.status(), jit.error());
            }
            return wrapKernel(std::move(kernel), "jit");
          },
          py::arg("cache_dir") = py::none(), py::kw_only(),
          py::arg("tune") = false, py::arg("op") = "forward",
          "JIT-compiles the model for this CPU into a bfly.Kernel; with "
          "cache_dir, the kernel is kept there and a later compile of the "
          "same model is a lookup. tune=True times the code generator's "
          "variants and keeps the fastest (with cache_dir, once). op: "
          "'adjoint', 'transpose' or 'inverse' compiles that map of the "
          "model instead.")
      .def("__repr__", [](const PyModel &m) {
        std::string text = "<bfly.Model n=" + std::to_string(m.model.n) + " " +
                           numpyName(m.model.type) + ", " +
                           std::to_string(m.model.factors.size()) + " factors";
        if (!m.method.empty())
          text += ", by " + m.method;
        if (m.rmse)
          text += ", rmse " + formatRmse(*m.rmse);
        return text + ">";
      });

  module.def("learn", &learn, py::arg("target"), py::arg("n") = py::none(),
             py::kw_only(), py::arg("model") = "auto",
             py::arg("method") = "auto", py::arg("precision") = "f32",
             py::arg("target_rmse") = py::none(), py::arg("time_limit") = 120.0,
             py::arg("seed") = 0, py::arg("restarts") = 32,
             py::arg("jobs") = py::none(), py::arg("stride") = py::none(),
             py::arg("twiddles") = "complex",
             py::arg("require_recovery") = false);
  module.def("load_model", &loadModel, py::arg("path"));
  module.def("targets", &targetNames);
  module.def("model_from_twiddles", &modelFromTwiddles, py::arg("twiddles"),
             py::kw_only(), py::arg("increasing_stride") = true,
             py::arg("stack") = 0, py::arg("permutation") = py::none());
  module.def(
      "permutation_table",
      [](py::handle name, int64_t n) {
        if (!py::isinstance<py::str>(name))
          throw py::type_error("name must be a str, e.g. 'bit_reverse'");
        if (!isPowerOfTwo(n) || n < 2 || n > BFLY_MAX_N)
          throw py::value_error("n must be a power of two from 2 to 2^20");
        return inputPermutation(name, n)->table(n);
      },
      py::arg("name"), py::arg("n"),
      "The gather table (y[i] = x[P[i]]) of a named permutation.");
  module.def("read_twiddles", &readTwiddles, py::arg("path"),
             py::arg("name") = "");
}

} // namespace bfly::python
