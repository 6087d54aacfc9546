// CTest splits a test's name at ';' (catch_discover_tests turns names into a CMake list), so a
// Catch2 test whose name holds one is registered under a broken name, never runs, and is still
// counted as passed. This guards every test file of the suite.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

TEST_CASE("no test name holds a semicolon (CTest would silently skip the test)", "[suite]") {
  const fs::path tests = fs::path(REDBOX_SOURCE_DIR) / "tests";
  const std::regex test_case(R"re(TEST_CASE\s*\(\s*"([^"]*)")re");
  std::vector<std::string> bad;
  int seen = 0;
  for (const auto& entry : fs::recursive_directory_iterator(tests)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string body = text.str();
    for (std::sregex_iterator it(body.begin(), body.end(), test_case), end; it != end; ++it) {
      ++seen;
      if ((*it)[1].str().find(';') != std::string::npos) bad.push_back(entry.path().filename().string() + ": " + (*it)[1].str());
    }
  }
  std::string listed;
  for (const auto& b : bad) listed += "\n  " + b;
  INFO("names with ';':" << listed);
  CHECK(seen > 100);  // the scan really read the suite
  CHECK(bad.empty());
}
