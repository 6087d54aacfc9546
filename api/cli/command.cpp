#include "api/cli/command.h"

#include <algorithm>
#include <stdexcept>

namespace redbox::cli {

Registry& Registry::instance() {
  static Registry registry;
  return registry;
}

void Registry::add(Command command) {
  if (find(command.name) != nullptr) throw std::logic_error("duplicate CLI command: " + command.name);
  commands_.push_back(std::move(command));
}

const Command* Registry::find(const std::string& name) const {
  for (const auto& c : commands_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::vector<const Command*> Registry::all() const {
  std::vector<const Command*> out;
  for (const auto& c : commands_) out.push_back(&c);
  std::sort(out.begin(), out.end(), [](const Command* a, const Command* b) { return a->name < b->name; });
  return out;
}

}  // namespace redbox::cli
