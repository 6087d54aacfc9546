#include "workflows/case_letters.h"

namespace redbox::workflows {

namespace {

std::string address_block(const Case& c) {
  std::string out = c.requester.name.empty() ? std::string() : c.requester.name + "\n";
  std::string addr = c.requester.address;
  std::size_t start = 0;
  while (start < addr.size()) {
    std::size_t comma = addr.find(',', start);
    if (comma == std::string::npos) comma = addr.size();
    std::string line = addr.substr(start, comma - start);
    while (!line.empty() && line.front() == ' ') line.erase(0, 1);
    if (!line.empty()) out += line + "\n";
    start = comma + 1;
  }
  if (!c.requester.postcode.empty() && addr.find(c.requester.postcode) == std::string::npos) out += c.requester.postcode + "\n";
  return out;
}

std::string salutation(const Case& c) { return c.requester.name.empty() ? "Dear Sir or Madam," : "Dear " + c.requester.name + ","; }

}  // namespace

std::string long_date(Date d) {
  return std::to_string(static_cast<unsigned>(d.day())) + " " + month_name(d) + " " + std::to_string(year_of(d));
}

Result<std::string> template_letter(const std::string& kind, const Case& c, const CaseType& type, const std::string& reason,
                                    Date today) {
  std::string head = address_block(c) + "\nOur reference: " + c.reference + "\nDate: " + long_date(today) + "\n\n" + salutation(c) +
                     "\n\n";
  std::string what = type.name + " received on " + long_date(c.received);
  std::string body;
  if (kind == "transfer") {
    std::string where = c.metadata.value("transfer_to", std::string());
    if (where.empty()) return Error::conflict("case " + c.reference + " has not been transferred");
    body = "Re: your " + what + "\n\nThank you for your correspondence. The matters you raise are the responsibility of " + where +
           ", so we have transferred it to them. They will reply to you directly.\n";
    if (!reason.empty()) body += "\nWhy we transferred it: " + reason + "\n";
  } else if (kind == "clarification") {
    body = "Re: your " + what + "\n\nSo that we can answer your request we need some further information" +
           (reason.empty() ? std::string(".") : ": " + reason) +
           "\n\nThe time we have to respond is paused until we receive your reply. If we do not hear from you, we may close "
           "the request; writing to us again will reopen it.\n";
  } else if (kind == "rejection") {
    if (reason.empty()) return Error::conflict("case " + c.reference + " has no recorded reason to send");
    body = "Re: your " + what + "\n\nWe are unable to deal with your request. The reason is: " + reason + "\n";
  } else if (kind == "acknowledgement") {
    body = "Re: your " + what + "\n\nThank you for your correspondence, which we received on " + long_date(c.received) +
           ". We will reply by " + long_date(c.due) + (c.due_time.empty() ? std::string() : " at " + c.due_time) + ".\n";
  } else {
    return Error::invalid_input("letter '" + kind + "': expected transfer, clarification, rejection or acknowledgement");
  }
  return head + body + "\nPlease quote the reference " + c.reference + " in any reply.\n\nYours sincerely,\n\n" +
         (c.team.empty() ? std::string("Correspondence Unit") : c.team) + "\n";
}

}  // namespace redbox::workflows
