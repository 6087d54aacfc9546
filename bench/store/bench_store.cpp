// bench_store: measures Store::add_file throughput.
//   bench_store generate DIR             10,000 small files (2-20 KB) in DIR/small, 64 x 16 MiB in DIR/large
//   bench_store add FOLDER DATA [THREADS [BATCH]]  adds every file in FOLDER to a fresh data folder
//       DATA with add_file per document, or with BATCH > 1 with add_files (group commit)
//   bench_store add-all FOLDER DATA      one add_files_each call over every file (what
//       `redbox doc add` does); prints the time breakdown as JSON on stderr
// Prints one line: files bytes seconds. The run script compares it with sha256sum + cp + sync.
#include <atomic>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/store.h"

namespace fs = std::filesystem;
using namespace redbox;

namespace {

void write_random(const fs::path& path, std::size_t size, std::mt19937_64& rng) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t v = rng();
    std::memcpy(bytes.data() + i, &v, std::min<std::size_t>(8, size - i));
  }
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
}

int generate(const fs::path& dir) {
  fs::create_directories(dir / "small");
  fs::create_directories(dir / "large");
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::size_t> small_size(2 * 1024, 20 * 1024);
  for (int i = 0; i < 10000; ++i) write_random(dir / "small" / ("s" + std::to_string(i) + ".bin"), small_size(rng), rng);
  for (int i = 0; i < 64; ++i) write_random(dir / "large" / ("l" + std::to_string(i) + ".bin"), 16u << 20, rng);
  return 0;
}

// The files of a folder (not recursive) and their total size.
std::pair<std::vector<fs::path>, std::uint64_t> list_folder(const fs::path& folder) {
  std::vector<fs::path> files;
  std::uint64_t bytes = 0;
  for (const auto& e : fs::directory_iterator(folder)) {
    files.push_back(e.path());
    bytes += e.file_size();
  }
  return {std::move(files), bytes};
}

int add(const fs::path& folder, const fs::path& data, int threads, std::size_t batch) {
  auto [files, bytes] = list_folder(folder);
  auto store = storage::init_store(data).value();
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      storage::AddFileOptions options;
      options.source = "bench";
      if (batch > 1) {  // group commit through add_files
        for (std::size_t i = next.fetch_add(batch); i < files.size(); i = next.fetch_add(batch)) {
          std::vector<fs::path> group(files.begin() + static_cast<std::ptrdiff_t>(i),
                                      files.begin() + static_cast<std::ptrdiff_t>(std::min(files.size(), i + batch)));
          auto docs = storage::add_files(store, group, options, "bench");
          if (!docs) {
            std::cerr << docs.error().describe() << "\n";
            ++failures;
          }
        }
        return;
      }
      for (std::size_t i = next++; i < files.size(); i = next++) {
        auto doc = storage::add_file(store, files[i], options, "bench");
        if (!doc) {
          std::cerr << doc.error().describe() << "\n";
          ++failures;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failures > 0) return 1;
  std::printf("%zu %llu %.3f\n", files.size(), static_cast<unsigned long long>(bytes), seconds);
  return 0;
}

int add_all(const fs::path& folder, const fs::path& data) {
  auto [files, bytes] = list_folder(folder);
  auto store = storage::init_store(data).value();
  storage::AddFileOptions options;
  options.source = "bench";
  int failures = 0;
  auto stats = storage::add_files_each(store, files, options, "bench", [&](std::size_t i, Result<storage::Document> r) {
    if (!r) {
      std::cerr << files[i].string() << ": " << r.error().describe() << "\n";
      ++failures;
    }
  });
  std::cerr << "add_files_each breakdown: " << stats.to_json().dump() << "\n";
  if (failures > 0) return 1;
  std::printf("%zu %llu %.3f\n", files.size(), static_cast<unsigned long long>(bytes), stats.total_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "generate") return generate(args[1]);
  if (args.size() >= 3 && args.size() <= 5 && args[0] == "add") {
    int threads = args.size() >= 4 ? std::stoi(args[3]) : 1;
    std::size_t batch = args.size() >= 5 ? std::stoul(args[4]) : 1;
    return add(args[1], args[2], threads, batch);
  }
  if (args.size() == 3 && args[0] == "add-all") return add_all(args[1], args[2]);
  std::cerr << "usage: bench_store generate DIR | bench_store add FOLDER DATA [THREADS [BATCH]] |\n"
               "       bench_store add-all FOLDER DATA\n";
  return 2;
}
