// Contribution requests of DraftService (draft_store.h): requested -> submitted -> accepted,
// or -> returned -> submitted again; overdue is requested/returned past the due date. Each
// change queues its notification (draft_notices) in the same transaction (draft_notify.h
// delivers them) and is an audit event.
#include <algorithm>

#include "common/ids.h"
#include "workflows/detail/draft_ops.h"
#include "workflows/detail/draft_rows.h"
#include "workflows/draft_store.h"
#include "workflows/draft_text.h"

namespace redbox::workflows {

using detail::DraftAccess;
using detail::DraftScope;

std::string_view to_string(RequestState s) {
  switch (s) {
    case RequestState::requested: return "requested";
    case RequestState::overdue: return "overdue";
    case RequestState::submitted: return "submitted";
    case RequestState::accepted: return "accepted";
    case RequestState::returned: return "returned";
  }
  return "requested";
}

nlohmann::json ContributionRequest::to_json() const {
  return {{"id", id},
          {"fragment", fragment_id},
          {"fragment_title", fragment_title},
          {"contributor", contributor},
          {"requested_by", requested_by},
          {"instructions", instructions},
          {"due", format_date(due)},
          {"state", to_string(state)},
          {"created", created},
          {"updated", updated},
          {"note", note}};
}

namespace {

constexpr const char* kRequestColumns =
    "r.id, r.fragment_id, f.title, r.contributor, r.requested_by, r.instructions, r.due, r.state, r.created, r.updated, r.note";

ContributionRequest read_request(sql::Statement& st, Date today) {
  ContributionRequest r;
  r.id = st.text(0);
  r.fragment_id = st.text(1);
  r.fragment_title = st.text(2);
  r.contributor = st.text(3);
  r.requested_by = st.text(4);
  r.instructions = st.text(5);
  r.due = parse_date(st.text(6), "due").value();
  std::string state = st.text(7);
  r.state = state == "submitted"  ? RequestState::submitted
            : state == "accepted" ? RequestState::accepted
            : state == "returned" ? RequestState::returned
                                  : RequestState::requested;
  if ((r.state == RequestState::requested || r.state == RequestState::returned) && today > r.due) r.state = RequestState::overdue;
  r.created = st.text(8);
  r.updated = st.text(9);
  r.note = st.text(10);
  return r;
}

ContributionRequest load_request(sql::Database& db, const DraftScope& s, const std::string& request_id, Date today) {
  auto st = db.prepare(std::string("SELECT ") + kRequestColumns +
                       " FROM draft_requests r JOIN draft_fragments f ON f.id = r.fragment_id WHERE r.id = ? AND r.draft_id = ?");
  st.bind(1, request_id).bind(2, s.draft.id);
  if (!st.step()) fail(Error::not_found("no contribution request " + request_id + " on the draft of " + s.kase.reference));
  return read_request(st, today);
}

void queue_notice(sql::Database& db, const std::string& request_id, const std::string& event, const std::string& recipient,
                  const std::string& key, const std::string& now) {
  db.prepare("INSERT OR IGNORE INTO draft_notices (request_id, event, recipient, key, created) VALUES (?, ?, ?, ?, ?)")
      .bind(1, request_id)
      .bind(2, event)
      .bind(3, recipient)
      .bind(4, key)
      .bind(5, now)
      .run();
}

void set_state(storage::CatalogWriter& w, const DraftScope& s, ContributionRequest& r, RequestState to, const std::string& note,
               const std::string& actor) {
  std::string now = format_utc(w.now());
  w.db().prepare("UPDATE draft_requests SET state = ?, updated = ?, note = ? WHERE id = ?")
      .bind(1, to_string(to))
      .bind(2, now)
      .bind(3, note)
      .bind(4, r.id)
      .run();
  std::string from(to_string(r.state));
  r.state = to;
  r.updated = now;
  r.note = note;
  detail::audit_draft(w, s.kase, s.draft.id, actor, "request." + std::string(to_string(to)),
                      {{"request", r.id}, {"fragment", r.fragment_id}, {"contributor", r.contributor}, {"from", from}});
}

bool is_open(RequestState s) { return s == RequestState::requested || s == RequestState::overdue || s == RequestState::returned; }

}  // namespace

Result<ContributionRequest> DraftService::request_contribution(const Actor& actor, const std::string& case_ref, const NewRequest& req) {
  if (req.contributor.empty()) return Error::invalid_input("a contribution request needs the contributor's user name");
  if (req.fragment_id.empty() && req.fragment_title.empty()) {
    return Error::invalid_input("a contribution request needs a fragment: an existing fragment id or a title for a new one");
  }
  Date today = this->today();
  return detail::draft_write<ContributionRequest>(store_, actor, case_ref, "request.create", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::owner);
    if (req.due < today) fail(Error::invalid_input("the due date " + format_date(req.due) + " is in the past (today is " + format_date(today) + ")"));
    auto user = db.prepare("SELECT 1 FROM users WHERE name = ? AND disabled = 0");
    user.bind(1, req.contributor);
    if (!user.step()) fail(Error::not_found("no active user '" + req.contributor + "'"));
    std::string fragment_id = req.fragment_id;
    if (fragment_id.empty()) {
      NewFragment f;
      f.title = req.fragment_title;
      f.kind = "section";
      fragment_id = detail::add_fragment_in(w, s, actor, f).id;
    } else {
      auto layout = detail::layout_at(db, s.draft.id, s.draft.revision);
      if (!detail::find_in_layout(db, layout, fragment_id)) {
        fail(Error::not_found("fragment " + fragment_id + " is not in the current draft of " + s.kase.reference));
      }
    }
    auto open = db.prepare("SELECT id FROM draft_requests WHERE fragment_id = ? AND contributor = ? AND state IN ('requested', 'returned', 'submitted')");
    open.bind(1, fragment_id).bind(2, req.contributor);
    if (open.step()) fail(Error::conflict(req.contributor + " already has an open request (" + open.text(0) + ") for fragment " + fragment_id));
    std::string id = new_id("req");
    std::string now = format_utc(w.now());
    db.prepare("INSERT INTO draft_requests (id, draft_id, fragment_id, contributor, requested_by, instructions, due, state, created, updated) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)")
        .bind(1, id)
        .bind(2, s.draft.id)
        .bind(3, fragment_id)
        .bind(4, req.contributor)
        .bind(5, actor.name)
        .bind(6, req.instructions)
        .bind(7, format_date(req.due))
        .bind(8, now)
        .bind(9, now)
        .run();
    queue_notice(db, id, "contribution_requested", req.contributor, "", now);
    detail::audit_draft(w, s.kase, s.draft.id, actor.name, "request.requested",
                        {{"request", id}, {"fragment", fragment_id}, {"contributor", req.contributor}, {"due", format_date(req.due)}});
    return load_request(db, s, id, today);
  });
}

