//===- FactorizationJit.h - JIT-compile an in-memory model ------*- C++ -*-===//
//
// The in-tree entry that bfly/jit.hpp leaves out: a Factorization (the
// learner's or a trained layer's model) compiled by a Jit exactly as its
// model file would be. Not installed: the installed package speaks model
// files and IR text, never compiler types.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_JIT_FACTORIZATIONJIT_H
#define BFLY_COMPILER_JIT_FACTORIZATIONJIT_H

#include "bfly/jit.hpp"
#include "compiler/Model/Factorization.h"

namespace bfly {

/// The kernel of `model`; an invalid model is BFLY_ERROR_COMPILE with the
/// reason.
Kernel jitCompile(Jit &jit, const Factorization &model);

} // namespace bfly

#endif // BFLY_COMPILER_JIT_FACTORIZATIONJIT_H
