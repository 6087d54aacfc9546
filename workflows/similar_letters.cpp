#include "workflows/similar_letters.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace redbox::workflows {

namespace {

constexpr std::size_t kShingle = 5;
constexpr std::size_t kBands = 16;
constexpr std::size_t kRows = kMinHashSize / kBands;

std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    if (w.size() > 1) out.push_back(w);
    w.clear();
  };
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0) {
      w += static_cast<char>(std::tolower(c));
    } else if (c != '\'') {
      flush();
    }
  }
  flush();
  return out;
}

std::vector<std::uint64_t> shingles(std::string_view text) {
  auto ws = words(text);
  std::vector<std::uint64_t> out;
  if (ws.empty()) return out;
  std::size_t span = std::min(kShingle, ws.size());
  for (std::size_t i = 0; i + span <= ws.size(); ++i) {
    std::uint64_t h = 1469598103934665603ULL;
    for (std::size_t j = i; j < i + span; ++j) {
      h = fnv1a(ws[j], h);
      h = fnv1a(" ", h);
    }
    out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Permutations {
  std::array<std::uint64_t, kMinHashSize> a{};
  std::array<std::uint64_t, kMinHashSize> b{};
  Permutations() {
    for (std::size_t i = 0; i < kMinHashSize; ++i) {
      a[i] = mix(2 * i + 1) | 1ULL;
      b[i] = mix(2 * i + 2);
    }
  }
};

std::uint64_t band_key(const MinHashSignature& s, std::size_t band) {
  std::uint64_t h = mix(band);
  for (std::size_t r = 0; r < kRows; ++r) h = mix(h ^ s[band * kRows + r]);
  return h;
}

}  // namespace

MinHashSignature minhash_signature(std::string_view text) {
  static const Permutations perms;
  MinHashSignature sig;
  sig.fill(0xFFFFFFFFu);
  for (std::uint64_t x : shingles(text)) {
    for (std::size_t i = 0; i < kMinHashSize; ++i) {
      auto v = static_cast<std::uint32_t>((x * perms.a[i] + perms.b[i]) >> 32);
      if (v < sig[i]) sig[i] = v;
    }
  }
  return sig;
}

double estimated_similarity(const MinHashSignature& a, const MinHashSignature& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < kMinHashSize; ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(kMinHashSize);
}

double shingle_jaccard(std::string_view a, std::string_view b) {
  auto sa = shingles(a);
  auto sb = shingles(b);
  if (sa.empty() && sb.empty()) return 1.0;
  std::vector<std::uint64_t> both;
  std::set_intersection(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(both));
  return static_cast<double>(both.size()) / static_cast<double>(sa.size() + sb.size() - both.size());
}

void SimilarLetterIndex::add(const std::string& document_id, const std::string& case_id, const MinHashSignature& signature) {
  auto n = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back({document_id, case_id, signature});
  for (std::size_t band = 0; band < kBands; ++band) bands_[band][band_key(signature, band)].push_back(n);
}

std::vector<SimilarLetter> SimilarLetterIndex::find(const MinHashSignature& signature, double threshold, std::size_t limit) const {
  std::vector<std::uint32_t> candidates;
  for (std::size_t band = 0; band < kBands; ++band) {
    auto it = bands_[band].find(band_key(signature, band));
    if (it != bands_[band].end()) candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<SimilarLetter> out;
  for (std::uint32_t c : candidates) {
    double s = estimated_similarity(signature, entries_[c].signature);
    if (s >= threshold) out.push_back({entries_[c].document_id, entries_[c].case_id, s});
  }
  std::sort(out.begin(), out.end(), [](const SimilarLetter& a, const SimilarLetter& b) {
    return a.similarity != b.similarity ? a.similarity > b.similarity : a.document_id < b.document_id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<SimilarLetterIndex> SimilarLetterIndex::load(const storage::Catalog& catalog) {
  SimilarLetterIndex index;
  Status s = catalog.read([&](sql::Database& db) {
    auto st = db.prepare("SELECT document_id, case_id, signature FROM letter_signatures ORDER BY num");
    while (st.step()) {
      std::string blob = st.text(2);
      if (blob.size() != sizeof(MinHashSignature)) {
        fail(Error::corrupt("letter_signatures: the signature of " + st.text(0) + " has " + std::to_string(blob.size()) + " bytes"));
      }
      MinHashSignature sig;
      std::memcpy(sig.data(), blob.data(), sizeof sig);
      index.add(st.text(0), st.optional_text(1).value_or(""), sig);
    }
  });
  if (!s) return s.error();
  return index;
}

void store_signature(sql::Database& db, const std::string& document_id, const std::string& case_id, const MinHashSignature& signature) {
  std::string_view bytes(reinterpret_cast<const char*>(signature.data()), sizeof signature);
  db.prepare("INSERT INTO letter_signatures (document_id, case_id, signature) VALUES (?, ?, ?) "
             "ON CONFLICT (document_id) DO UPDATE SET case_id = excluded.case_id, signature = excluded.signature")
      .bind(1, document_id)
      .bind(2, case_id.empty() ? std::optional<std::string>() : std::optional<std::string>(case_id))
      .bind_blob(3, bytes)
      .run();
}

}  // namespace redbox::workflows
