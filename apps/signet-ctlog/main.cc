// signet-ctlog: a Certificate Transparency log (RFC 6962). Wiring only:
// the data directory (key, database, log list), the HTTP server over
// src/ct's handler, and the STH publication on the main thread between
// signals.
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "base/files.h"
#include "ct/http_api.h"
#include "ct/log.h"
#include "ct/log_list.h"
#include "http/server.h"

namespace {

namespace fs = std::filesystem;
using signet::Result;
using signet::Status;

struct Options {
  std::string data_dir, listen = "127.0.0.1:6962", roots, url, description;
  std::string operator_name = "Signet", operator_email = "ct@localhost";
  std::string tls_cert, tls_key;
  int mmd = 86400, threads = 2, handler_threads = 8;
  bool leaf_index_extension = false;
  std::string temporal_interval;  // "START,END" in RFC 3339
  int64_t sth_interval_ms = 1000, sth_max_age_ms = 60000;
};

// The log's key: DIR/log-key.pem (0600), made on first start.
Result<signet::crypto::Key> LoadOrCreateKey(const fs::path& path, bool* created) {
  *created = false;
  if (fs::exists(path)) {
    SIGNET_ASSIGN_OR_RETURN(std::string pem, signet::ReadFile(path));
    return signet::crypto::Key::FromPem(pem);
  }
  SIGNET_ASSIGN_OR_RETURN(auto key,
                          signet::crypto::Key::Generate(signet::crypto::KeyType::kEcP256));
  SIGNET_RETURN_IF_ERROR(signet::WriteFileAtomic(path, key.PrivatePem(), 0600));
  *created = true;
  return key;
}

Status SplitListen(const std::string& listen, signet::http::ServerConfig* c) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return signet::Error(signet::ErrorCode::kMalformed, "--listen must be HOST:PORT");
  }
  c->address = listen.substr(0, colon);
  if (c->address.size() > 1 && c->address.front() == '[')
    c->address = c->address.substr(1, c->address.size() - 2);
  try {
    c->port = uint16_t(std::stoi(listen.substr(colon + 1)));
  } catch (...) {
    return signet::Error(signet::ErrorCode::kMalformed, "--listen must be HOST:PORT");
  }
  return signet::OkStatus();
}

Result<signet::ct::LogOptions> LogOptionsFrom(const Options& o) {
  signet::ct::LogOptions options;
  options.leaf_index_extension = o.leaf_index_extension;
  if (o.temporal_interval.empty()) return options;
  size_t comma = o.temporal_interval.find(',');
  auto start = signet::ct::ParseRfc3339(o.temporal_interval.substr(0, comma));
  auto end = comma == std::string::npos
                 ? std::nullopt
                 : signet::ct::ParseRfc3339(o.temporal_interval.substr(comma + 1));
  if (!start || !end || *end <= *start) {
    return signet::Error(signet::ErrorCode::kMalformed,
                         "--temporal-interval is START,END (RFC 3339 UTC, e.g. "
                         "2026-01-01T00:00:00Z,2027-01-01T00:00:00Z), START before END");
  }
  options.not_after_start_s = *start;
  options.not_after_end_s = *end;
  return options;
}