Result<std::vector<ContributionRequest>> DraftService::requests(const Actor& actor, const std::string& case_ref) const {
  Date today = this->today();
  return detail::draft_read<std::vector<ContributionRequest>>(store_, actor, case_ref, "request.list", [&](sql::Database& db) {
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    auto st = db.prepare(std::string("SELECT ") + kRequestColumns +
                         " FROM draft_requests r JOIN draft_fragments f ON f.id = r.fragment_id WHERE r.draft_id = ? ORDER BY r.created, r.id");
    st.bind(1, s.draft.id);
    std::vector<ContributionRequest> out;
    while (st.step()) {
      auto r = read_request(st, today);
      if (s.access == DraftAccess::contributor && r.contributor != actor.name) continue;
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<ContributionRequest> DraftService::submit(const Actor& actor, const std::string& case_ref, const std::string& request_id,
                                                 const std::optional<std::string>& text) {
  Date today = this->today();
  return detail::draft_write<ContributionRequest>(store_, actor, case_ref, "request.submit", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::contributor);
    auto r = load_request(db, s, request_id, today);
    if (r.contributor != actor.name && !actor.operator_) {
      fail(Error::forbidden(actor.name + " may not submit request " + r.id + ": it was made of " + r.contributor));
    }
    if (!is_open(r.state)) fail(Error::conflict("request " + r.id + " is " + std::string(to_string(r.state)) + "; only an open request is submitted"));
    auto layout = detail::layout_at(db, s.draft.id, s.draft.revision);
    auto at = detail::find_in_layout(db, layout, r.fragment_id);
    if (!at) fail(Error::conflict("fragment " + r.fragment_id + " was removed from the draft of " + s.kase.reference));
    FragmentVersion current = detail::load_version(db, layout[*at]);
    if (text && current.text != *text) {
      draft_text::check_text(*text, "fragment " + r.fragment_id);
      detail::edit_fragment_in(w, s, actor, r.fragment_id, *text, Provenance::written, nlohmann::json::object(), std::nullopt, "fragment.edit");
    } else if (current.text.find_first_not_of(" \t\r\n") == std::string::npos) {
      fail(Error::conflict("fragment " + r.fragment_id + " is empty: write it before submitting"));
    }
    set_state(w, s, r, RequestState::submitted, r.note, actor.name);
    queue_notice(db, r.id, "contribution_submitted", r.requested_by, r.updated, r.updated);
    return r;
  });
}

Result<ContributionRequest> DraftService::accept(const Actor& actor, const std::string& case_ref, const std::string& request_id,
                                                 const std::string& note) {
  Date today = this->today();
  return detail::draft_write<ContributionRequest>(store_, actor, case_ref, "request.accept", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::owner);
    auto r = load_request(db, s, request_id, today);
    if (r.state != RequestState::submitted) {
      fail(Error::conflict("request " + r.id + " is " + std::string(to_string(r.state)) + "; only a submitted contribution is accepted"));
    }
    set_state(w, s, r, RequestState::accepted, note, actor.name);
    queue_notice(db, r.id, "contribution_accepted", r.contributor, r.updated, r.updated);
    return r;
  });
}

Result<ContributionRequest> DraftService::return_request(const Actor& actor, const std::string& case_ref, const std::string& request_id,
                                                         const std::string& note) {
  if (note.empty()) return Error::invalid_input("returning a contribution needs a note saying what to change");
  Date today = this->today();
  return detail::draft_write<ContributionRequest>(store_, actor, case_ref, "request.return", [&](storage::CatalogWriter& w) {
    auto& db = w.db();
    DraftScope s = detail::open_scope(db, actor, case_ref, DraftAccess::owner);
    auto r = load_request(db, s, request_id, today);
    if (r.state != RequestState::submitted) {
      fail(Error::conflict("request " + r.id + " is " + std::string(to_string(r.state)) + "; only a submitted contribution is returned"));
    }
    set_state(w, s, r, RequestState::returned, note, actor.name);
    if (today > r.due) r.state = RequestState::overdue;
    queue_notice(db, r.id, "returned", r.contributor, r.updated, r.updated);
    return r;
  });
}

}  // namespace redbox::workflows
