// The draft markup and the word diff behind blame and compare.
#include <catch2/catch.hpp>

#include <random>

#include "workflows/draft_text.h"
#include "workflows/word_diff.h"

using namespace redbox::workflows;

TEST_CASE("draft markup: paragraphs, headings, lists, bold and italic", "[workflows][drafts]") {
  auto blocks = draft_text::parse("# Your request\n\nThank you for your\nletter of **2 March**.\n\n- first *point*\n- second\n\n3. numbered\n4. next\n\nA * lone star");
  REQUIRE(blocks.size() == 7);
  CHECK(blocks[0].kind == rich_pdf::BlockKind::heading);
  CHECK(blocks[1].kind == rich_pdf::BlockKind::paragraph);
  REQUIRE(blocks[1].runs.size() == 3);
  CHECK(blocks[1].runs[0].text == "Thank you for your letter of ");
  CHECK(blocks[1].runs[1].text == "2 March");
  CHECK(blocks[1].runs[1].bold);
  CHECK(blocks[2].kind == rich_pdf::BlockKind::bullet_item);
  CHECK(blocks[2].runs[1].italic);
  CHECK(blocks[4].kind == rich_pdf::BlockKind::numbered_item);
  CHECK(blocks[4].number == 3);
  CHECK(blocks[6].runs.size() == 1);
  CHECK(blocks[6].runs[0].text == "A * lone star");  // unmatched marker stays literal

  auto words = draft_text::words("Thank **you** for *your* letter");
  REQUIRE(words.size() == 5);
  CHECK(words[1].text == "you");
  CHECK(words[1].bold);
  CHECK(draft_text::plain(words) == "Thank you for your letter");
  // Formatting does not change the words (so it does not change who wrote them).
  CHECK(draft_text::word_hashes(words) == draft_text::word_hashes(draft_text::words("Thank you for your letter")));

  CHECK_THROWS_AS(draft_text::check_text(std::string("bad \xff byte"), "fragment"), redbox::Failure);
  CHECK_THROWS_AS(draft_text::check_text(std::string("nul \0 byte", 10), "fragment"), redbox::Failure);
  CHECK_NOTHROW(draft_text::check_text("caf\xc3\xa9 \xe2\x80\x94 ok", "fragment"));
}

namespace {

std::size_t lcs_length(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::vector<std::vector<std::size_t>> t(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  return t[a.size()][b.size()];
}

}  // namespace

TEST_CASE("word diff: the script rebuilds the new sequence and is minimal", "[workflows][drafts]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::uint64_t> a(rng() % 40), b(rng() % 40);
    for (auto& x : a) x = rng() % 5;
    for (auto& x : b) x = rng() % 5;
    auto edits = word_diff::diff(a, b);
    std::vector<std::uint64_t> rebuilt;
    std::size_t equal = 0, ai = 0;
    for (const auto& e : edits) {
      if (e.op == word_diff::Op::equal) {
        REQUIRE(e.a_pos == ai);
        for (std::size_t i = 0; i < e.length; ++i) {
          REQUIRE(a[e.a_pos + i] == b[e.b_pos + i]);
          rebuilt.push_back(a[e.a_pos + i]);
        }
        equal += e.length;
        ai += e.length;
      } else if (e.op == word_diff::Op::insert) {
        for (std::size_t i = 0; i < e.length; ++i) rebuilt.push_back(b[e.b_pos + i]);
      } else {
        REQUIRE(e.a_pos == ai);
        ai += e.length;
      }
    }
    REQUIRE(ai == a.size());
    REQUIRE(rebuilt == b);
    REQUIRE(equal == lcs_length(a, b));  // Myers finds a longest common subsequence
  }
  // Over the edit cap: still a correct script (all removed, all inserted), never a blow-up.
  std::vector<std::uint64_t> a(3000), b(3000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = i;
    b[i] = i + 100000;
  }
  auto edits = word_diff::diff(a, b, 100);
  REQUIRE(edits.size() == 2);
  CHECK(edits[0].op == word_diff::Op::remove);
  CHECK(edits[1].op == word_diff::Op::insert);
}
