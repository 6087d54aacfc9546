// Notifications about cases: a message for an event (allocated, contribution requested,
// returned for corrections, due soon, overdue, escalated) carrying the case reference, type,
// topic, urgency, deadline, the action needed and a link; sent by e-mail over SMTP (plain SMTP
// to a relay, e.g. the department's smarthost on localhost), only inside working hours (so a
// PQ due at noon is not announced at midnight), singly or as a daily digest per recipient.
//
// Thread-safety: pure functions, and send_smtp() uses only its own connection.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"
#include "workflows/calendar.h"
#include "workflows/case_store.h"
#include "workflows/case_type.h"

namespace redbox::workflows {

struct Notification {
  std::string recipient;   // e-mail address
  std::string event;       // allocated, contribution_requested, returned, due_soon, overdue, escalated
  std::string urgency;     // overdue, urgent, normal
  std::string subject;
  std::string body;        // plain text
  nlohmann::json payload;  // the same facts for webhooks
};

// Working hours in UK local time on working days of a division (default 09:00-17:30, England
// and Wales).
struct WorkingHours {
  int start_minutes = 9 * 60;
  int end_minutes = 17 * 60 + 30;
  Division division = Division::england_and_wales;
};

// urgency: overdue if past the deadline, urgent if due within 2 working days, else normal.
Notification make_notification(const Case& c, const CaseType& type, const std::string& event, const std::string& recipient,
                               const std::string& base_url, TimePoint now, const HolidayCalendar& calendar);

// `now` if inside working hours, else the start of the next working period (UTC instant).
TimePoint next_delivery_time(TimePoint now, const WorkingHours& hours, const HolidayCalendar& calendar);

// One message listing several notifications for the same recipient, most urgent first.
Notification make_digest(const std::vector<Notification>& items, const std::string& recipient, Date day);

struct SmtpSettings {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string from = "redbox@localhost";
  std::string helo = "redbox.localhost";
  std::chrono::seconds timeout{10};
};

// Delivers each message in one SMTP session (EHLO, MAIL FROM, RCPT TO, DATA, QUIT); io error
// naming the step and the server's reply on failure.
Status send_smtp(const SmtpSettings& settings, const std::vector<Notification>& messages);

// Posts the notification's payload as JSON to an http:// or https:// URL (a chat or ticketing
// webhook); success is any 2xx. io error naming the URL's host and the status otherwise.
Status post_webhook(const std::string& url, const Notification& message, std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace redbox::workflows
