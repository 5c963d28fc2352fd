#include "client/nginx/installer.h"

#include <algorithm>

#include "client/nginx/edits.h"
#include "client/nginx/matcher.h"
#include "client/nginx/reverter.h"

namespace signet::client::nginx {
namespace fs = std::filesystem;
namespace {

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Whether a block already sets ipv6only on `port` (nginx refuses it twice).
bool Ipv6OnlyOn(const NginxConfig& cfg, int port) {
  for (const auto& s : cfg.servers())
    for (const auto& c : cfg.Block(s).children) {
      if (c.name() != "listen" || c.words.size() < 2) continue;
      Listen l = ParseListen(c.args());
      if (l.ipv6 && l.port == port &&
          std::find(c.words.begin(), c.words.end(), "ipv6only=on") != c.words.end())
        return true;
    }
  return false;
}

std::string Where(const NginxConfig& cfg, const ServerBlock& s) {
  return s.file.string() + ":" + std::to_string(cfg.Block(s).line);
}

}  // namespace

// A wildcard's blocks (certbot asks which; signet takes, without asking,
// every block with a server_name the wildcard covers: one more label).
std::vector<std::pair<fs::path, std::vector<size_t>>> WildcardServers(const NginxConfig& cfg,
                                                                      const std::string& wildcard) {
  std::string suffix = wildcard.substr(1);  // ".example.com"
  std::vector<std::pair<fs::path, std::vector<size_t>>> out;
  for (const auto& s : cfg.servers()) {
    bool covered = std::any_of(s.names.begin(), s.names.end(), [&](const std::string& n) {
      if (n == wildcard) return true;
      if (n.size() <= suffix.size() || n.compare(n.size() - suffix.size(), suffix.size(), suffix))
        return false;
      std::string label = n.substr(0, n.size() - suffix.size());
      return label.find_first_of(".*~") == std::string::npos;
    });
    if (covered) out.emplace_back(s.file, s.path);
  }
  return out;
}

Status NginxInstaller::Deploy(NginxTransaction& t, const std::string& name,
                              const std::string& fullchain, const std::string& key,
                              std::string& notes) {
  SIGNET_ASSIGN_OR_RETURN(NginxConfig cfg, t.Load());
  if (name.rfind("*.", 0) == 0) {
    auto blocks = WildcardServers(cfg, name);
    for (const auto& [file, path] : blocks)
      SIGNET_RETURN_IF_ERROR(DeployTo(t, file, path, name, fullchain, key, notes));
    if (!blocks.empty()) return OkStatus();
  }
  std::optional<size_t> idx = ChooseServer(cfg.servers(), name);
  if (!idx) {
    // certbot: a copy of the default server, answering the name.
    std::optional<size_t> def = DefaultServer(cfg.servers(), s_.http_port);
    if (!def)
      return Error(ErrorCode::kMalformed,
                   "no nginx server block has a server_name matching " + name +
                       " and none listens on port " + std::to_string(s_.http_port) +
                       "; add `server_name " + name + ";` to the block that should serve it");
    const ServerBlock& d = cfg.servers()[*def];
    log_("No server block matches " + name + "; copying the default server at " + Where(cfg, d));
    t.Set(d.file, ApplyEdits(cfg.Text(d.file), DuplicateForName(cfg.Text(d.file), cfg.Block(d), name)));
    SIGNET_ASSIGN_OR_RETURN(cfg, t.Load());
    idx = ChooseServer(cfg.servers(), name);
    if (!idx) return Error(ErrorCode::kServerInternal, "the copied server block does not match " + name);
  }
  const ServerBlock& server = cfg.servers()[*idx];
  return DeployTo(t, server.file, server.path, name, fullchain, key, notes);
}

Status NginxInstaller::DeployTo(NginxTransaction& t, const fs::path& file,
                                const std::vector<size_t>& path, const std::string& name,
                                const std::string& fullchain, const std::string& key,
                                std::string& notes) {
  SIGNET_ASSIGN_OR_RETURN(NginxConfig cfg, t.Load());
  auto it = std::find_if(cfg.servers().begin(), cfg.servers().end(), [&](const ServerBlock& s) {
    return s.file == file && s.path == path;
  });
  if (it == cfg.servers().end())
    return Error(ErrorCode::kServerInternal, "server block moved in " + file.string());
  const ServerBlock& server = *it;
  TlsDeploy tls;
  tls.fullchain = fullchain;
  tls.key = key;
  tls.options_conf = (s_.config_dir / kOptionsConfName).string();
  tls.dhparams = (s_.config_dir / kDhparamsName).string();
  tls.https_port = s_.https_port;
  tls.http_port = s_.http_port;
  tls.ipv6only_elsewhere = Ipv6OnlyOn(cfg, s_.https_port);
  tls.options_directives = OptionsDirectives(tls.options_conf);
  const std::string& text = cfg.Text(server.file);
  t.Set(server.file, ApplyEdits(text, DeployEdits(text, cfg.Block(server), server, tls)));
  log_("Deploying the certificate for " + name + " to the server block at " + Where(cfg, server));
  notes += "Changed vhost at " + server.file.string() + " for " + name + "\n\tssl_certificate " +
           fullchain + "\n\tssl_certificate_key " + key + "\n";
  return OkStatus();
}

// The redirect for `name` in its block on the HTTP port; for a wildcard, in
// every covered block there (each split adds a block, so the blocks are
// looked up again after each).
Status NginxInstaller::AddRedirects(NginxTransaction& t, const std::string& name,
                                    std::string& notes) {
  const std::string port = std::to_string(s_.http_port);
  bool wildcard = name.rfind("*.", 0) == 0;
  for (size_t round = 0; round < 1000; ++round) {
    SIGNET_ASSIGN_OR_RETURN(NginxConfig cfg, t.Load());
    std::vector<size_t> candidates;
    if (wildcard) {
      for (const auto& [file, path] : WildcardServers(cfg, name))
        for (size_t i = 0; i < cfg.servers().size(); ++i)
          if (cfg.servers()[i].file == file && cfg.servers()[i].path == path &&
              cfg.servers()[i].ListensOn(s_.http_port, false))
            candidates.push_back(i);
    }
    if (candidates.empty())
      if (auto idx = ChooseServer(cfg.servers(), name, s_.http_port)) candidates.push_back(*idx);
    if (candidates.empty()) {
      if (round == 0)
        log_("No server block for " + name + " listens on port " + port +
             " without TLS; no redirect added.");
      return OkStatus();
    }
    bool changed = false;
    for (size_t i : candidates) {
      const ServerBlock& server = cfg.servers()[i];
      const std::string& text = cfg.Text(server.file);
      auto edits = RedirectEdits(text, cfg.Block(server), server, name, s_.http_port);
      if (edits.empty()) continue;
      t.Set(server.file, ApplyEdits(text, edits));
      log_("Redirecting HTTP on port " + port + " for " + name + " to HTTPS in " +
           Where(cfg, server));
      notes += "Redirect for " + name + " in " + server.file.string() + "\n";
      changed = true;
      break;  // offsets and block indexes changed: look again
    }
    if (!changed) {
      if (round == 0) log_("Traffic on port " + port + " for " + name + " already redirects to HTTPS");
      return OkStatus();
    }
  }
  return Error(ErrorCode::kServerInternal, "too many server blocks to redirect for " + name);
}

Status NginxInstaller::AddEnhancements(NginxTransaction& t, const std::string& name,
                                       const Enhancements& e, std::string& notes) {
  if (e.redirect) SIGNET_RETURN_IF_ERROR(AddRedirects(t, name, notes));
  if (e.hsts) {
    SIGNET_ASSIGN_OR_RETURN(NginxConfig cfg, t.Load());
    std::optional<size_t> idx = ChooseServer(cfg.servers(), name);
    if (!idx || !cfg.servers()[*idx].HasSsl())
      return Error(ErrorCode::kMalformed,
                   "no server block serves " + name + " over TLS; install a certificate first");
    const ServerBlock& server = cfg.servers()[*idx];
    if (server.ListensOn(s_.http_port, false))
      return Error(ErrorCode::kMalformed,
                   "the server block for " + name + " at " + Where(cfg, server) +
                       " also serves plain HTTP; add --redirect first so HSTS goes to TLS only");
    const std::string& text = cfg.Text(server.file);
    auto edits = HstsEdits(text, cfg.Block(server));
    if (!edits.empty()) {
      t.Set(server.file, ApplyEdits(text, edits));
      notes += "HSTS for " + name + " in " + server.file.string() + "\n";
    }
  }
  return OkStatus();
}

Status NginxInstaller::Commit(NginxTransaction& t, const std::string& title,
                              const std::string& notes) {
  std::vector<fs::path> shared;
  for (auto& [path, bytes] : MissingTlsFiles(s_.config_dir, s_.tls_sources)) {
    shared.push_back(path);
    t.Create(path, std::move(bytes));
  }
  SIGNET_RETURN_IF_ERROR(t.Apply());
  struct Finish {
    NginxTransaction& t;
    ~Finish() { t.Finish(); }
  } finish{t};
  // certbot keeps the shared TLS files across rollbacks.
  std::vector<fs::path> created;
  for (const auto& p : t.created())
    if (std::find(shared.begin(), shared.end(), p) == shared.end()) created.push_back(p);
  std::map<fs::path, std::string> changed;
  for (const auto& [p, bytes] : t.originals())
    if (std::find(shared.begin(), shared.end(), p) == shared.end()) changed[p] = bytes;
  if (changed.empty() && created.empty()) return OkStatus();
  return Reverter(s_.work_dir).SaveCheckpoint(changed, created, title, notes);
}

Status NginxInstaller::Install(const std::vector<std::string>& names, const std::string& fullchain,
                               const std::string& key, const Enhancements& e) {
  SIGNET_RETURN_IF_ERROR(RecoverInterrupted(s_, log_));
  NginxTransaction t(s_, log_);
  std::string notes;
  for (const auto& name : names) SIGNET_RETURN_IF_ERROR(Deploy(t, name, fullchain, key, notes));
  for (const auto& name : names) SIGNET_RETURN_IF_ERROR(AddEnhancements(t, name, e, notes));
  return Commit(t, "Deployed certificate for " + Join(names, ", "), notes);
}

Status NginxInstaller::Enhance(const std::vector<std::string>& names, const Enhancements& e) {
  SIGNET_RETURN_IF_ERROR(RecoverInterrupted(s_, log_));
  NginxTransaction t(s_, log_);
  std::string notes;
  for (const auto& name : names) SIGNET_RETURN_IF_ERROR(AddEnhancements(t, name, e, notes));
  if (t.empty()) return OkStatus();
  return Commit(t, "Enhanced " + Join(names, ", "), notes);
}

Status NginxInstaller::Rollback(int checkpoints) {
  SIGNET_RETURN_IF_ERROR(RecoverInterrupted(s_, log_));
  Reverter reverter(s_.work_dir);
  SIGNET_ASSIGN_OR_RETURN(int done, reverter.Rollback(checkpoints));
  if (done == 0) {
    log_("signet (or certbot) has not modified the nginx configuration, so there is nothing to "
         "roll back.");
    return OkStatus();
  }
  log_("Rolled back " + std::to_string(done) + " checkpoint" + (done > 1 ? "s" : ""));
  return TestAndReload(s_);
}

}  // namespace signet::client::nginx
