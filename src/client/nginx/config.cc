#include "client/nginx/config.h"

#include <glob.h>

#include <algorithm>

#include "base/files.h"

namespace signet::client::nginx {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxIncludeDepth = 16;
constexpr size_t kMaxFiles = 4096;

bool IsGlob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// The files an include names: a glob's matches (sorted, as nginx reads
// them) or the one path; relative to the server root.
std::vector<fs::path> IncludedFiles(const fs::path& root, const std::string& pattern) {
  fs::path p = fs::path(pattern).is_absolute() ? fs::path(pattern) : root / pattern;
  std::vector<fs::path> files;
  if (IsGlob(pattern)) {
    glob_t g{};
    if (::glob(p.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
  } else {
    files.push_back(p);
  }
  std::error_code ec;
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const fs::path& f) { return fs::is_directory(f, ec); }),
              files.end());
  return files;
}

// Parses "80", "8443", "*:80", "127.0.0.1:8080", "[::]:443", "[::1]", "unix:/p".
void ParseListenAddress(const std::string& a, Listen& l) {
  auto port_of = [](const std::string& s, int fallback) {
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), ::isdigit)) return fallback;
    return std::stoi(s);
  };
  if (a.rfind("unix:", 0) == 0) {
    l.address = a;
    l.port = 0;
    return;
  }
  if (!a.empty() && a[0] == '[') {
    l.ipv6 = true;
    size_t close = a.find(']');
    l.address = a.substr(0, close == std::string::npos ? a.size() : close + 1);
    if (close != std::string::npos && close + 1 < a.size() && a[close + 1] == ':')
      l.port = port_of(a.substr(close + 2), 80);
    return;
  }
  size_t colon = a.rfind(':');
  if (colon == std::string::npos) {
    int port = port_of(a, -1);
    if (port >= 0) {
      l.port = port;
    } else {
      l.address = a;  // a host name or address alone: port 80
    }
    return;
  }
  l.address = a.substr(0, colon);
  l.port = port_of(a.substr(colon + 1), 80);
}

}  // namespace

Listen ParseListen(const std::vector<std::string>& args) {
  Listen l;
  if (args.empty()) return l;
  ParseListenAddress(args[0], l);
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "ssl") l.ssl = true;
    if (args[i] == "default_server" || args[i] == "default") l.default_server = true;
  }
  return l;
}

bool ServerBlock::ListensOn(int port, bool ssl) const {
  if (listens.empty()) return port == 80 && !ssl;
  return std::any_of(listens.begin(), listens.end(),
                     [&](const Listen& l) { return l.port == port && l.ssl == ssl; });
}

bool ServerBlock::HasSsl() const {
  return std::any_of(listens.begin(), listens.end(), [](const Listen& l) { return l.ssl; });
}

Result<NginxConfig> NginxConfig::Load(const fs::path& server_root,
                                      const std::map<fs::path, std::string>& overlay) {
  NginxConfig c;
  std::error_code ec;
  c.root_ = fs::absolute(server_root, ec);
  if (ec) return Error(ErrorCode::kMalformed, "bad --nginx-server-root " + server_root.string());
  fs::path main = c.main_file();
  if (!overlay.count(main) && !fs::exists(main))
    return Error(ErrorCode::kMalformed,
                 "no nginx.conf in " + c.root_.string() + "; set --nginx-server-root");
  SIGNET_RETURN_IF_ERROR(c.LoadFile(main, 0, overlay));
  std::vector<size_t> path;
  SIGNET_RETURN_IF_ERROR(c.Walk(main, c.tree_.at(main), path, "main", 0, overlay));
  return c;
}

Status NginxConfig::LoadFile(const fs::path& file, int depth,
                             const std::map<fs::path, std::string>& overlay) {
  if (depth > kMaxIncludeDepth)
    return Error(ErrorCode::kMalformed, "includes nested too deeply at " + file.string());
  if (tree_.count(file)) return OkStatus();
  if (order_.size() >= kMaxFiles) return Error(ErrorCode::kMalformed, "too many included files");
  std::string text;
  if (auto it = overlay.find(file); it != overlay.end()) {
    text = it->second;
  } else {
    SIGNET_ASSIGN_OR_RETURN(text, ReadFile(file));
  }
  auto parsed = ParseConfig(text);
  if (!parsed.ok())
    return Error(ErrorCode::kMalformed, file.string() + ": " + parsed.error().detail);
  order_.push_back(file);
  text_[file] = std::move(text);
  tree_[file] = std::move(*parsed);
  return OkStatus();
}

