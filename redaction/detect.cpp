#include "redaction/detect.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "redaction/detail/detect_builtin.h"
#include "redaction/detail/detect_data.h"

namespace redbox::redaction {
namespace {

// find() runs the set over blocks of at least this many bytes (extended to a line break), each
// with a margin so that a match starting in the block but ending after it is still seen whole;
// only the patterns the set reports for a block are then run over that block. Small blocks keep
// that second pass short (measured on letter text: 256 bytes is ~2x faster than 16 KB). A
// match must not run more than kBlockMargin bytes past the end of the line it starts on.
constexpr std::size_t kBlockBytes = 256;
constexpr std::size_t kBlockMargin = 256;
// Before the small blocks, one set pass over a stretch of this many bytes (plus the margin) that
// stops at the first hit: a stretch without any candidate (most prose) is skipped whole, which
// saves the per-block calls and the doubled margins of the small blocks.
constexpr std::size_t kStretchBytes = 65536;
constexpr std::int64_t kSetMemory = 256LL << 20;

enum class Boundary { regex, word };  // who checks word boundaries: the regex itself, or find()

struct CompiledPattern {
  std::string detector;
  std::string label;
  std::string reason;
  int priority = 0;
  std::unique_ptr<RE2> re;
  int groups = 0;  // capturing groups; group 1 (when present) is the reported span
  detail::Validator validate = nullptr;
  Boundary boundary = Boundary::regex;
};

RE2::Options precise_options() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_longest_match(true);
  o.set_max_mem(64 << 20);
  return o;
}

struct Candidate {
  std::size_t begin, end;
  int pattern;
  int priority;
};

}  // namespace

struct DetectorSet::Impl {
  std::vector<CompiledPattern> patterns;
  std::unique_ptr<RE2::Set> set;
  std::vector<std::string> detectors;  // names, priority order

  void scan_pattern(std::string_view text, int index, std::size_t start, std::size_t block_end,
                    std::size_t window_end, std::vector<Candidate>& out) const;
};

void DetectorSet::Impl::scan_pattern(std::string_view text, int index, std::size_t start, std::size_t block_end,
                                     std::size_t window_end, std::vector<Candidate>& out) const {
  const CompiledPattern& p = patterns[static_cast<std::size_t>(index)];
  re2::StringPiece groups[2];
  const int ngroups = p.groups > 0 ? 2 : 1;
  const re2::StringPiece whole(text.data(), text.size());
  std::size_t pos = start;
  while (pos < block_end) {
    if (!p.re->Match(whole, pos, window_end, RE2::UNANCHORED, groups, ngroups)) break;
    const auto match_begin = static_cast<std::size_t>(groups[0].data() - text.data());
    const std::size_t match_end = match_begin + groups[0].size();
    if (match_begin >= block_end) break;
    std::size_t b = match_begin, e = match_end;
    if (ngroups == 2 && groups[1].data() != nullptr) {
      b = static_cast<std::size_t>(groups[1].data() - text.data());
      e = b + groups[1].size();
    }
    std::optional<std::size_t> accepted;
    if (e > b) {
      if (p.boundary == Boundary::word &&
          (detail::word_char_before(text, b) || detail::word_char_at(text, e))) {
        accepted = std::nullopt;
      } else {
        accepted = p.validate ? p.validate(text, b, e) : std::optional<std::size_t>(e);
      }
    }
    if (accepted && *accepted > b) {
      out.push_back({b, *accepted, index, p.priority});
      pos = std::max(match_end, match_begin + 1);
    } else {
      pos = match_begin + 1;  // a rejected candidate may hide a valid one starting later
    }
  }
}

