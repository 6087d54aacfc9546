// Checksum and format rules applied to the candidates the detector regexes find. Each takes the
// candidate text and answers whether it is a real identifier; the span-adjusting ones return the
// accepted length (0 = reject) so a candidate can be trimmed (an IBAN followed by a stray group,
// an IP with an out-of-range CIDR suffix).
#pragma once

#include <cstddef>
#include <string_view>

namespace redbox::redaction::detail {

bool luhn_valid(std::string_view digits);            // digits only
bool nhs_number_valid(std::string_view candidate);   // separators allowed; modulus 11
bool nino_valid(std::string_view candidate);         // prefix rules; separators allowed
bool payment_card_valid(std::string_view candidate); // 13-19 digits, layout, Luhn
bool driving_licence_valid(std::string_view candidate);
bool calendar_date_valid(int day, int month, int year);  // year 0 = unknown
bool date_text_valid(std::string_view date);          // "12/03/1984", "3rd March 1984", "1984-03-12"
bool uk_phone_valid(std::string_view candidate);      // national or +44 forms
bool intl_phone_valid(std::string_view candidate);    // +CC forms: 8-15 digits, balanced parens

// Returns the accepted length of an IBAN starting at the candidate (spaces allowed between
// characters), or 0. Uses the country's registered length and ISO 7064 mod-97.
std::size_t iban_accepted_length(std::string_view candidate);

// IPv4 (optionally with /0-32) or IPv6 (with ::, embedded IPv4, %zone, /0-128). Returns the
// accepted length (an invalid CIDR suffix is trimmed), or 0.
std::size_t ipv4_accepted_length(std::string_view candidate);
std::size_t ipv6_accepted_length(std::string_view candidate);

}  // namespace redbox::redaction::detail
