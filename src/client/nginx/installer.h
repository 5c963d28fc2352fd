// certbot's nginx plugin as an installer: puts a lineage's certificate into
// the server blocks that answer its names, adds certbot's enhancements
// (HTTP-to-HTTPS redirect, HSTS), checks the result with `nginx -t` and
// reloads nginx. Every change is one transaction: if a file cannot be
// written, `nginx -t` fails or the reload fails, every file is put back
// byte for byte and nginx is reloaded on the old configuration. A finished
// change is recorded as a certbot rollback checkpoint (reverter.h).
//
// Not thread-safe; the caller holds the config dir lock.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "client/nginx/config.h"
#include "client/nginx/tls_files.h"

namespace signet::client::nginx {

// certbot's nginx flags and the directories they act in.
struct NginxSettings {
  std::filesystem::path server_root = "/etc/nginx";  // --nginx-server-root
  std::string ctl = "nginx";                         // --nginx-ctl
  int https_port = 443;                              // --https-port
  int http_port = 80;                                // --http-01-port
  int sleep_seconds = 1;                             // --nginx-sleep-seconds
  std::filesystem::path config_dir = "/etc/letsencrypt";
  std::filesystem::path work_dir = "/var/lib/letsencrypt";
  TlsFileSources tls_sources;
};

struct Enhancements {
  bool redirect = false;
  bool hsts = false;
};

using LogFn = std::function<void(const std::string&)>;

// A set of file contents to write, checked and applied together.
class NginxTransaction {
 public:
  NginxTransaction(const NginxSettings& settings, LogFn log) : s_(settings), log_(std::move(log)) {}

  // The configuration with the pending changes applied.
  Result<NginxConfig> Load() const { return NginxConfig::Load(s_.server_root, pending_); }
  void Set(const std::filesystem::path& file, std::string text) { pending_[file] = std::move(text); }
  // A file this change creates (removed again on failure or revert).
  void Create(const std::filesystem::path& file, std::string text);
  bool empty() const { return pending_.empty(); }

  // Writes the files, runs `nginx -t` and reloads. On failure restores
  // every file byte for byte (and reloads when nginx was already told to)
  // and returns the error.
  Status Apply();
  // Puts back what Apply wrote (the authenticator's cleanup) and reloads.
  Status Revert();
  // Drops the temporary checkpoint Apply wrote, once the change is final.
  void Finish();
  // What each changed file held before Apply.
  const std::map<std::filesystem::path, std::string>& originals() const { return originals_; }
  const std::vector<std::filesystem::path>& created() const { return created_; }

 private:
  Status Restore();

  const NginxSettings& s_;
  LogFn log_;
  std::map<std::filesystem::path, std::string> pending_;
  std::map<std::filesystem::path, std::string> originals_;
  std::vector<std::filesystem::path> created_;
};

// Undoes what a killed run left (certbot's temporary checkpoint).
Status RecoverInterrupted(const NginxSettings& s, const LogFn& log);

// Runs `CTL -c CONF ARGS...`; the error carries nginx's last line of output.
Status RunNginx(const NginxSettings& s, const std::vector<std::string>& args);
// `nginx -t`, then `nginx -s reload` (starting nginx when it is not
// running, as certbot does), then the configured sleep.
Status TestAndReload(const NginxSettings& s);

class NginxInstaller {
 public:
  NginxInstaller(NginxSettings settings, LogFn log)
      : s_(std::move(settings)), log_(std::move(log)) {}

  // certbot install: the certificate (fullchain, key) for every name, then
  // the enhancements, as one checkpoint.
  Status Install(const std::vector<std::string>& names, const std::string& fullchain,
                 const std::string& key, const Enhancements& enhancements);
  // certbot enhance: the enhancements alone, on blocks already serving TLS.
  Status Enhance(const std::vector<std::string>& names, const Enhancements& enhancements);
  // certbot rollback --checkpoints N.
  Status Rollback(int checkpoints);

 private:
  Status Deploy(NginxTransaction& t, const std::string& name, const std::string& fullchain,
                const std::string& key, std::string& notes);
  Status DeployTo(NginxTransaction& t, const std::filesystem::path& file,
                  const std::vector<size_t>& path, const std::string& name,
                  const std::string& fullchain, const std::string& key, std::string& notes);
  Status AddRedirects(NginxTransaction& t, const std::string& name, std::string& notes);
  Status AddEnhancements(NginxTransaction& t, const std::string& name, const Enhancements& e,
                         std::string& notes);
  Status Commit(NginxTransaction& t, const std::string& title, const std::string& notes);

  NginxSettings s_;
  LogFn log_;
};

}  // namespace signet::client::nginx
