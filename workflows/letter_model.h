// What Redbox learns from a case's letter text (the OCR output of intake): its MinHash signature
// for near-duplicate search (similar_letters.h) and, when the case has a topic, its word counts
// for topic suggestion (topic_suggest.h). The text itself is not stored here.
// Thread-safety: as the Catalog.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "storage/catalog.h"
#include "workflows/similar_letters.h"
#include "workflows/topic_suggest.h"

namespace redbox::workflows {

// Records the letter (document linked to the case) in one transaction with an audit event
// ("case.letter_indexed"). not_found if the case or document is unknown.
Status record_letter(storage::Catalog& catalog, const std::string& actor, const std::string& case_id_or_reference,
                     const std::string& document_id, std::string_view text);

// The topic model from every recorded letter, with the current directory's keywords as fallback.
Result<TopicSuggester> load_topic_suggester(const storage::Catalog& catalog);

}  // namespace redbox::workflows
