// Near-duplicate letters: campaign letters and repeated questions are found by the overlap of
// their word 5-gram shingles (Jaccard similarity), estimated with 64-value MinHash signatures
// and found quickly with locality-sensitive hashing (16 bands of 4 values: pairs with
// similarity 0.5 are candidates with probability ~0.65, 0.7 with ~0.98, 0.3 with ~0.12). Candidates
// are then scored on the full signature, so the answer lists letters whose estimated
// similarity reaches the threshold, most similar first.
//
// Text is normalised first (lower case, letters and digits only, words of one character
// dropped), so OCR noise in punctuation and spacing does not matter.
//
// Signatures persist in the catalog (table letter_signatures, keyed by document); an index is
// loaded from it once and kept up to date by add(). Memory: ~600 bytes per letter.
// Thread-safety: SimilarLetterIndex is not synchronised; guard it if shared (queries are const
// and may run concurrently with each other, not with add()).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "common/sqlite.h"
#include "storage/catalog.h"

namespace redbox::workflows {

constexpr std::size_t kMinHashSize = 64;
using MinHashSignature = std::array<std::uint32_t, kMinHashSize>;

// nullopt-like: a text with fewer than 5 words still gets a signature of its words.
MinHashSignature minhash_signature(std::string_view text);
double estimated_similarity(const MinHashSignature& a, const MinHashSignature& b);
// Exact Jaccard similarity of two texts' shingle sets (for tests and explanations).
double shingle_jaccard(std::string_view a, std::string_view b);

struct SimilarLetter {
  std::string document_id;
  std::string case_id;
  double similarity = 0;
};

class SimilarLetterIndex {
 public:
  void add(const std::string& document_id, const std::string& case_id, const MinHashSignature& signature);
  // Letters at or above `threshold` estimated similarity, most similar first, at most `limit`.
  std::vector<SimilarLetter> find(const MinHashSignature& signature, double threshold = 0.5, std::size_t limit = 20) const;
  std::size_t size() const { return entries_.size(); }

  // Loads every stored signature.
  static Result<SimilarLetterIndex> load(const storage::Catalog& catalog);

 private:
  struct Entry {
    std::string document_id;
    std::string case_id;
    MinHashSignature signature;
  };
  std::vector<Entry> entries_;
  std::array<std::unordered_map<std::uint64_t, std::vector<std::uint32_t>>, 16> bands_;
};

// Stores a letter's signature (inside a Catalog::write transaction); replaces an earlier one.
void store_signature(sql::Database& db, const std::string& document_id, const std::string& case_id,
                     const MinHashSignature& signature);

}  // namespace redbox::workflows
