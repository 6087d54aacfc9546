// Disclosure bundles end to end: real corpus PDFs plus generated ones, read back with MuPDF,
// checked with qpdf, unzip and 7z.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "common/sha256.h"
#include "pipeline/bundle.h"
#include "pipeline/test_bundle_support.h"
#include "support/test_support.h"

using namespace redbox;
using namespace redbox::test;
namespace fs = std::filesystem;

namespace {

std::string stamp(int page) { return *pipeline::format_stamp("SAR-2026-0042-{page:06}", page, "SAR-2026-0042"); }

std::string slurp(const fs::path& p) { return *read_file(p); }

std::vector<fs::path> parts_in(const fs::path& dir) {
  std::vector<fs::path> parts;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find("-part-") != std::string::npos) parts.push_back(e.path());
  std::sort(parts.begin(), parts.end());
  return parts;
}

pipeline::BundleOptions corpus_options(const fs::path& out, const fs::path& generated) {
  pipeline::BundleOptions o;
  o.documents = {{data_path("corpus/pdfs/GeoTopo-komprimiert.pdf")},
                 {data_path("corpus/pdfs/lin1.pdf"), "Letter from the council", "2026-03-01"},
                 {data_path("corpus/pdfs/hybrid-xref.pdf")},
                 {generated},
                 {data_path("corpus/pdfs/inherited-rotate.pdf")},
                 {data_path("corpus/pdfs/habibi-rotated.pdf")}};
  o.output_dir = out;
  o.reference = "SAR-2026-0042";
  o.stamp_pattern = "SAR-2026-0042-{page:06}";
  o.page_of_total = true;
  o.index = true;
  o.max_part_bytes = 600'000;
  o.max_part_pages = 80;
  o.created = TimePoint(std::chrono::seconds(1'790'000'000));
  return o;
}

}  // namespace

TEST_CASE("bundle stamp patterns", "[bundle]") {
  CHECK(*pipeline::format_stamp("SAR-{page:06}", 42, "R") == "SAR-000042");
  CHECK(*pipeline::format_stamp("{ref}/{page}", 7, "R-1") == "R-1/7");
  CHECK(*pipeline::format_stamp("X{page:3}", 1234, "R") == "X1234");
  CHECK_FALSE(pipeline::format_stamp("no page", 1, "R").ok());
  CHECK_FALSE(pipeline::format_stamp("{pages}", 1, "R").ok());
  CHECK_FALSE(pipeline::format_stamp("{page:x}", 1, "R").ok());
  CHECK_FALSE(pipeline::format_stamp("{page", 1, "R").ok());
}

TEST_CASE("bundle: parts within limits, stamps continuous, index and manifest match", "[bundle]") {
  auto tmp = temp_dir();
  const fs::path gen = tmp.path() / "generated-full-page.pdf";
  bundle::write_text_pdf(gen, 3, "Generated");
  const fs::path scan = tmp.path() / "scan.png";
  bundle::write_png(scan, 600, 800);
  auto opts = corpus_options(tmp.path() / "out", gen);
  opts.documents.push_back({scan, "Scanned letter", "2026-02-02"});
  auto result = pipeline::BundleJob(opts).run();
  REQUIRE(result.ok());

  // 1 index + 117 + 30 + 30 + 3 + 1 + 4 + 1
  CHECK(result->total_pages == 187);
  REQUIRE(result->parts.size() >= 3);
  const auto parts = parts_in(opts.output_dir);
  REQUIRE(parts.size() == result->parts.size());

  int next_page = 1;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    INFO(parts[i].filename().string());
    CHECK(parts[i].filename().string() == "SAR-2026-0042-part-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1) +
                                              "-of-" + (parts.size() < 10 ? "0" : "") + std::to_string(parts.size()) + ".pdf");
    CHECK(fs::file_size(parts[i]) <= opts.max_part_bytes);
    const int first = next_page;
    auto pages = bundle::read_pages(parts[i], [&](int p) { return stamp(first + p); });
    CHECK(static_cast<int>(pages.size()) <= opts.max_part_pages);
    for (std::size_t p = 0; p < pages.size(); ++p) {
      INFO("page " << next_page);
      CHECK(pages[p].text.find(stamp(next_page)) != std::string::npos);
      CHECK(pages[p].text.find("Page " + std::to_string(next_page) + " of 187") != std::string::npos);
      // Upright, along the bottom edge as seen (also on /Rotate 90 pages).
      CHECK(pages[p].stamp_horizontal);
      CHECK(pages[p].stamp_box.y0 > pages[p].bounds.y1 - 25);
      ++next_page;
    }
    CHECK(bundle::count_outline_items(parts[i]) >= 1);
    auto check = run_process("qpdf", {"--check", parts[i].string()});
    CHECK(check.exit_code == 0);
  }
  CHECK(next_page == 188);

  // The index (first page of part 1) names the part of each document.
  auto first_pages = bundle::read_pages(parts[0]);
  const std::string& index = first_pages[0].text;
  CHECK(index.find("Index of documents") != std::string::npos);
  CHECK(index.find("Letter from the council") != std::string::npos);
  CHECK(index.find("2026-03-01") != std::string::npos);
  for (const auto& d : result->documents) {
    const std::string part = d.first_part == d.last_part
                                 ? (d.first_part < 10 ? "0" : "") + std::to_string(d.first_part)
                                 : "";
    if (!part.empty()) CHECK(index.find(d.first_stamp + " - " + d.last_stamp + "\n" + part) != std::string::npos);
  }
  // The document spread over parts is listed with both.
  CHECK(result->documents[0].first_part == 1);
  CHECK(result->documents[0].last_part > 1);
  // The document's page range matches where its pages really are: lin1's first page is page 119.
  CHECK(result->documents[1].first_page == 119);

  // Manifest hashes and sizes match the files on disk.
  auto manifest = nlohmann::json::parse(slurp(opts.output_dir / "manifest.json"));
  CHECK(manifest["reference"] == "SAR-2026-0042");
  CHECK(manifest["total_pages"] == 187);
  int manifest_pdfs = 0;
  for (const auto& f : manifest["files"]) {
    const fs::path p = opts.output_dir / f["name"].get<std::string>();
    REQUIRE(fs::exists(p));
    CHECK(f["bytes"].get<std::uint64_t>() == fs::file_size(p));
    CHECK(f["sha256"] == *sha256_file_hex(p));
    if (p.extension() == ".pdf") ++manifest_pdfs;
  }
  CHECK(manifest_pdfs == static_cast<int>(parts.size()) + 1);  // parts + index
  CHECK(fs::exists(opts.output_dir / "SAR-2026-0042-index.pdf"));
  // Nothing staged is left behind.
  for (const auto& e : fs::directory_iterator(opts.output_dir)) CHECK(e.path().filename().string()[0] != '.');
}

