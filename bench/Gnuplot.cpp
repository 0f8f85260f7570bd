//===- Gnuplot.cpp - PNG plots through Debian's gnuplot -------------------===//
#include "bench/Gnuplot.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace bfly {

bool drawPng(const std::string &pngPath, int width, int height,
             const std::string &data, const std::string &script,
             std::string &message) {
  std::string dataPath = pngPath + ".dat", scriptPath = pngPath + ".gp";
  std::string temporary = pngPath + ".tmp";
  {
    std::ofstream dataFile(dataPath);
    dataFile << data;
    std::ofstream scriptFile(scriptPath);
    scriptFile << "set terminal pngcairo size " << width << "," << height
               << " font 'sans,10' noenhanced\n"
               << "set output '" << temporary << "'\n"
               << "data = '" << dataPath << "'\n"
               << script;
    if (!dataFile || !scriptFile) {
      message = "cannot write " + scriptPath;
      return false;
    }
  }
  std::string command = "gnuplot '" + scriptPath + "' 2>&1";
  if (std::system(command.c_str()) != 0 ||
      std::rename(temporary.c_str(), pngPath.c_str()) != 0) {
    std::remove(temporary.c_str());
    message = "gnuplot failed or is missing (install gnuplot-nox); the "
              "script is " +
              scriptPath;
    return false;
  }
  return true;
}

} // namespace bfly
