# What `cmake --install` puts under the prefix: the runtime and the JIT as a
# CMake package (find_package(Bfly): Bfly::runtime, Bfly::jit) and as
# pkg-config modules (bfly-runtime, bfly-jit), their headers, and the tools.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set_target_properties(bfly_runtime PROPERTIES EXPORT_NAME runtime)
set_target_properties(bfly_jit PROPERTIES EXPORT_NAME jit)
target_include_directories(bfly_runtime PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
target_include_directories(bfly_jit PUBLIC
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

# Installed binaries find libbfly_* next to them and libMLIR/libLLVM where
# Debian keeps them (not on the loader's default path).
set_target_properties(bfly_jit bfly_compiler PROPERTIES
  INSTALL_RPATH "$ORIGIN;${LLVM_LIBRARY_DIR}")
set_target_properties(bfly_model PROPERTIES INSTALL_RPATH "$ORIGIN")
set(BFLY_INSTALLED_TOOLS bfly-opt bfly-compile bfly-model bfly-learn
  bfly-bench bfly-runtime-bench bfly-recovery-table bfly-import)
set_target_properties(${BFLY_INSTALLED_TOOLS} PROPERTIES
  INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR};${LLVM_LIBRARY_DIR}")

# The compiler and model libraries are exported only as what libbfly_jit
# loads (Bfly::compiler, Bfly::model): no headers, no API.
set_target_properties(bfly_compiler PROPERTIES EXPORT_NAME compiler)
set_target_properties(bfly_model PROPERTIES EXPORT_NAME model)
install(TARGETS bfly_runtime bfly_jit bfly_compiler bfly_model
  EXPORT BflyTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
# bfly-bench's native baselines: a library of the tools, not of the package.
install(TARGETS bfly_dense_baseline LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS ${BFLY_INSTALLED_TOOLS}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES
  runtime/include/bfly/kernel_abi.h
  runtime/include/bfly/gpu_kernel_abi.h
  runtime/include/bfly/gpu.h
  runtime/include/bfly/gpu.hpp
  runtime/include/bfly/runtime.h
  runtime/include/bfly/runtime.hpp
  compiler/Jit/include/bfly/jit.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/bfly)

set(BFLY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Bfly)
install(EXPORT BflyTargets NAMESPACE Bfly:: DESTINATION ${BFLY_CMAKE_DIR})
configure_package_config_file(cmake/BflyConfig.cmake.in
  ${PROJECT_BINARY_DIR}/BflyConfig.cmake INSTALL_DESTINATION ${BFLY_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/BflyConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/BflyConfig.cmake
  ${PROJECT_BINARY_DIR}/BflyConfigVersion.cmake
  DESTINATION ${BFLY_CMAKE_DIR})

foreach(module bfly-runtime bfly-jit)
  configure_file(cmake/${module}.pc.in ${PROJECT_BINARY_DIR}/${module}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${module}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