int Serve(const Options& o) {
  auto log_options = LogOptionsFrom(o);
  if (!log_options.ok()) return spdlog::error("signet-ctlog: {}", log_options.error().detail), 2;
  const signet::ct::LogOptions& options = *log_options;
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  ::chmod(o.data_dir.c_str(), 0700);
  fs::path dir(o.data_dir);
  bool created = false;
  auto key = LoadOrCreateKey(dir / "log-key.pem", &created);
  if (!key.ok()) return spdlog::error("signet-ctlog: key: {}", key.error().detail), 1;
  auto roots_pem = signet::ReadFile(o.roots);
  if (!roots_pem.ok())
    return spdlog::error("signet-ctlog: --roots: {}", roots_pem.error().detail), 1;
  auto roots = signet::ct::RootSet::FromPem(*roots_pem);
  if (!roots.ok()) return spdlog::error("signet-ctlog: --roots: {}", roots.error().detail), 1;

  signet::http::ServerConfig sc;
  if (auto s = SplitListen(o.listen, &sc); !s.ok()) return spdlog::error("{}", s.error().detail), 1;
  if (!o.tls_cert.empty()) {
    auto chain = signet::ReadFile(o.tls_cert);
    auto tls_key = signet::ReadFile(o.tls_key);
    if (!chain.ok() || !tls_key.ok())
      return spdlog::error("signet-ctlog: cannot read --tls-cert/--tls-key"), 1;
    sc.tls_chain_pem = *chain;
    sc.tls_key_pem = *tls_key;
  }
  sc.threads = o.threads;
  sc.handler_threads = o.handler_threads;
  // Up to 4 MiB is read (then 413); past kMaxSubmissionBytes the API says 400.
  sc.max_body_bytes = 4 * 1024 * 1024;

  auto log =
      signet::ct::Log::Open((dir / "ctlog.sqlite3").string(), *key, std::move(*roots), options);
  if (!log.ok()) return spdlog::error("signet-ctlog: {}", log.error().detail), 1;

  std::string url =
      o.url.empty() ? (sc.tls_chain_pem.empty() ? "http://" : "https://") + o.listen + "/" : o.url;
  if (url.back() != '/') url += '/';
  // The checkpoint origin: the submission prefix without scheme and trailing slash.
  std::string origin = url.substr(url.find("://") == std::string::npos ? 0 : url.find("://") + 3);
  origin.pop_back();
  fs::path list_path = dir / "log.json";
  if (!fs::exists(list_path)) {
    signet::ct::LogListInfo info;
    info.operator_name = o.operator_name;
    info.operator_email = o.operator_email;
    info.url = url;
    info.description = o.description.empty() ? "Signet CT log " + o.listen : o.description;
    info.mmd_seconds = o.mmd;
    info.not_after_start_s = options.not_after_start_s;
    info.not_after_end_s = options.not_after_end_s;
    info.created_ms = signet::ct::SystemClockMs();
    if (auto s = signet::WriteFileAtomic(list_path, signet::ct::LogListJson(info, *key), 0644);
        !s.ok()) {
      return spdlog::error("signet-ctlog: {}", s.error().detail), 1;
    }
  }

  signet::http::Server server(sc, signet::ct::MakeApiHandler(**log, origin));
  if (auto s = server.Start(); !s.ok())
    return spdlog::error("signet-ctlog: {}", s.error().detail), 1;
  spdlog::info("signet-ctlog serving on {} (data {}, tree size {}{})", o.listen, o.data_dir,
               (*log)->Sth().tree_size, created ? ", new key" : "");

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  timespec interval{time_t(o.sth_interval_ms / 1000), long(o.sth_interval_ms % 1000) * 1000000};
  for (;;) {
    int sig = sigtimedwait(&set, nullptr, &interval);
    if (sig == SIGINT || sig == SIGTERM) {
      spdlog::info("signet-ctlog stopping (signal {})", sig);
      break;
    }
    if (auto s = (*log)->Publish(uint64_t(o.sth_max_age_ms)); !s.ok()) {
      spdlog::error("signet-ctlog: publishing an STH: {}", s.error().detail);
    }
  }
  server.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"signet-ctlog: a Certificate Transparency log (RFC 6962)"};
  app.require_subcommand(1);
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return "signet-ctlog: " + std::string(e.what()) + " (see --help)\n";
  });
  Options o;
  CLI::App* serve = app.add_subcommand("serve", "run the log");
  serve->add_option("--data-dir", o.data_dir, "directory of the key, entries and log.json")
      ->required();
  serve->add_option("--listen", o.listen, "HOST:PORT to serve the API on");
  serve->add_option("--roots", o.roots, "PEM bundle of the accepted root certificates")->required();
  serve->add_option("--mmd", o.mmd, "maximum merge delay in seconds, for log.json (86400)");
  serve->add_option("--url", o.url, "the log's base URL in log.json (default http(s)://LISTEN/)");
  serve->add_option("--description", o.description, "the log's description in log.json");
  serve->add_option("--operator", o.operator_name, "the operator's name in log.json");
  serve->add_option("--operator-email", o.operator_email, "the operator's email in log.json");
  serve->add_option("--sth-interval-ms", o.sth_interval_ms,
                    "how often a grown tree gets an STH (1000)");
  serve->add_option("--sth-max-age-ms", o.sth_max_age_ms,
                    "an unchanged tree's STH is re-signed after (60000)");
  serve->add_option(
      "--temporal-interval", o.temporal_interval,
      "START,END (RFC 3339): accept only notAfter in [START, END) (a temporal shard)");
  serve->add_flag("--leaf-index-extension", o.leaf_index_extension,
                  "SCTs carry static-ct-api's leaf_index extension (required by that API)");
  serve->add_option("--tls-cert", o.tls_cert, "PEM certificate chain: serve HTTPS");
  serve->add_option("--tls-key", o.tls_key, "PEM private key for --tls-cert");
  serve->add_option("--threads", o.threads, "HTTP I/O threads");
  serve->add_option("--handler-threads", o.handler_threads, "threads running requests");
  CLI11_PARSE(app, argc, argv);
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    std::cerr << "signet-ctlog: --tls-cert and --tls-key go together\n";
    return 2;
  }
  if (o.sth_interval_ms <= 0) o.sth_interval_ms = 1000;
  return Serve(o);
}
