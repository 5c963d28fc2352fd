#include "client/nginx/edits.h"

#include <algorithm>

namespace signet::client::nginx {
namespace {

size_t LineStart(const std::string& text, size_t pos) {
  size_t nl = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  return pos == 0 || nl == std::string::npos ? 0 : nl + 1;
}

std::string IndentOf(const std::string& text, size_t pos) {
  size_t start = LineStart(text, pos);
  std::string indent;
  for (size_t i = start; i < pos && (text[i] == ' ' || text[i] == '\t'); ++i) indent += text[i];
  return indent;
}

const Directive* FindChild(const Directive& block, const std::string& name) {
  for (const auto& c : block.children)
    if (!c.words.empty() && c.name() == name) return &c;
  return nullptr;
}

// Where lines appended to a block go: after the line of its last child
// (past a trailing comment), or just inside `{` for an empty block.
size_t AppendPoint(const std::string& text, const Directive& block) {
  if (block.children.empty()) return block.block_open + 1;
  size_t pos = block.children.back().end;
  size_t nl = text.find('\n', pos);
  if (nl != std::string::npos && nl < block.block_close) {
    bool only_comment = true;
    bool in_comment = false;
    for (size_t i = pos; i < nl; ++i) {
      if (text[i] == '#') in_comment = true;
      if (!in_comment && text[i] != ' ' && text[i] != '\t' && text[i] != '\r') only_comment = false;
    }
    if (only_comment) return nl;
  }
  return pos;
}

// The comment to put after a directive replaced in place: certbot's,
// unless the line already has it, or another directive follows on the same
// line (the comment would swallow it).
std::string CommentAfter(const std::string& text, size_t pos) {
  size_t nl = text.find('\n', pos);
  std::string rest = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
  size_t first = rest.find_first_not_of(" \t\r");
  if (first != std::string::npos && rest[first] != '#') return "";
  return rest.find("managed by Certbot") != std::string::npos ? "" : kManaged;
}

// Erases a directive with its line when it stands alone on it.
TextEdit EraseDirective(const std::string& text, const Directive& d) {
  size_t start = LineStart(text, d.begin);
  bool alone_before = std::all_of(text.begin() + start, text.begin() + d.begin,
                                  [](char c) { return c == ' ' || c == '\t'; });
  size_t nl = text.find('\n', d.end);
  bool alone_after = true;
  for (size_t i = d.end; i < (nl == std::string::npos ? text.size() : nl); ++i)
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') alone_after = false;
  if (alone_before && alone_after)
    return {start, (nl == std::string::npos ? text.size() : nl + 1) - start, ""};
  return {d.begin, d.end - d.begin, ""};
}

}  // namespace

std::string ApplyEdits(std::string text, std::vector<TextEdit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const TextEdit& a, const TextEdit& b) { return a.offset > b.offset; });
  for (const auto& e : edits) text.replace(e.offset, e.erase, e.insert);
  return text;
}

std::string DirectiveText(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + QuoteWord(w);
  return out + ";";
}

std::string ChildIndent(const std::string& text, const Directive& block) {
  if (!block.children.empty()) {
    std::string indent = IndentOf(text, block.children.front().begin);
    if (LineStart(text, block.children.front().begin) > block.block_open) return indent;
  }
  return IndentOf(text, block.begin) + "    ";
}

namespace {

// certbot's _make_server_ssl listens: the implicit plain one made explicit,
// then [::]:PORT ssl (when the block listens on IPv6) and PORT ssl.
std::vector<std::string> ListenLinesToAdd(const ServerBlock& server, const TlsDeploy& tls) {
  std::vector<std::string> lines;
  const std::string port = std::to_string(tls.https_port);
  if (server.listens.empty()) lines.push_back("listen " + std::to_string(tls.http_port) + ";");
  bool has_v6 = std::any_of(server.listens.begin(), server.listens.end(),
                            [](const Listen& l) { return l.ipv6; });
  bool has_v4 = server.listens.empty() ||
                std::any_of(server.listens.begin(), server.listens.end(),
                            [](const Listen& l) { return !l.ipv6; });
  auto listening = [&](bool v6) {
    return std::any_of(server.listens.begin(), server.listens.end(), [&](const Listen& l) {
      return l.ssl && l.port == tls.https_port && l.ipv6 == v6;
    });
  };
  if (has_v6 && !listening(true))
    lines.push_back("listen [::]:" + port + " ssl" + (tls.ipv6only_elsewhere ? "" : " ipv6only=on") +
                    ";");
  if (has_v4 && !listening(false)) lines.push_back("listen " + port + " ssl;");
  return lines;
}

}  // namespace

