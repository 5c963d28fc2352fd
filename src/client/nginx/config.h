// An nginx configuration as a tree of files: the main file under the server
// root and every file its `include` directives name (globs, relative paths
// resolved against the server root, as nginx resolves them against its
// configuration prefix), with the server blocks found in them.
//
// Files are read through an overlay of pending edits, so an edit can be
// parsed and checked before any byte is written. Not thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/nginx/parser.h"

namespace signet::client::nginx {

// One `listen` of a server block.
struct Listen {
  std::string address;  // "" (all), "127.0.0.1", "[::]", "unix:..."
  int port = 80;
  bool ssl = false;
  bool default_server = false;
  bool ipv6 = false;
};

// A server block: where it is and what it answers.
struct ServerBlock {
  std::filesystem::path file;
  std::vector<size_t> path;  // indexes from the file's top-level directives down to the block
  std::vector<std::string> names;  // server_name arguments
  std::vector<Listen> listens;     // empty: nginx listens on *:80
  bool in_http = false;            // inside http { } (not mail/stream)

  bool ListensOn(int port, bool ssl) const;
  bool HasSsl() const;
};

// Parses a `listen` directive's arguments.
Listen ParseListen(const std::vector<std::string>& args);

class NginxConfig {
 public:
  // Loads `server_root`/nginx.conf and its includes. `overlay` holds file
  // contents that take the place of what is on disk.
  static Result<NginxConfig> Load(const std::filesystem::path& server_root,
                                  const std::map<std::filesystem::path, std::string>& overlay = {});

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path main_file() const { return root_ / "nginx.conf"; }
  const std::vector<ServerBlock>& servers() const { return servers_; }
  // Every file read, in the order first read, with its text.
  const std::vector<std::filesystem::path>& files() const { return order_; }
  const std::string& Text(const std::filesystem::path& file) const { return text_.at(file); }
  const std::vector<Directive>& Tree(const std::filesystem::path& file) const {
    return tree_.at(file);
  }
  // The block a ServerBlock designates.
  const Directive& Block(const ServerBlock& s) const;
  // The file and top-level index of the `http` block of the main file.
  std::optional<std::pair<std::filesystem::path, size_t>> HttpBlock() const;

 private:
  Status LoadFile(const std::filesystem::path& file, int depth,
                  const std::map<std::filesystem::path, std::string>& overlay);
  Status Walk(const std::filesystem::path& file, const std::vector<Directive>& list,
              std::vector<size_t>& path, const std::string& context, int depth,
              const std::map<std::filesystem::path, std::string>& overlay);
  Status CollectServerFacts(const std::vector<Directive>& children, ServerBlock& s, int depth,
                            const std::map<std::filesystem::path, std::string>& overlay);
  Status Include(const std::string& pattern, const std::string& context, int depth,
                 const std::map<std::filesystem::path, std::string>& overlay);

  std::filesystem::path root_;
  std::vector<std::filesystem::path> order_;
  std::map<std::filesystem::path, std::string> text_;
  std::map<std::filesystem::path, std::vector<Directive>> tree_;
  std::vector<ServerBlock> servers_;
  size_t includes_walked_ = 0;
};

}  // namespace signet::client::nginx