Result<DetectorSet> DetectorSet::compile(const DetectorOptions& options) {
  return guard([&]() -> DetectorSet {
    auto impl = std::make_shared<Impl>();
    const std::vector<std::string>& allowed =
        options.allowed_reasons.empty() ? default_reason_codes() : options.allowed_reasons;
    auto check_reason = [&](const std::string& reason, const std::string& what) {
      if (std::find(allowed.begin(), allowed.end(), reason) == allowed.end())
        fail(Error::invalid_input(what + ": reason code is not in the reason code list"));
    };
    check_reason(options.default_reason, "default reason");

    const auto builtin_names = builtin_detector_names();
    for (const auto& name : options.enabled) {
      const bool known = std::find(builtin_names.begin(), builtin_names.end(), name) != builtin_names.end() ||
                         name == "reference" || name == "term" || name == "regex";
      if (!known) fail(Error::invalid_input("unknown detector '" + name + "'"));
    }
    auto enabled = [&](std::string_view name) {
      return options.enabled.empty() ||
             std::find(options.enabled.begin(), options.enabled.end(), name) != options.enabled.end();
    };
    auto add = [&](std::string detector, std::string label, std::string reason, const std::string& pattern,
                   detail::Validator validate, Boundary boundary, const std::string& what) {
      auto re = std::make_unique<RE2>(pattern, precise_options());
      if (!re->ok()) fail(Error::invalid_input(what + " is not a valid RE2 pattern: " + re->error()));
      CompiledPattern p;
      p.detector = std::move(detector);
      p.label = std::move(label);
      p.reason = std::move(reason);
      p.priority = detail::priority_of(p.detector);
      p.groups = re->NumberOfCapturingGroups();
      p.re = std::move(re);
      p.validate = validate;
      p.boundary = boundary;
      impl->patterns.push_back(std::move(p));
    };

    if (options.uk_pii) {
      for (const auto& b : detail::builtin_patterns()) {
        if (!enabled(b.detector)) continue;
        add(std::string(b.detector), std::string(b.label), options.default_reason, std::string(b.pattern), b.validate,
            Boundary::regex, "built-in detector " + std::string(b.detector));
      }
    }
    const auto& references =
        options.references.empty() && options.uk_pii ? default_reference_patterns() : options.references;
    if (enabled("reference")) {
      for (std::size_t i = 0; i < references.size(); ++i) {
        const auto& r = references[i];
        const std::string what = "reference pattern '" + r.name + "'";
        const std::string reason = r.reason.empty() ? options.default_reason : r.reason;
        check_reason(reason, what);
        add("reference", r.label.empty() ? r.name : r.label, reason, r.pattern, nullptr, Boundary::regex, what);
      }
    }
    if (enabled("term")) {
      for (std::size_t i = 0; i < options.terms.size(); ++i) {
        const auto& t = options.terms[i];
        const std::string what = "term " + std::to_string(i + 1);
        auto pattern = detail::term_pattern(t);
        if (!pattern) fail(pattern.error().within(what));
        const std::string reason =
            t.reason_code.empty() ? default_reason_for(t.role, options.default_reason) : t.reason_code;
        check_reason(reason, what);
        add("term", t.role == TermRole::data_subject ? "Name of the data subject" : "Name of a third party", reason,
            *pattern, nullptr, Boundary::word, what);
      }
    }
    if (enabled("regex")) {
      for (std::size_t i = 0; i < options.regexes.size(); ++i)
        add("regex", "Custom pattern", options.default_reason, options.regexes[i], nullptr, Boundary::regex,
            "regex " + std::to_string(i + 1));
    }

    RE2::Options set_options;
    set_options.set_log_errors(false);
    set_options.set_max_mem(kSetMemory);
    impl->set = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);
    for (std::size_t i = 0; i < impl->patterns.size(); ++i) {
      std::string error;
      if (impl->set->Add(impl->patterns[i].re->pattern(), &error) != static_cast<int>(i))
        fail(Error::invalid_input("pattern " + std::to_string(i + 1) + " cannot join the detector set: " + error));
    }
    if (!impl->patterns.empty() && !impl->set->Compile())
      fail(Error::too_large("the detector patterns are too large to compile together"));

    for (const auto& p : impl->patterns)
      if (std::find(impl->detectors.begin(), impl->detectors.end(), p.detector) == impl->detectors.end())
        impl->detectors.push_back(p.detector);
    std::stable_sort(impl->detectors.begin(), impl->detectors.end(), [](const auto& a, const auto& b) {
      return detail::priority_of(a) < detail::priority_of(b);
    });
    return DetectorSet(std::move(impl));
  });
}

