#include "workflows/notify.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <cstring>

#include "workflows/working_days.h"

namespace redbox::workflows {

namespace {

std::string event_title(const std::string& event) {
  if (event == "allocated") return "Case allocated to you";
  if (event == "contribution_requested") return "Contribution requested";
  if (event == "returned") return "Returned for corrections";
  if (event == "due_soon") return "Due soon";
  if (event == "overdue") return "Overdue";
  if (event == "escalated") return "Escalated";
  if (event == "chase") return "Reminder: action needed";
  if (event == "chase_escalation") return "Escalation: no response after reminders";
  return event;
}

int urgency_rank(const std::string& u) { return u == "overdue" ? 0 : u == "urgent" ? 1 : 2; }

// A socket closed on scope exit.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

class SmtpSession {
 public:
  explicit SmtpSession(const SmtpSettings& s) : settings_(s) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    std::string port = std::to_string(s.port);
    if (int rc = ::getaddrinfo(s.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
      fail(Error::io("SMTP: cannot resolve " + s.host + ": " + gai_strerror(rc)));
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, ::freeaddrinfo);
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd < 0) continue;
      timeval tv{static_cast<time_t>(s.timeout.count()), 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        sock_.fd = fd;
        break;
      }
      ::close(fd);
    }
    if (sock_.fd < 0) fail(Error::io("SMTP: cannot connect to " + s.host + ":" + port));
  }

  // Reads one (possibly multi-line) reply; fails unless its code is `expect`.
  void expect(int code, const std::string& step) {
    std::string line;
    while (true) {
      line = read_line(step);
      if (line.size() < 4 || line[3] != '-') break;
    }
    if (line.size() < 3 || std::atoi(line.substr(0, 3).c_str()) != code) {
      fail(Error::io("SMTP " + step + ": expected " + std::to_string(code) + ", the server said '" + line + "'"));
    }
  }
  void send(const std::string& text, const std::string& step) {
    std::size_t done = 0;
    while (done < text.size()) {
      ssize_t n = ::send(sock_.fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
      if (n <= 0) fail(Error::io("SMTP " + step + ": connection lost while sending"));
      done += static_cast<std::size_t>(n);
    }
  }

 private:
  std::string read_line(const std::string& step) {
    while (true) {
      auto nl = buffer_.find("\r\n");
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 2);
        return line;
      }
      if (buffer_.size() > 65536) fail(Error::io("SMTP " + step + ": reply line too long"));
      char chunk[1024];
      ssize_t n = ::recv(sock_.fd, chunk, sizeof chunk, 0);
      if (n <= 0) fail(Error::io("SMTP " + step + ": no reply (connection closed or timed out)"));
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  const SmtpSettings& settings_;
  Socket sock_;
  std::string buffer_;
};

bool clean_header(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

}  // namespace

Notification make_notification(const Case& c, const CaseType& type, const std::string& event, const std::string& recipient,
                               const std::string& base_url, TimePoint now, const HolidayCalendar& calendar) {
  Deadline d;
  d.due = c.due;
  d.time = c.due_time;
  d.divisions = type.deadline.divisions_for(c.division);
  DeadlineStatus status = deadline_status(d, now, calendar);
  std::string urgency = status.state == DeadlineState::overdue ? "overdue" : status.working_days_left <= 2 ? "urgent" : "normal";
  std::string due = format_date(c.due) + (c.due_time.empty() ? "" : " " + c.due_time);
  std::string link = base_url + "/cases/" + c.id;
  Notification n;
  n.recipient = recipient;
  n.event = event;
  n.urgency = urgency;
  n.subject = "[" + urgency + "] " + event_title(event) + ": " + c.reference + " (" + type.name + "), due " + due;
  n.body = event_title(event) + "\n\nCase: " + c.reference + "\nType: " + type.name + "\nTopic: " + (c.topic.empty() ? "-" : c.topic) +
           "\nUrgency: " + urgency + "\nDeadline: " + due + "\nAction needed: " + (c.action_needed.empty() ? "-" : c.action_needed) +
           "\nLink: " + link + "\n";
  n.payload = {{"event", event}, {"reference", c.reference}, {"case", c.id},  {"type", c.type},
               {"topic", c.topic}, {"urgency", urgency},     {"deadline", due}, {"action", c.action_needed}, {"link", link}};
  return n;
}

TimePoint next_delivery_time(TimePoint now, const WorkingHours& hours, const HolidayCalendar& calendar) {
  WorkingDays wd(calendar, hours.division);
  UkLocalTime local = uk_local_time(now);
  if (wd.is_working_day(local.date) && local.minutes >= hours.start_minutes && local.minutes < hours.end_minutes) return now;
  Date day = local.date;
  if (!wd.is_working_day(day) || local.minutes >= hours.end_minutes) day = wd.next_working_day(day);
  // The start of working hours on `day` in UK time: try GMT, then BST (one hour earlier in UTC).
  TimePoint start = std::chrono::sys_days(day) + std::chrono::minutes(hours.start_minutes);
  if (uk_local_time(start).minutes != hours.start_minutes) start -= std::chrono::hours(1);
  return start;
}

Notification make_digest(const std::vector<Notification>& items, const std::string& recipient, Date day) {
  std::vector<const Notification*> sorted;
  for (const auto& n : items) sorted.push_back(&n);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Notification* a, const Notification* b) { return urgency_rank(a->urgency) < urgency_rank(b->urgency); });
  Notification d;
  d.recipient = recipient;
  d.event = "digest";
  d.urgency = sorted.empty() ? "normal" : sorted.front()->urgency;
  d.subject = "Redbox daily digest " + format_date(day) + ": " + std::to_string(items.size()) + " item(s)";
  d.payload = nlohmann::json::array();
  for (const auto* n : sorted) {
    d.body += "- " + n->subject + "\n  " + n->payload.value("action", std::string()) + "\n  " + n->payload.value("link", std::string()) + "\n";
    d.payload.push_back(n->payload);
  }
  return d;
}

