#include "client/solvers/manual_solver.h"

#include <string_view>

#include "client/solvers/dns_records.h"
#include "client/solvers/token.h"

namespace signet::client {
namespace {

// certbot's texts (certbot/_internal/plugins/manual.py), for the prompt.
constexpr std::string_view kSubsequentChallenge =
    "\n(This must be set up in addition to the previous challenges; do not remove,\n"
    "replace, or undo the previous challenge tasks yet.)\n";
constexpr std::string_view kSubsequentDnsChallenge =
    "\n(This must be set up in addition to the previous challenges; do not remove,\n"
    "replace, or undo the previous challenge tasks yet. Note that you might be\n"
    "asked to create multiple distinct TXT records with the same name. This is\n"
    "permitted by DNS standards.)\n";

std::string HttpInstructions(const ChallengeSpec& c) {
  return "Create a file containing just this data:\n\n" + c.key_authorization +
         "\n\nAnd make it available on your web server at this URL:\n\nhttp://" + c.domain +
         "/.well-known/acme-challenge/" + c.token + "\n";
}

std::string DnsInstructions(const DnsRecord& r, const ChallengeSpec& c) {
  std::string text = "Please deploy a DNS TXT record under the name:\n\n" + r.name +
                     ".\n\nwith the following value:\n\n" + r.value + "\n";
  if (c.type == "dns-persist-01")
    text += "\n(dns-persist-01: this record may stay in place; later orders from this account\n"
            "for " + c.domain + " are validated with it again.)\n";
  return text;
}

std::string DnsVerifyInstructions(const DnsRecord& r) {
  return "\nBefore continuing, verify the TXT record has been deployed. Depending on the DNS\n"
         "provider, this may take some time, from a few seconds to multiple minutes. You can\n"
         "check if it has finished deploying with aid of online tools, such as the Google\n"
         "Admin Toolbox: https://toolbox.googleapps.com/apps/dig/#TXT/" +
         r.name +
         ".\nLook for one or more bolded line(s) below the line ';ANSWER'. It should "
         "show the\nvalue(s) you've just added.\n";
}

std::string Strip(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(kSpace) - b + 1));
}

Status CheckChallenge(const ChallengeSpec& c) {
  if (c.type == "http-01") return CheckHttp01(c, "manual");
  if (!IsDnsChallenge(c.type))
    return Error(ErrorCode::kMalformed,
                 "the manual plugin answers only http-01, dns-01, dns-account-01 and "
                 "dns-persist-01 challenges, not " +
                     c.type + " (for " + c.domain + ")");
  auto record = DnsRecordFor(c);
  if (!record.ok()) return record.error();
  return OkStatus();
}

// Variables the child must not inherit from our own environment.
std::vector<std::string> Unset(bool http01, bool auth) {
  std::vector<std::string> names;
  if (!http01) names.push_back("CERTBOT_TOKEN");
  if (http01) names.push_back("CERTBOT_VALIDATION_NAME");
  if (auth) names.push_back("CERTBOT_AUTH_OUTPUT");
  return names;
}

}  // namespace

ManualSolver::ManualSolver(std::string auth_hook, std::string cleanup_hook, ManualPrompt prompt)
    : auth_hook_(std::move(auth_hook)),
      cleanup_hook_(std::move(cleanup_hook)),
      prompt_(std::move(prompt)) {}

Status ManualSolver::Perform(const std::vector<ChallengeSpec>& challenges) {
  if (auth_hook_.empty() && !prompt_)
    return Error(ErrorCode::kMalformed,
                 "An authentication script must be provided with --manual-auth-hook when using "
                 "the manual plugin non-interactively.");
  std::string all_domains;
  size_t last_dns = challenges.size();
  for (size_t i = 0; i < challenges.size(); ++i) {
    SIGNET_RETURN_IF_ERROR(CheckChallenge(challenges[i]));
    if (i > 0) all_domains += ",";
    all_domains += challenges[i].domain;
    if (IsDnsChallenge(challenges[i].type)) last_dns = i;
  }
  std::vector<Key> done;
  for (size_t i = 0; i < challenges.size(); ++i) {
    const ChallengeSpec& c = challenges[i];
    bool http01 = c.type == "http-01";
    HookEnv env = {
        {"CERTBOT_DOMAIN", c.domain},
        {"CERTBOT_VALIDATION", http01 ? c.key_authorization : c.validation},
        {"CERTBOT_ALL_DOMAINS", all_domains},
        {"CERTBOT_REMAINING_CHALLENGES", std::to_string(challenges.size() - i - 1)},
    };
    if (http01) env.emplace_back("CERTBOT_TOKEN", c.token);
    else env.emplace_back("CERTBOT_VALIDATION_NAME", DnsRecordFor(c)->name);
    Status st = PerformOne(c, std::move(env), i == last_dns);
    if (!st.ok()) {
      for (const Key& key : done) CleanupOne(key);
      return st;
    }
    done.emplace_back(c.type, c.domain, c.token);
  }
  return OkStatus();
}

Status ManualSolver::PerformOne(const ChallengeSpec& c, HookEnv env, bool last_dns) {
  bool http01 = c.type == "http-01";
  if (!auth_hook_.empty()) {
    SIGNET_ASSIGN_OR_RETURN(CommandOutput out,
                            RunShellCommand(auth_hook_, env, Unset(http01, /*auth=*/true)));
    if (out.exit_code != 0 || out.term_signal != 0)
      return Error(ErrorCode::kServerInternal, "Hook '--manual-auth-hook' for " + c.domain +
                                                   " failed: " + DescribeFailure(auth_hook_, out));
    env.emplace_back("CERTBOT_AUTH_OUTPUT", Strip(out.stdout_text));
  } else {
    auto record = http01 ? Result<DnsRecord>(DnsRecord{}) : DnsRecordFor(c);
    if (!record.ok()) return record.error();
    std::string message = http01 ? HttpInstructions(c) : DnsInstructions(*record, c);
    if (!http01) {
      if (prompted_dns_)
        message += kSubsequentDnsChallenge;
      else if (prompted_any_)
        message += kSubsequentChallenge;
      prompted_dns_ = true;
      if (last_dns) message += DnsVerifyInstructions(*record);
    } else if (prompted_any_) {
      message += kSubsequentChallenge;
    }
    prompted_any_ = true;
    SIGNET_RETURN_IF_ERROR(prompt_(message));
  }
  performed_[{c.type, c.domain, c.token}] = Performed{std::move(env), http01};
  return OkStatus();
}

void ManualSolver::Cleanup(const std::vector<ChallengeSpec>& challenges) {
  for (const ChallengeSpec& c : challenges) CleanupOne({c.type, c.domain, c.token});
}

void ManualSolver::CleanupOne(const Key& key) {
  auto it = performed_.find(key);
  if (it == performed_.end()) return;
  if (!cleanup_hook_.empty()) {
    // Best effort, as the Solver contract says: a failing cleanup hook does
    // not undo anything else.
    (void)RunShellCommand(cleanup_hook_, it->second.env, Unset(it->second.http01, false));
  }
  performed_.erase(it);
}

}  // namespace signet::client