TEST_CASE("bundle: content without a free margin is shrunk clear of the stamp", "[bundle]") {
  auto tmp = temp_dir();
  const fs::path gen = tmp.path() / "full.pdf";
  bundle::write_text_pdf(gen, 2, "Full");
  pipeline::BundleOptions o;
  o.documents = {{gen}};
  o.output_dir = tmp.path() / "out";
  o.reference = "R1";
  o.stamp_pattern = "R1-{page:04}";
  REQUIRE(pipeline::BundleJob(o).run().ok());
  auto pages = bundle::read_pages(o.output_dir / "R1-part-01-of-01.pdf", [](int p) { return "R1-000" + std::to_string(p + 1); });
  REQUIRE(pages.size() == 2);
  for (const auto& p : pages) {
    CHECK(p.text.find("Full page") != std::string::npos);
    // The last content line ends above the stamp band.
    const auto last_line = p.text.find("line 59");
    CHECK(last_line != std::string::npos);
    CHECK(p.stamp_box.y0 > p.bounds.y1 - 25);
  }
}

TEST_CASE("bundle: rebuild is byte-identical, zip passes unzip -t and 7z with a password", "[bundle]") {
  auto tmp = temp_dir();
  const fs::path gen = tmp.path() / "g.pdf";
  bundle::write_text_pdf(gen, 2, "Gen");
  auto a = corpus_options(tmp.path() / "a", gen);
  a.zip = true;
  auto b = a;
  b.output_dir = tmp.path() / "b";
  REQUIRE(pipeline::BundleJob(a).run().ok());
  REQUIRE(pipeline::BundleJob(b).run().ok());
  const auto za = a.output_dir / "SAR-2026-0042.zip";
  CHECK(slurp(za) == slurp(b.output_dir / "SAR-2026-0042.zip"));
  auto t = run_process("unzip", {"-t", za.string()});
  CHECK(t.exit_code == 0);
  CHECK(t.out.find("manifest.json") != std::string::npos);
  CHECK(t.out.find("SAR-2026-0042-part-01-of-") != std::string::npos);
  // Only the package is left in the output folder.
  CHECK(std::distance(fs::directory_iterator(a.output_dir), fs::directory_iterator()) == 1);

  // Encrypted, through the CLI with a password file.
  const fs::path pw = tmp.path() / "pw.txt";
  REQUIRE(write_file_atomic(pw, "s3cret-Passw0rd\n").ok());
  auto cli = run_redbox({"bundle-files", gen.string(), data_path("corpus/pdfs/lin1.pdf").string(), "-o",
                         (tmp.path() / "enc").string(), "--ref", "FOI-7", "--stamp", "FOI-7-{page:05}", "--zip",
                         "--password-file", pw.string()});
  REQUIRE(cli.exit_code == 0);
  CHECK(cli.out.find("s3cret") == std::string::npos);
  CHECK(cli.err.find("s3cret") == std::string::npos);
  const auto ze = (tmp.path() / "enc" / "FOI-7.zip").string();
  CHECK(run_process("7z", {"t", "-ps3cret-Passw0rd", ze}).exit_code == 0);
  CHECK(run_process("7z", {"t", "-pwrong", ze}).exit_code != 0);
}