std::vector<TextEdit> DeployEdits(const std::string& text, const Directive& block,
                                  const ServerBlock& server, const TlsDeploy& tls) {
  std::vector<TextEdit> edits;
  std::vector<std::string> lines = ListenLinesToAdd(server, tls);
  for (auto [name, value] : {std::pair{"ssl_certificate", tls.fullchain},
                             std::pair{"ssl_certificate_key", tls.key}}) {
    std::string line = DirectiveText({name, value});
    if (const Directive* d = FindChild(block, name)) {
      edits.push_back({d->begin, d->end - d->begin, line + CommentAfter(text, d->end)});
    } else {
      lines.push_back(line);
    }
  }
  bool included = false, conflicts = false;
  for (const auto& c : block.children) {
    if (c.name() == "include" && c.words.size() == 2 && c.words[1] == tls.options_conf)
      included = true;
    if (std::find(tls.options_directives.begin(), tls.options_directives.end(), c.name()) !=
        tls.options_directives.end())
      conflicts = true;
  }
  if (!included && !conflicts && !tls.options_conf.empty())
    lines.push_back(DirectiveText({"include", tls.options_conf}));
  if (!FindChild(block, "ssl_dhparam") && !tls.dhparams.empty())
    lines.push_back(DirectiveText({"ssl_dhparam", tls.dhparams}));
  if (lines.empty()) return edits;
  std::string indent = ChildIndent(text, block);
  std::string insert = "\n";
  for (const auto& l : lines) insert += "\n" + indent + l + kManaged;
  insert += "\n";
  edits.push_back({AppendPoint(text, block), 0, insert});
  return edits;
}

std::string RedirectCondition(const std::string& domain) {
  if (domain.rfind("*.", 0) != 0) return "($host = " + domain + ")";
  std::string re = "^";
  for (char c : domain) {
    if (c == '.') re += "\\.";
    else if (c == '*') re += "[^.]+";
    else re += c;
  }
  return "($host ~ " + re + "$)";
}

namespace {

std::string IfBlock(const std::string& indent, const std::string& domain) {
  return indent + "if " + RedirectCondition(domain) + " {\n" + indent +
         "    return 301 https://$host$request_uri;\n" + indent + "}" + kManaged + "\n";
}

bool HasRedirect(const Directive& block, const std::string& domain) {
  std::string want = RedirectCondition(domain);
  for (const auto& c : block.children) {
    if (!c.is_block || c.name() != "if") continue;
    std::string cond;
    for (size_t i = 1; i < c.words.size(); ++i) cond += (i > 1 ? " " : "") + c.words[i];
    if (cond == want) return true;
  }
  return false;
}

}  // namespace

std::vector<TextEdit> RedirectEdits(const std::string& text, const Directive& block,
                                    const ServerBlock& server, const std::string& domain,
                                    int http_port) {
  if (HasRedirect(block, domain)) return {};
  std::string indent = ChildIndent(text, block);
  if (!server.HasSsl()) {
    // A plain block: the redirect goes first.
    return {{block.block_open + 1, 0, "\n" + IfBlock(indent, domain)}};
  }
  // A block serving both: split off the plain listens (certbot's _split_block).
  std::vector<TextEdit> edits;
  std::string copied;
  std::string outer = IndentOf(text, block.begin);
  for (const auto& c : block.children) {
    if (c.is_block) continue;
    // Copied as written (a regex keeps its form, not a re-quoted one).
    std::string verbatim = indent + text.substr(c.begin, c.end - c.begin) + "\n";
    if (c.name() == "listen" && !ParseListen(c.args()).ssl) {
      edits.push_back(EraseDirective(text, c));
      copied += verbatim;
    } else if (c.name() == "server_name") {
      copied += verbatim;
    }
  }
  if (copied.empty()) copied = indent + "listen " + std::to_string(http_port) + ";\n";
  std::string block_text = "\n" + outer + "server {\n" + IfBlock(indent, domain) + "\n\n" +
                           copied + indent + "return 404;" + kManaged + "\n\n\n" + outer + "}";
  edits.push_back({block.end, 0, block_text});
  return edits;
}

std::vector<TextEdit> HstsEdits(const std::string& text, const Directive& block) {
  for (const auto& c : block.children)
    if (c.name() == "add_header" && c.words.size() > 1 &&
        c.words[1] == "Strict-Transport-Security")
      return {};
  return {{AppendPoint(text, block), 0,
           "\n" + ChildIndent(text, block) +
               "add_header Strict-Transport-Security \"max-age=31536000\" always;" + kManaged +
               "\n"}};
}

std::vector<TextEdit> DuplicateForName(const std::string& text, const Directive& block,
                                       const std::string& domain) {
  static const std::vector<std::string> kSingleUse = {
      "default_server", "default", "setfib", "fastopen", "backlog", "rcvbuf", "sndbuf",
      "accept_filter", "deferred", "bind", "ipv6only", "reuseport", "so_keepalive"};
  std::string indent = ChildIndent(text, block);
  std::string outer = IndentOf(text, block.begin);
  std::string body = indent + DirectiveText({"server_name", domain}) + "\n";
  for (const auto& c : block.children) {
    if (c.name() == "server_name") continue;
    if (c.name() == "listen") {
      std::vector<std::string> words;
      for (const auto& w : c.words) {
        std::string key = w.substr(0, w.find('='));
        if (std::find(kSingleUse.begin(), kSingleUse.end(), key) == kSingleUse.end())
          words.push_back(w);
      }
      body += indent + DirectiveText(words) + "\n";
      continue;
    }
    body += indent + text.substr(c.begin, c.end - c.begin) + "\n";
  }
  return {{block.end, 0, "\n" + outer + "server {\n" + body + outer + "}"}};
}

}  // namespace signet::client::nginx