std::vector<TextMatch> DetectorSet::find(std::string_view text) const {
  const Impl& impl = *impl_;
  std::vector<Candidate> candidates;
  if (impl.patterns.empty()) return {};
  // Per pattern, the stretch of text it must be run over: blocks where the set fired for it,
  // consecutive ones joined. A match near a block's end lies in that block's margin and in the
  // next block, so the set fires for both; one precise scan over the joined stretch reads those
  // bytes once instead of twice (and sees a match whole even if it runs past one margin).
  struct Range {
    std::size_t start = 0, block_end = 0, window_end = 0;
    bool open = false;
  };
  std::vector<Range> pending(impl.patterns.size());
  auto flush = [&](std::size_t index) {
    Range& r = pending[index];
    if (r.open) impl.scan_pattern(text, static_cast<int>(index), r.start, r.block_end, r.window_end, candidates);
    r.open = false;
  };
  std::vector<int> fired;
  std::size_t start = 0;
  std::size_t stretch_end = 0;  // end of the stretch known to hold a candidate
  while (start < text.size()) {
    if (start >= stretch_end) {
      stretch_end = std::min(text.size(), start + kStretchBytes);
      if (stretch_end < text.size()) {
        std::size_t nl = text.find('\n', stretch_end);
        stretch_end = (nl == std::string_view::npos || nl - stretch_end > kBlockBytes) ? stretch_end : nl + 1;
      }
      const std::size_t stretch_window = std::min(text.size(), stretch_end + kBlockMargin);
      RE2::Set::ErrorInfo info{};
      const bool any = impl.set->Match(re2::StringPiece(text.data() + start, stretch_window - start), nullptr, &info);
      if (!any && info.kind == RE2::Set::kNoError) {
        start = stretch_end;  // nothing starts in this stretch
        continue;
      }
    }
    std::size_t block_end = std::min(text.size(), start + kBlockBytes);
    if (block_end < text.size()) {
      std::size_t nl = text.find('\n', block_end);
      block_end = (nl == std::string_view::npos || nl - block_end > kBlockBytes) ? block_end : nl + 1;
    }
    const std::size_t window_end = std::min(text.size(), block_end + kBlockMargin);
    fired.clear();
    RE2::Set::ErrorInfo info{};
    const bool any = impl.set->Match(re2::StringPiece(text.data() + start, window_end - start), &fired, &info);
    if (!any && info.kind != RE2::Set::kNoError) {
      // The set's DFA ran out of memory on this block: fall back to every pattern.
      fired.resize(impl.patterns.size());
      for (std::size_t i = 0; i < fired.size(); ++i) fired[i] = static_cast<int>(i);
    }
    for (int index : fired) {
      Range& r = pending[static_cast<std::size_t>(index)];
      if (r.open && r.block_end != start) flush(static_cast<std::size_t>(index));
      if (!r.open) {
        r.start = start;
        r.open = true;
      }
      r.block_end = block_end;
      r.window_end = window_end;
    }
    start = block_end;
  }
  for (std::size_t i = 0; i < pending.size(); ++i) flush(i);

  // One detector's matches never overlap: earliest first, then longest.
  std::sort(candidates.begin(), candidates.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.priority < b.priority;
  });
  std::vector<Candidate> kept;
  kept.reserve(candidates.size());
  std::vector<std::size_t> active;  // indexes into kept whose end is beyond the current begin
  for (const Candidate& c : candidates) {
    std::erase_if(active, [&](std::size_t k) { return kept[k].end <= c.begin; });
    bool drop = false;
    for (std::size_t k : active) {
      const Candidate& o = kept[k];
      const std::string& od = impl.patterns[static_cast<std::size_t>(o.pattern)].detector;
      const std::string& cd = impl.patterns[static_cast<std::size_t>(c.pattern)].detector;
      if (od == cd) {
        drop = true;  // overlaps an earlier (or longer) match of the same detector
        break;
      }
      if (o.begin <= c.begin && c.end <= o.end && o.priority <= c.priority) {
        drop = true;  // wholly inside a stronger detector's match
        break;
      }
    }
    if (drop) continue;
    active.push_back(kept.size());
    kept.push_back(c);
  }
  // A stronger match may start later but cover an earlier-kept weaker one exactly; the sort
  // (longest first at equal begin, then priority) already handles the equal-span case.
  std::vector<TextMatch> out;
  out.reserve(kept.size());
  for (const Candidate& c : kept) {
    const CompiledPattern& p = impl.patterns[static_cast<std::size_t>(c.pattern)];
    out.push_back({c.begin, c.end, p.detector, p.reason, p.label});
  }
  return out;
}

std::vector<std::string> DetectorSet::detector_names() const { return impl_->detectors; }
std::size_t DetectorSet::pattern_count() const { return impl_->patterns.size(); }

std::vector<std::string> builtin_detector_names() {
  std::vector<std::string> names;
  for (const auto& b : detail::builtin_patterns())
    if (std::find(names.begin(), names.end(), b.detector) == names.end()) names.emplace_back(b.detector);
  return names;
}

Result<std::vector<ReferencePattern>> parse_reference_patterns(std::string_view json, std::string_view origin) {
  const std::string where(origin);
  nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded()) return Error::invalid_input(where + ": not valid JSON");
  if (!doc.is_array()) return Error::invalid_input(where + ": expected a JSON array of reference patterns");
  std::vector<ReferencePattern> out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    const std::string what = where + ": pattern " + std::to_string(i + 1);
    auto text = [&](const char* key, bool required) -> std::string {
      if (!item.contains(key)) {
        if (required) fail(Error::invalid_input(what + ": missing \"" + key + "\""));
        return {};
      }
      if (!item[key].is_string()) fail(Error::invalid_input(what + ": \"" + key + "\" must be a string"));
      return item[key].get<std::string>();
    };
    auto parsed = guard([&] {
      if (!item.is_object()) fail(Error::invalid_input(what + ": expected an object"));
      ReferencePattern p{text("name", true), text("pattern", true), text("reason", false), text("label", false)};
      if (p.name.empty()) fail(Error::invalid_input(what + ": empty name"));
      RE2 re(p.pattern, precise_options());
      if (!re.ok()) fail(Error::invalid_input(what + " ('" + p.name + "') is not a valid RE2 pattern: " + re.error()));
      return p;
    });
    if (!parsed) return parsed.error();
    out.push_back(std::move(parsed).value());
  }
  return out;
}

const std::vector<ReferencePattern>& default_reference_patterns() {
  static const std::vector<ReferencePattern> kDefaults =
      parse_reference_patterns(detail::kDefaultReferencePatterns, "redaction/reasons/reference_patterns.json").value();
  return kDefaults;
}

}  // namespace redbox::redaction