Status send_smtp(const SmtpSettings& settings, const std::vector<Notification>& messages) {
  return guard([&] {
    if (!clean_header(settings.from) || !clean_header(settings.helo)) fail(Error::invalid_input("SMTP settings contain a line break"));
    SmtpSession s(settings);
    s.expect(220, "greeting");
    s.send("EHLO " + settings.helo + "\r\n", "EHLO");
    s.expect(250, "EHLO");
    for (const auto& m : messages) {
      if (!clean_header(m.recipient) || !clean_header(m.subject) || m.recipient.find('@') == std::string::npos) {
        fail(Error::invalid_input("notification to '" + m.recipient + "': not a usable address or subject"));
      }
      s.send("MAIL FROM:<" + settings.from + ">\r\n", "MAIL FROM");
      s.expect(250, "MAIL FROM");
      s.send("RCPT TO:<" + m.recipient + ">\r\n", "RCPT TO");
      s.expect(250, "RCPT TO");
      s.send("DATA\r\n", "DATA");
      s.expect(354, "DATA");
      std::string data = "From: <" + settings.from + ">\r\nTo: <" + m.recipient + ">\r\nSubject: " + m.subject +
                         "\r\nContent-Type: text/plain; charset=utf-8\r\nX-Redbox-Event: " + m.event + "\r\nX-Redbox-Urgency: " + m.urgency +
                         "\r\n\r\n";
      // Body lines with CRLF endings; a leading '.' is doubled (RFC 5321 4.5.2).
      std::size_t start = 0;
      while (start < m.body.size()) {
        std::size_t end = m.body.find('\n', start);
        if (end == std::string::npos) end = m.body.size();
        std::string line = m.body.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && line.front() == '.') line.insert(0, ".");
        data += line + "\r\n";
        start = end + 1;
      }
      data += ".\r\n";
      s.send(data, "message");
      s.expect(250, "end of message");
    }
    s.send("QUIT\r\n", "QUIT");
    s.expect(221, "QUIT");
  });
}

Status post_webhook(const std::string& url, const Notification& message, std::chrono::seconds timeout) {
  return guard([&] {
    // scheme://host[:port]/path
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) fail(Error::invalid_input("webhook URL '" + url + "': expected http:// or https://"));
    std::string scheme = url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https") fail(Error::invalid_input("webhook URL: scheme must be http or https"));
    auto path_start = url.find('/', scheme_end + 3);
    std::string origin = url.substr(0, path_start);
    std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
    httplib::Client client(origin);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    nlohmann::json body = message.payload;
    if (body.is_object()) {
      body["subject"] = message.subject;
      body["urgency"] = message.urgency;
    }
    auto res = client.Post(path, body.dump(), "application/json");
    std::string host = origin.substr(scheme_end + 3);
    if (!res) fail(Error::io("webhook to " + host + ": " + httplib::to_string(res.error())));
    if (res->status < 200 || res->status >= 300) fail(Error::io("webhook to " + host + ": HTTP " + std::to_string(res->status)));
  });
}

}  // namespace redbox::workflows
