#include "client/agent/lineage_choice.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace signet::client {
namespace {

using Due = std::function<Result<RenewalCheck>(const Lineage&)>;

std::set<std::string> AsSet(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

std::string Join(const std::set<std::string>& names, const std::string& sep) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

std::string JoinList(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// certbot's _handle_identical_cert_request: renew when due, else keep
// (--keep-until-expiring, or no terminal) or ask.
Result<LineageChoice> Identical(const AgentOptions& o, const StoreLayout& layout,
                                const Prompter& prompter, const Lineage& lineage,
                                std::vector<std::string> names, const Due& due) {
  LineageChoice c;
  c.name = lineage.name();
  c.names = std::move(names);
  auto check = due(lineage);
  if (!check.ok() || check->due) {
    c.action = LineageChoice::kRenew;
    if (check.ok()) c.reason = check->reason;
    return c;
  }
  c.check = *check;
  c.action = LineageChoice::kKeep;
  if (o.keep_until_expiring || !prompter.interactive()) return c;
  std::string keep = o.verb == "run" ? "Attempt to reinstall this existing certificate"
                                     : "Keep the existing certificate for now";
  auto answer = prompter.Menu(
      "You have an existing certificate that has exactly the same domains or certificate name "
      "you requested and isn't close to expiry.\n(ref: " +
          layout.RenewalConfPath(lineage.name()).string() + ")\n\nWhat would you like to do?",
      {keep, "Renew & replace the certificate (may be subject to CA rate limits)"});
  if (!answer) return Error(ErrorCode::kMalformed, "Operation canceled. You may re-run the client.");
  if (*answer == 1) {
    c.action = LineageChoice::kRenew;
    c.reason = "renewal asked for on the terminal";
  }
  return c;
}

// certbot's _handle_subset_cert_request: `lineage` has some of the names.
Result<LineageChoice> Subset(const AgentOptions& o, const StoreLayout& layout,
                             const Prompter& prompter, const Lineage& lineage,
                             const std::vector<std::string>& existing) {
  LineageChoice c{LineageChoice::kRenew, lineage.name(), o.domains,
                  o.expand ? "--expand" : "--force-renewal", std::nullopt};
  if (o.expand || o.force_renewal) return c;
  std::string conf = layout.RenewalConfPath(lineage.name()).string();
  if (!prompter.interactive())
    return Error(ErrorCode::kMalformed,
                 "You have an existing certificate that contains a portion of the domains you "
                 "requested (ref: " + conf + "); pass --expand to replace it with one for all the "
                 "names, or --duplicate to obtain a separate certificate");
  auto yes = prompter.YesNo(
      "You have an existing certificate that contains a portion of the domains you requested "
      "(ref: " + conf + ")\n\nIt contains these names: " + JoinList(existing) +
          "\n\nYou requested these names for the new certificate: " + JoinList(o.domains) +
          ".\n\nDo you want to expand and replace this existing certificate with the new "
          "certificate?",
      "Expand", "Cancel");
  if (yes && *yes) {
    c.reason = "expansion accepted on the terminal";
    return c;
  }
  return Error(ErrorCode::kMalformed,
               "User chose to cancel the operation and may reinvoke the client (to obtain a "
               "separate certificate for these names, add --duplicate).");
}

}  // namespace

Result<LineageChoice> ChooseLineage(const AgentOptions& o, const StoreLayout& layout,
                                    const Prompter& prompter, const Due& due) {
  LineageChoice fresh{LineageChoice::kNew, "", o.domains, "", std::nullopt};
  if (o.duplicate) return fresh;
  if (!o.cert_name.empty()) {
    if (!std::filesystem::exists(layout.RenewalConfPath(o.cert_name))) {
      if (!o.domains.empty()) return fresh;
      return Error(ErrorCode::kMalformed,
                   "No certificate with name " + o.cert_name + " found. Use -d to specify "
                   "domains, or run signet certificates to see possible certificate names.");
    }
    SIGNET_ASSIGN_OR_RETURN(Lineage lineage, Lineage::Open(layout, o.cert_name));
    SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> current, lineage.CurrentNames());
    if (o.domains.empty() || AsSet(o.domains) == AsSet(current))
      return Identical(o, layout, prompter, lineage, current, due);
    // New names for an existing lineage: certbot asks (default yes).
    if (!o.renew_with_new_domains && prompter.interactive()) {
      std::set<std::string> added, removed;
      for (const auto& n : o.domains) if (!AsSet(current).count(n)) added.insert(n);
      for (const auto& n : current) if (!AsSet(o.domains).count(n)) removed.insert(n);
      auto list = [](const std::set<std::string>& s, const char* ch) {
        return s.empty() ? std::string("\n(None)") : "\n" + std::string(ch) + " " +
                                                       Join(s, "\n" + std::string(ch) + " ");
      };
      auto yes = prompter.YesNo("You are updating certificate " + o.cert_name +
                                    " to include new domain(s): " + list(added, "+") +
                                    "\n\nYou are also removing previously included domain(s): " +
                                    list(removed, "-") + "\n\nDid you intend to make this change?",
                                "Update certificate", "Cancel");
      if (!yes || !*yes)
        return Error(ErrorCode::kMalformed, "Specified mismatched certificate name and domains.");
    }
    return LineageChoice{LineageChoice::kRenew, o.cert_name, o.domains, "new names", std::nullopt};
  }
  // By names: an identical lineage first, else one with a subset of them.
  std::optional<Lineage> subset;
  std::vector<std::string> subset_names;
  for (const auto& name : Lineage::ListNames(layout)) {
    auto lineage = Lineage::Open(layout, name);
    if (!lineage.ok()) continue;
    auto current = lineage->CurrentNames();
    if (!current.ok()) continue;
    if (AsSet(*current) == AsSet(o.domains))
      return Identical(o, layout, prompter, *lineage, *current, due);
    auto wanted = AsSet(o.domains);
    bool contained = std::all_of(current->begin(), current->end(),
                                 [&](const std::string& n) { return wanted.count(n) > 0; });
    if (contained && !subset) {
      subset.emplace(std::move(*lineage));
      subset_names = *current;
    }
  }
  if (subset) return Subset(o, layout, prompter, *subset, subset_names);
  return fresh;
}

}  // namespace signet::client