Status NginxConfig::Include(const std::string& pattern, const std::string& context, int depth,
                            const std::map<fs::path, std::string>& overlay) {
  for (const auto& f : IncludedFiles(root_, pattern)) {
    // The included file's directives belong to the including context.
    SIGNET_RETURN_IF_ERROR(LoadFile(f, depth + 1, overlay));
    if (++includes_walked_ > kMaxFiles)
      return Error(ErrorCode::kMalformed, "too many includes (a file includes itself?)");
    std::vector<size_t> path;
    SIGNET_RETURN_IF_ERROR(Walk(f, tree_.at(f), path, context, depth + 1, overlay));
  }
  return OkStatus();
}

Status NginxConfig::Walk(const fs::path& file, const std::vector<Directive>& list,
                         std::vector<size_t>& path, const std::string& context, int depth,
                         const std::map<fs::path, std::string>& overlay) {
  for (size_t i = 0; i < list.size(); ++i) {
    const Directive& d = list[i];
    path.push_back(i);
    if (d.name() == "include" && d.words.size() == 2 && !d.is_block) {
      SIGNET_RETURN_IF_ERROR(Include(d.words[1], context, depth, overlay));
    } else if (d.is_block && d.name() == "server" && context == "http") {
      bool seen = std::any_of(servers_.begin(), servers_.end(), [&](const ServerBlock& s) {
        return s.file == file && s.path == path;
      });
      if (!seen) {
        ServerBlock s;
        s.file = file;
        s.path = path;
        s.in_http = true;
        SIGNET_RETURN_IF_ERROR(CollectServerFacts(d.children, s, depth, overlay));
        servers_.push_back(std::move(s));
      }
    } else if (d.is_block && !d.words.empty()) {
      SIGNET_RETURN_IF_ERROR(Walk(file, d.children, path, d.name(), depth, overlay));
    }
    path.pop_back();
  }
  return OkStatus();
}

// server_name and listen of a server block, including those in files the
// block includes (a snippet holding `listen 443 ssl;`).
Status NginxConfig::CollectServerFacts(const std::vector<Directive>& children, ServerBlock& s,
                                       int depth,
                                       const std::map<fs::path, std::string>& overlay) {
  for (const Directive& c : children) {
    if (c.is_block) continue;
    if (c.name() == "server_name")
      for (size_t k = 1; k < c.words.size(); ++k) s.names.push_back(c.words[k]);
    if (c.name() == "listen") s.listens.push_back(ParseListen(c.args()));
    if (c.name() == "include" && c.words.size() == 2) {
      for (const auto& f : IncludedFiles(root_, c.words[1])) {
        // A file not there yet (certbot's options file before its first
        // install) holds nothing to match on; nginx -t judges the rest.
        if (!overlay.count(f) && !fs::exists(f)) continue;
        SIGNET_RETURN_IF_ERROR(LoadFile(f, depth + 1, overlay));
        if (++includes_walked_ > kMaxFiles)
          return Error(ErrorCode::kMalformed, "too many includes (a file includes itself?)");
        SIGNET_RETURN_IF_ERROR(CollectServerFacts(tree_.at(f), s, depth + 1, overlay));
      }
    }
  }
  return OkStatus();
}

const Directive& NginxConfig::Block(const ServerBlock& s) const {
  const std::vector<Directive>* list = &tree_.at(s.file);
  const Directive* d = nullptr;
  for (size_t i : s.path) {
    d = &(*list)[i];
    list = &d->children;
  }
  return *d;
}

std::optional<std::pair<fs::path, size_t>> NginxConfig::HttpBlock() const {
  const auto& top = tree_.at(main_file());
  for (size_t i = 0; i < top.size(); ++i)
    if (top[i].is_block && top[i].name() == "http") return std::pair{main_file(), i};
  return std::nullopt;
}

}  // namespace signet::client::nginx
