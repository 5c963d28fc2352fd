#include "ca/operator_view/page.h"

#include <map>
#include <string_view>

#include "base/error.h"
#include "ca/operator_view/html.h"
#include "ca/operator_view/plot.h"

namespace signet::ca::operator_view {
namespace {

constexpr std::string_view kStyle =
    "body{font:13px/1.4 system-ui,sans-serif;margin:16px 24px;color:#1f2328}"
    "h1{font-size:18px;margin:0 0 4px}h2{font-size:15px;margin:20px 0 6px}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:3px 8px;"
    "border-bottom:1px solid #d8dee4;vertical-align:top}th{background:#f6f8fa}"
    "td.mono,code{font-family:ui-monospace,monospace;font-size:12px}"
    "td.time{white-space:nowrap}td.detail{overflow-wrap:anywhere;min-width:20em}"
    "tr.failed td{background:#fff1f0}tr.overdue td{background:#fff8c5}"
    ".muted{color:#57606a}.plots{display:flex;flex-wrap:wrap;gap:12px}"
    "figure.plot{margin:0}figcaption{font-size:12px}.ok{color:#1a7f37}.bad{color:#cf222e}";

// "<td>escaped</td>"; with a class when `cls` is set.
std::string Cell(std::string_view text, std::string_view cls = "") {
  std::string out = cls.empty() ? "<td>" : "<td class=\"" + std::string(cls) + "\">";
  return out + HtmlEscape(text) + "</td>";
}

std::string Header(std::initializer_list<std::string_view> names) {
  std::string out = "<thead><tr>";
  for (std::string_view n : names) out += "<th>" + std::string(n) + "</th>";
  return out + "</tr></thead>";
}

std::string Identifier(const acme::Identifier& id, bool wildcard = false) {
  return id.type + ":" + (wildcard ? "*." : "") + id.value;
}

std::string Names(const std::vector<acme::Identifier>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + Identifier(id);
  return out;
}

std::string Section(std::string_view id, std::string_view title, size_t count, std::string body) {
  return "<section id=\"" + std::string(id) + "\"><h2>" + std::string(title) +
         " <span class=\"muted\">(" + std::to_string(count) + ")</span></h2>" + body + "</section>";
}

std::string Empty(std::string_view what) {
  return "<p class=\"muted empty\">" + std::string(what) + "</p>";
}

std::string ReasonName(int reason) {
  static const std::map<int, std::string> kNames = {
      {0, "unspecified"},        {1, "keyCompromise"}, {2, "cACompromise"},
      {3, "affiliationChanged"}, {4, "superseded"},    {5, "cessationOfOperation"},
      {6, "certificateHold"},    {8, "removeFromCRL"}, {9, "privilegeWithdrawn"},
      {10, "aACompromise"}};
  auto it = kNames.find(reason);
  return std::to_string(reason) + (it == kNames.end() ? "" : " (" + it->second + ")");
}

// The problem type's short name ("connection"), its URN as the tooltip and
// the data-type attribute (RFC 8555 6.7).
std::string ProblemType(ErrorCode code) {
  std::string name(ErrorCodeName(code));
  std::string urn = HtmlEscape("urn:ietf:params:acme:error:" + name);
  return "<td class=\"mono\" title=\"" + urn + "\" data-type=\"" + urn + "\">" + HtmlEscape(name) +
         "</td>";
}

std::string Validations(const std::vector<ValidationEvent>& rows) {
  if (rows.empty()) return Empty("No validation since signetd started.");
  std::string out =
      "<table id=\"validations-table\">" +
      Header({"time", "identifier", "challenge", "outcome", "problem", "detail", "account"}) +
      "<tbody>";
  for (const auto& v : rows) {
    bool failed = v.problem.has_value();
    out += failed ? "<tr class=\"failed\">" : "<tr>";
    out += Cell(FormatTime(v.at), "time") + Cell(Identifier(v.identifier, v.wildcard), "mono") +
           Cell(v.challenge_type) + Cell(failed ? "invalid" : "valid", failed ? "bad" : "ok");
    out += failed ? ProblemType(v.problem->code) + Cell(v.problem->detail, "detail")
                  : Cell("") + Cell("");
    out += Cell(v.account_id, "mono") + "</tr>";
  }
  return out + "</tbody></table>";
}

std::string Issuances(const std::vector<IssuanceEvent>& rows) {
  if (rows.empty()) return Empty("No certificate issued since signetd started.");
  std::string out = "<table id=\"issuances-table\">" +
                    Header({"time", "serial", "names", "profile", "not after", "account"}) +
                    "<tbody>";
  for (const auto& c : rows) {
    out += "<tr>" + Cell(FormatTime(c.at), "time") + Cell(c.serial, "mono") +
           Cell(Names(c.identifiers), "mono") + Cell(c.profile) + Cell(FormatTime(c.not_after)) +
           Cell(c.account_id, "mono") + "</tr>";
  }
  return out + "</tbody></table>";
}

std::string Revocations(const PageData& data) {
  if (!data.revocations_error.empty())
    return "<p class=\"bad\">Could not read the revocations: " +
           HtmlEscape(data.revocations_error) + "</p>";
  if (data.revocations.empty()) return Empty("No certificate was ever revoked.");
  std::string out = "<table id=\"revocations-table\">" +
                    Header({"time", "serial", "reason", "names", "account"}) + "<tbody>";
  for (const auto& r : data.revocations) {
    std::string at = r.revoked_at ? FormatTime(*r.revoked_at) : "";
    out += "<tr>" + Cell(at, "time") + Cell(r.serial, "mono") + Cell(ReasonName(r.revoked_reason)) +
           Cell(Names(r.identifiers), "mono") + Cell(r.account_id, "mono") + "</tr>";
  }
  return out + "</tbody></table>";
}

std::string CrlShards(const std::vector<CrlShardStatus>& rows, acme::TimePoint now) {
  if (rows.empty()) return Empty("No CRL shard.");
  std::string out = "<table id=\"crl-table\">" +
                    Header({"shard", "CRL number", "thisUpdate", "age", "nextUpdate", "entries"}) +
                    "<tbody>";
  for (const auto& s : rows) {
    std::string shard = std::to_string(s.shard);
    if (!s.published) {
      out += "<tr class=\"overdue\">" + Cell(shard) + Cell("not published yet") + Cell("") +
             Cell("") + Cell("") + Cell("") + "</tr>";
      continue;
    }
    bool overdue = now >= s.next_update;
    auto age = std::chrono::duration_cast<std::chrono::seconds>(now - s.this_update);
    out += (overdue ? "<tr class=\"overdue\">" : "<tr>") + Cell(shard) +
           Cell(std::to_string(s.number)) + Cell(FormatTime(s.this_update)) + Cell(FormatAge(age)) +
           Cell(FormatTime(s.next_update) + (overdue ? " (passed)" : "")) +
           Cell(std::to_string(s.entries)) + "</tr>";
  }
  return out + "</tbody></table>";
}

std::string Refusals(const std::vector<RefusalEvent>& rows) {
  if (rows.empty()) return Empty("No request refused by a rate limit since signetd started.");
  std::map<std::string, int> by_limit;
  for (const auto& r : rows) ++by_limit[r.limit];
  std::string out = "<p>";
  for (const auto& [limit, n] : by_limit)
    out += "<code>" + HtmlEscape(limit) + "</code> " + std::to_string(n) + " &nbsp; ";
  out += "</p><table id=\"refusals-table\">" + Header({"time", "limit"}) + "<tbody>";
  for (const auto& r : rows)
    out += "<tr>" + Cell(FormatTime(r.at), "time") + Cell(r.limit, "mono") + "</tr>";
  return out + "</tbody></table>";
}

std::string Plots(const PageData& data) {
  if (data.series.empty()) return Empty("No sample yet.");
  std::string out = "<div class=\"plots\">";
  for (const Series& s : data.series) out += RenderPlot(s, data.now, data.plot_window);
  return out +
         "</div><p class=\"muted\">Counters as their increase per minute, gauges as "
         "their value; the full set is at <a href=\"/metrics\">/metrics</a>.</p>";
}

}  // namespace

std::string RenderPage(const PageData& data) {
  const Activity& a = data.activity;
  std::string out = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">";
  if (data.refresh_seconds > 0)
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(data.refresh_seconds) + "\">";
  out += "<title>signetd operator view</title><style>" + std::string(kStyle) + "</style></head>";
  out +=
      "<body><h1>signetd operator view</h1><p class=\"muted\">version " + HtmlEscape(data.version) +
      " &middot; as of " + FormatTime(data.now) +
      " &middot; read-only; lists keep the latest entries since signetd started &middot; "
      "<a href=\"/metrics\">/metrics</a> &middot; <a href=\"/health/ready\">/health/ready</a></p>";
  out += Section("metrics", "Metrics, last hour", data.series.size(), Plots(data));
  out += Section("validations", "Recent validations", a.validations.size(),
                 Validations(a.validations));
  out += Section("issuances", "Recent issuances", a.issuances.size(), Issuances(a.issuances));
  out += Section("revocations", "Recent revocations", data.revocations.size(), Revocations(data));
  out +=
      Section("crls", "CRL shards", data.crl_shards.size(), CrlShards(data.crl_shards, data.now));
  out += Section("refusals", "Rate-limit refusals", a.refusals.size(), Refusals(a.refusals));
  return out + "</body></html>\n";
}

}  // namespace signet::ca::operator_view
