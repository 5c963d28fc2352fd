// The text edits certbot's nginx plugin makes to a server block, computed
// on a file's text and its parse tree and spliced in so that every byte
// outside them stays as it was. Each added directive carries certbot's
// trailing `# managed by Certbot` comment, so certbot (and signet) can
// recognise, update and take over what the other wrote.
#pragma once

#include <string>
#include <vector>

#include "client/nginx/config.h"
#include "client/nginx/parser.h"

namespace signet::client::nginx {

inline constexpr const char* kManaged = " # managed by Certbot";

struct TextEdit {
  size_t offset = 0;
  size_t erase = 0;
  std::string insert;
};

// Applies non-overlapping edits (any order) to `text`.
std::string ApplyEdits(std::string text, std::vector<TextEdit> edits);

// What a server block needs to serve the certificate over TLS.
struct TlsDeploy {
  std::string fullchain;     // ssl_certificate
  std::string key;           // ssl_certificate_key
  std::string options_conf;  // include (certbot's options-ssl-nginx.conf)
  std::string dhparams;      // ssl_dhparam
  int https_port = 443;
  int http_port = 80;                // the implicit listen kept for a block without one
  bool ipv6only_elsewhere = false;   // another block already sets ipv6only on https_port
  // Directives the options file sets: the include is left out when the
  // block sets one of them itself (nginx refuses a duplicate).
  std::vector<std::string> options_directives;
};

// certbot's deploy_cert and _make_server_ssl: listen PORT ssl (and [::]
// when the block listens on IPv6), ssl_certificate(_key) replaced or added,
// the options include and ssl_dhparam added when absent.
std::vector<TextEdit> DeployEdits(const std::string& text, const Directive& block,
                                  const ServerBlock& server, const TlsDeploy& tls);

// certbot's HTTP-to-HTTPS redirect for `domain` in a block listening on
// `http_port` without TLS. A block that also serves TLS is split: its plain
// listens move into a new block after it holding the redirect and
// `return 404`. Returns no edit when the redirect is already there.
std::vector<TextEdit> RedirectEdits(const std::string& text, const Directive& block,
                                    const ServerBlock& server, const std::string& domain,
                                    int http_port);

// certbot's HSTS enhancement: add_header Strict-Transport-Security in the
// block (no edit when the header is already set there).
std::vector<TextEdit> HstsEdits(const std::string& text, const Directive& block);

// A copy of `block` (the default server) answering `domain`: its
// directives without default_server-like listen options, with
// `server_name domain`, inserted after it (certbot's duplicated default).
std::vector<TextEdit> DuplicateForName(const std::string& text, const Directive& block,
                                       const std::string& domain);

// The `if ($host = domain)` condition words certbot writes (a wildcard
// becomes a `~` regex).
std::string RedirectCondition(const std::string& domain);

// The indentation of `block`'s children (that of its first child, else
// four spaces more than the block's own line).
std::string ChildIndent(const std::string& text, const Directive& block);

// A directive line's text: words quoted as needed, then `;`.
std::string DirectiveText(const std::vector<std::string>& words);

}  // namespace signet::client::nginx
