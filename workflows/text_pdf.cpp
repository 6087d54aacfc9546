#include "workflows/text_pdf.h"

#include <cstdio>
#include <vector>

namespace redbox::workflows {

namespace {

constexpr std::size_t kWrap = 85;
constexpr int kLinesPerPage = 56;

// UTF-8 to Latin-1 (WinAnsi agrees for the printable range we use); others become '?'.
std::string to_latin1(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < s.size()) {
      unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      out += cp >= 0xA0 && cp <= 0xFF ? static_cast<char>(cp) : '?';
      i += 2;
    } else {
      out += '?';
      ++i;
      while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    }
  }
  return out;
}

std::vector<std::string> wrap_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string para = text.substr(start, end - start);
    if (!para.empty() && para.back() == '\r') para.pop_back();
    if (para.empty()) lines.emplace_back();
    while (!para.empty()) {
      if (para.size() <= kWrap) {
        lines.push_back(para);
        break;
      }
      std::size_t cut = para.rfind(' ', kWrap);
      if (cut == std::string::npos || cut == 0) cut = kWrap;
      lines.push_back(para.substr(0, cut));
      para = para.substr(cut);
      if (!para.empty() && para.front() == ' ') para.erase(0, 1);
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return lines;
}

std::string pdf_string(const std::string& s) {
  std::string out = "(";
  for (char c : s) {
    if (c == '(' || c == ')' || c == '\\') out += '\\';
    if (c == '\t') {
      out += "    ";
      continue;
    }
    out += c;
  }
  return out + ")";
}

}  // namespace

std::string text_to_pdf(std::string_view utf8_text, std::string_view title) {
  auto lines = wrap_lines(to_latin1(utf8_text));
  if (lines.empty()) lines.emplace_back();
  std::vector<std::string> contents;
  for (std::size_t i = 0; i < lines.size(); i += kLinesPerPage) {
    std::string c = "BT /F1 11 Tf 13 TL 56 786 Td\n";
    for (std::size_t j = i; j < lines.size() && j < i + kLinesPerPage; ++j) c += pdf_string(lines[j]) + " Tj T*\n";
    c += "ET\n";
    contents.push_back(std::move(c));
  }
  // Objects: 1 catalog, 2 pages, 3 font, 4 info, then per page: page, content.
  std::vector<std::string> objects;
  std::string kids;
  for (std::size_t p = 0; p < contents.size(); ++p) kids += std::to_string(5 + 2 * p) + " 0 R ";
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Count " + std::to_string(contents.size()) + " /Kids [" + kids + "] >>");
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  objects.push_back("<< /Title " + pdf_string(to_latin1(title)) + " /Producer (Redbox) >>");
  for (std::size_t p = 0; p < contents.size(); ++p) {
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents " +
                      std::to_string(6 + 2 * p) + " 0 R >>");
    objects.push_back("<< /Length " + std::to_string(contents[p].size()) + " >>\nstream\n" + contents[p] + "endstream");
  }
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto off : offsets) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    pdf += buf;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R /Info 4 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace redbox::workflows
