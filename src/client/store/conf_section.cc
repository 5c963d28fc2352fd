// ConfSection: configobj's Section (ordered scalars, then subsections, with
// their comments), and its __setitem__ / __delitem__ rules.
#include <algorithm>

#include "client/store/configobj.h"

namespace signet::client {

ConfSection::ConfSection(const ConfSection& other) : scalars_(other.scalars_) {
  for (const Sub& sub : other.sections_)
    sections_.push_back(Sub{sub.name, std::make_unique<ConfSection>(*sub.section), sub.comments,
                            sub.inline_comment});
}

ConfSection& ConfSection::operator=(const ConfSection& other) {
  if (this != &other) *this = ConfSection(other);
  return *this;
}

ConfSection::Scalar* ConfSection::FindScalarEntry(std::string_view key) {
  for (Scalar& s : scalars_)
    if (s.key == key) return &s;
  return nullptr;
}

ConfSection::Sub* ConfSection::FindSubEntry(std::string_view name) {
  for (Sub& s : sections_)
    if (s.name == name) return &s;
  return nullptr;
}

const ConfValue* ConfSection::Find(std::string_view key) const {
  for (const Scalar& s : scalars_)
    if (s.key == key) return &s.value;
  return nullptr;
}

const ConfSection* ConfSection::FindSection(std::string_view name) const {
  for (const Sub& s : sections_)
    if (s.name == name) return s.section.get();
  return nullptr;
}

ConfSection* ConfSection::FindSection(std::string_view name) {
  Sub* sub = FindSubEntry(name);
  return sub ? sub->section.get() : nullptr;
}

void ConfSection::Set(std::string_view key, ConfValue value) {
  if (Scalar* s = FindScalarEntry(key)) {
    s->value = std::move(value);
    return;
  }
  Scalar entry{std::string(key), std::move(value), {}, {}};
  if (Sub* sub = FindSubEntry(key)) {  // a section turning into a scalar
    entry.comments = sub->comments;
    entry.inline_comment = sub->inline_comment;
    Remove(key);
  }
  scalars_.push_back(std::move(entry));
}

ConfSection& ConfSection::SetSection(std::string_view name, ConfSection section) {
  if (Sub* sub = FindSubEntry(name)) {
    *sub->section = std::move(section);
    return *sub->section;
  }
  Sub entry{std::string(name), std::make_unique<ConfSection>(std::move(section)), {}, {}};
  if (Scalar* s = FindScalarEntry(name)) {
    entry.comments = s->comments;
    entry.inline_comment = s->inline_comment;
    Remove(name);
  }
  sections_.push_back(std::move(entry));
  return *sections_.back().section;
}

bool ConfSection::Remove(std::string_view key) {
  auto s =
      std::find_if(scalars_.begin(), scalars_.end(), [&](const Scalar& e) { return e.key == key; });
  if (s != scalars_.end()) {
    scalars_.erase(s);
    return true;
  }
  auto t =
      std::find_if(sections_.begin(), sections_.end(), [&](const Sub& e) { return e.name == key; });
  if (t != sections_.end()) {
    sections_.erase(t);
    return true;
  }
  return false;
}

void ConfSection::SetComments(std::string_view key, std::vector<std::string> comments) {
  if (Scalar* s = FindScalarEntry(key)) {
    s->comments = std::move(comments);
  } else if (Sub* sub = FindSubEntry(key)) {
    sub->comments = std::move(comments);
  }
}

}  // namespace signet::client
