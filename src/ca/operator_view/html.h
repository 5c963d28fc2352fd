// Small pieces of server-rendered HTML for the operator view: escaping and
// the formats of times and durations. Every value that comes from a client
// or the store (identifiers, problem details, account ids) goes through
// HtmlEscape before it is written into a page.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "acme/objects.h"

namespace signet::ca::operator_view {

// `text` with & < > " ' as character references: safe in element content and
// in a quoted attribute value.
std::string HtmlEscape(std::string_view text);

// "2026-12-05 02:10:33Z".
std::string FormatTime(acme::TimePoint t);

// A short duration: "42s", "3m 12s", "2h 05m", "3d 04h"; negative ones with
// a leading "-".
std::string FormatAge(std::chrono::seconds d);

}  // namespace signet::ca::operator_view
