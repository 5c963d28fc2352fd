#include "client/nginx/authenticator.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "client/nginx/edits.h"
#include "client/nginx/matcher.h"

namespace signet::client::nginx {
namespace fs = std::filesystem;
namespace {

// Tokens and key authorizations come from the CA: base64url and `.` only,
// so they cannot break out of the directive they are written into.
bool SafeValue(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

constexpr const char* kChallengeRewrite = "^(/.well-known/acme-challenge/.*)";

std::string Location(const ChallengeSpec& c) {
  return "location = /.well-known/acme-challenge/" + c.token +
         " { default_type text/plain; return 200 \"" + c.key_authorization + "\"; }";
}

// The listen lines of a new server block: those of the default server on
// the port (so it shares its addresses), else the bare port.
std::string ListenLines(const NginxConfig& cfg, int port) {
  std::string out;
  if (auto def = DefaultServer(cfg.servers(), port)) {
    for (const auto& l : cfg.servers()[*def].listens)
      if (l.port == port && !l.ssl)
        out += "    listen " + (l.address.empty() ? "" : l.address + ":") + std::to_string(port) +
               ";\n";
  }
  return out.empty() ? "    listen " + std::to_string(port) + ";\n" : out;
}

// server_names_hash_bucket_size in the http block of the main file or at
// the top of an included file (certbot looks in the same places).
std::optional<std::pair<fs::path, const Directive*>> FindBucketSize(const NginxConfig& cfg) {
  for (const auto& f : cfg.files()) {
    const std::vector<Directive>* body = &cfg.Tree(f);
    for (const auto& d : cfg.Tree(f))
      if (d.is_block && d.name() == "http") body = &d.children;
    for (const auto& d : *body)
      if (d.name() == "server_names_hash_bucket_size") return std::pair{f, &d};
  }
  return std::nullopt;
}

}  // namespace

// Puts the challenge's location first in `server`, after a rewrite that
// stops the block's server-level rewrite directives (a redirect's
// `if ... return 301`) for challenge paths, as certbot does.
void NginxAuthenticator::AddLocation(NginxTransaction& t, const NginxConfig& cfg,
                                     const ServerBlock& server, const ChallengeSpec& c) {
  const Directive& block = cfg.Block(server);
  const std::string& text = cfg.Text(server.file);
  std::string indent = ChildIndent(text, block);
  bool has_rewrite = false;
  for (const auto& d : block.children)
    if (d.name() == "rewrite" && d.words.size() == 4 && d.words[1] == kChallengeRewrite)
      has_rewrite = true;
  std::string insert = "\n";
  if (!has_rewrite) insert += indent + "rewrite " + kChallengeRewrite + " $1 break;\n";
  insert += indent + Location(c) + "\n";
  t.Set(server.file, ApplyEdits(text, {{block.block_open + 1, 0, insert}}));
  log_("Answering http-01 for " + c.domain + " in the server block at " + server.file.string() +
       ":" + std::to_string(block.line));
}

// Stages `c` in `t`: a location in the name's block on the HTTP port (and
// its TLS block), or a block of its own appended to `own_blocks`.
Status NginxAuthenticator::Stage(NginxTransaction& t, const ChallengeSpec& c,
                                 std::string& own_blocks) {
  if (c.type != "http-01")
    return Error(ErrorCode::kMalformed, "the nginx authenticator answers http-01 only, not " + c.type);
  if (!SafeValue(c.token) || !SafeValue(c.key_authorization))
    return Error(ErrorCode::kMalformed, "the CA sent a challenge token that is not base64url");
  SIGNET_ASSIGN_OR_RETURN(NginxConfig cfg, t.Load());
  std::optional<size_t> idx = ChooseServer(cfg.servers(), c.domain, s_.http_port);
  if (!idx) {
    own_blocks += "server {\n" + ListenLines(cfg, s_.http_port) + "    server_name " + c.domain +
                  ";\n    root " + (fs::absolute(s_.work_dir) / "http_01_nonexistent").string() +
                  ";\n    " + Location(c) + "\n}\n";
    log_("Answering http-01 for " + c.domain + " in a server block of its own");
    return OkStatus();
  }
  AddLocation(t, cfg, cfg.servers()[*idx], c);
  // The TLS block too, for a CA that follows a redirect to HTTPS.
  SIGNET_ASSIGN_OR_RETURN(cfg, t.Load());
  std::optional<size_t> tls = ChooseServer(cfg.servers(), c.domain);
  if (tls && *tls != *idx && cfg.servers()[*tls].HasSsl() &&
      !cfg.servers()[*tls].ListensOn(s_.http_port, false))
    AddLocation(t, cfg, cfg.servers()[*tls], c);
  return OkStatus();
}

// Writes the blocks of their own into WORK_DIR/le_http_01_cert_challenge.conf,
// included at the top of the http block.
Status NginxAuthenticator::IncludeOwnBlocks(NginxTransaction& t, const std::string& own_blocks) {
  SIGNET_ASSIGN_OR_RETURN(NginxConfig cfg, t.Load());
  auto http = cfg.HttpBlock();
  if (!http)
    return Error(ErrorCode::kMalformed,
                 "no http block in " + cfg.main_file().string() + " to include the challenge in");
  fs::path conf = fs::absolute(s_.work_dir) / kChallengeConfName;
  const Directive& block = cfg.Tree(http->first)[http->second];
  const std::string& text = cfg.Text(http->first);
  t.Create(conf, own_blocks);
  std::string indent = ChildIndent(text, block);
  std::vector<TextEdit> main_edits = {
      {block.block_open + 1, 0, "\n" + indent + DirectiveText({"include", conf.string()}) + "\n"}};
  // Room for the new names in nginx's server-name hash (certbot's 128).
  auto bucket = FindBucketSize(cfg);
  if (!bucket) {
    main_edits[0].insert += indent + "server_names_hash_bucket_size 128;\n";
  } else if (bucket->second->words.size() == 2 &&
             std::atoi(bucket->second->words[1].c_str()) < 128) {
    TextEdit e{bucket->second->begin, bucket->second->end - bucket->second->begin,
               "server_names_hash_bucket_size 128;"};
    if (bucket->first == http->first) main_edits.push_back(e);
    else t.Set(bucket->first, ApplyEdits(cfg.Text(bucket->first), {e}));
  }
  t.Set(http->first, ApplyEdits(text, main_edits));
  return OkStatus();
}

Status NginxAuthenticator::Perform(const std::vector<ChallengeSpec>& challenges) {
  SIGNET_RETURN_IF_ERROR(RecoverInterrupted(s_, log_));
  auto t = std::make_unique<NginxTransaction>(s_, log_);
  std::string own_blocks;
  for (const auto& c : challenges) SIGNET_RETURN_IF_ERROR(Stage(*t, c, own_blocks));
  if (!own_blocks.empty()) SIGNET_RETURN_IF_ERROR(IncludeOwnBlocks(*t, own_blocks));
  SIGNET_RETURN_IF_ERROR(t->Apply());
  t_ = std::move(t);  // only an applied change needs Cleanup
  return OkStatus();
}

void NginxAuthenticator::Cleanup(const std::vector<ChallengeSpec>&) {
  if (!t_) return;
  if (auto s = t_->Revert(); !s.ok()) log_("Restoring the nginx configuration: " + s.error().detail);
  t_.reset();
}

}  // namespace signet::client::nginx
