# lit configuration for bfly's IR, pass and tool tests.
import os

import lit.formats

config.name = "bfly"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.bfly_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "Inputs",
                   "fuzz"]  # seed corpora and crash regressions, replayed by ctest

config.environment["PATH"] = os.pathsep.join(
    [config.bfly_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", os.environ["PATH"])]
)
import sys

config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%bfly_src", config.bfly_src_root))
config.substitutions.append(("%fixtures", config.bfly_fixtures_dir))
config.substitutions.append(("%bfly_runtime_dir", config.bfly_runtime_dir))
config.substitutions.append(("%bfly_obj", config.bfly_obj_root))
config.substitutions.append(("%bfly_tools", config.bfly_tools_dir))
