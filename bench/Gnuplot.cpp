//===- Gnuplot.cpp - PNG plots through Debian's gnuplot -------------------===//
#include "bench/Gnuplot.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace bfly {

namespace {
/// A fresh private folder for gnuplot's scratch files, removed with all
/// it holds when this goes out of scope.
class ScratchFolder {
public:
  ScratchFolder() {
    const char *base = std::getenv("TMPDIR");
    // The folder's name goes into a gnuplot script in single quotes.
    if (!base || !*base || std::strchr(base, '\'') || std::strchr(base, '\\'))
      base = "/tmp";
    std::string pattern = std::string(base) + "/bfly-plot-XXXXXX";
    if (mkdtemp(pattern.data()))
      path_ = pattern;
  }
  ~ScratchFolder() {
    if (path_.empty())
      return;
    for (const char *name : {"plot.dat", "plot.gp", "plot.png"})
      std::remove(file(name).c_str());
    rmdir(path_.c_str());
  }
  explicit operator bool() const { return !path_.empty(); }
  std::string file(const char *name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

/// Runs `gnuplot script` without a shell; true when it exits with 0.
bool runGnuplot(const std::string &script) {
  pid_t child = fork();
  if (child < 0)
    return false;
  if (child == 0) {
    // gnuplot's own messages stay on stderr; stdout is the caller's.
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execlp("gnuplot", "gnuplot", script.c_str(), (char *)nullptr);
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// Moves `from` to `to` whole: a rename, or a copy next to `to` and a
/// rename when they are on different file systems.
bool moveWhole(const std::string &from, const std::string &to) {
  if (std::rename(from.c_str(), to.c_str()) == 0)
    return true;
  std::string temporary = to + ".tmp";
  {
    std::ifstream in(from, std::ios::binary);
    std::ofstream out(temporary, std::ios::binary);
    out << in.rdbuf();
    if (!in || !out) {
      std::remove(temporary.c_str());
      return false;
    }
  }
  if (std::rename(temporary.c_str(), to.c_str()) != 0) {
    std::remove(temporary.c_str());
    return false;
  }
  return true;
}
} // namespace

bool drawPng(const std::string &pngPath, int width, int height,
             const std::string &data, const std::string &script,
             std::string &message) {
  ScratchFolder scratch;
  if (!scratch) {
    message = std::string("cannot make a folder for gnuplot's files: ") +
              std::strerror(errno);
    return false;
  }
  std::string dataPath = scratch.file("plot.dat");
  std::string scriptPath = scratch.file("plot.gp");
  std::string picture = scratch.file("plot.png");
  {
    std::ofstream dataFile(dataPath);
    dataFile << data;
    std::ofstream scriptFile(scriptPath);
    scriptFile << "set terminal pngcairo size " << width << "," << height
               << " font 'sans,10' noenhanced\n"
               << "set output '" << picture << "'\n"
               << "data = '" << dataPath << "'\n"
               << script;
    if (!dataFile || !scriptFile) {
      message = "cannot write gnuplot's script";
      return false;
    }
  }
  if (!runGnuplot(scriptPath)) {
    message = "gnuplot failed or is missing (install gnuplot-nox)";
    return false;
  }
  if (!moveWhole(picture, pngPath)) {
    message = "cannot write '" + pngPath + "'";
    return false;
  }
  return true;
}

} // namespace bfly