TEST_CASE("bundle: max part pages and cover letter", "[bundle]") {
  auto tmp = temp_dir();
  auto r = run_redbox({"--json", "bundle-files", data_path("corpus/pdfs/lin1.pdf").string(),
                       data_path("corpus/pdfs/page-labels-and-outlines.pdf").string(), "-o", (tmp.path() / "o").string(),
                       "--cover", data_path("corpus/pdfs/trivial.pdf").string(), "--index", "--max-part-pages", "25",
                       "--stamp", "B-{page}"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  int total = 0;
  for (const auto& p : j["parts"]) {
    CHECK(p["pages"].get<int>() <= 25);
    total += p["pages"].get<int>();
  }
  CHECK(total == j["total_pages"].get<int>());
  CHECK(total == 1 + 1 + 30 + 30);
  auto pages = bundle::read_pages(tmp.path() / "o" / j["parts"][0]["name"].get<std::string>());
  CHECK(pages[0].text.find("B-1") != std::string::npos);
  CHECK(pages[1].text.find("Index of documents") != std::string::npos);
}

TEST_CASE("bundle: bad inputs give clear errors and leave nothing behind", "[bundle]") {
  auto tmp = temp_dir();
  const auto out = tmp.path() / "out";
  const std::string lin1 = data_path("corpus/pdfs/lin1.pdf").string();
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"bundle-files", "-o", out.string(), "--stamp", "X-{page}"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_redbox(args);
  };
  auto missing = run({lin1, (tmp.path() / "nope.pdf").string()});
  CHECK(missing.exit_code == 4);
  CHECK(missing.err.find("nope.pdf") != std::string::npos);

  const auto text = tmp.path() / "notes.pdf";
  REQUIRE(write_file_atomic(text, "just some text, not a PDF\n").ok());
  auto nonpdf = run({text.string()});
  CHECK(nonpdf.exit_code == 2);
  CHECK(nonpdf.err.find("not a PDF") != std::string::npos);

  auto encrypted = run({data_path("corpus/pdfs/libreoffice-writer-password.pdf").string()});
  CHECK(encrypted.exit_code == 7);
  CHECK(encrypted.err.find("libreoffice-writer-password.pdf") != std::string::npos);

  auto corrupt = run({data_path("corpus/hostile/invalid.pdf").string()});
  CHECK(corrupt.exit_code != 0);
  CHECK(corrupt.signal == 0);

  auto too_small = run({data_path("corpus/pdfs/GeoTopo-komprimiert.pdf").string(), "--max-part-size", "100KB"});
  CHECK(too_small.exit_code == 6);
  CHECK(too_small.err.find("GeoTopo-komprimiert.pdf") != std::string::npos);
  CHECK(too_small.err.find("page ") != std::string::npos);

  auto bad_stamp = run({lin1, "--stamp", "no-field"});
  CHECK(bad_stamp.exit_code == 2);

  // Nothing from the failed runs looks like a bundle.
  if (fs::exists(out))
    for (const auto& e : fs::directory_iterator(out)) FAIL_CHECK("left behind: " << e.path());

  // An output "folder" under a regular file cannot be created.
  auto unwritable = run_redbox({"bundle-files", lin1, "-o", (text / "sub").string()});
  CHECK(unwritable.exit_code == 9);

  // A full disk: the CLI under a 200 KiB file size limit (SIGXFSZ ignored, so writes fail).
  const auto full = tmp.path() / "full";
  fs::create_directories(full);
  auto disk_full = run_process("bash", {"-c", "trap '' XFSZ; ulimit -f 200; exec \"$@\"", "bash", redbox_binary().string(),
                                        "bundle-files", data_path("corpus/pdfs/GeoTopo-komprimiert.pdf").string(), "-o",
                                        full.string(), "--zip"});
  CHECK(disk_full.exit_code == 9);
  CHECK(disk_full.signal == 0);
  for (const auto& e : fs::directory_iterator(full)) FAIL_CHECK("left behind after disk full: " << e.path());
}
