// Test-only: a throwaway PostgreSQL 15 server for one test binary, started
// on first use from Debian's /usr/lib/postgresql/15/bin (initdb, pg_ctl) in
// a temp directory, listening only on a unix socket there, and stopped when
// the binary's tests end (a gtest Environment). initdb refuses to run as
// root, so under root (CI) the server runs as the unprivileged user
// "nobody", which owns the temp directory; as any other user it runs as
// that user. fsync is off: a test server need not survive a power loss.
//
// Each test gets a fresh database, copied from a template that holds the
// migrated schema (CREATE DATABASE ... TEMPLATE), so a test costs a file
// copy, not a migration. Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "base/result.h"

namespace signet::storage::pg {

class TestServer {
 public:
  // The server, started on first call; an Error when it cannot start.
  static Result<TestServer*> Get();

  // A new database with every migration applied; its URI.
  Result<std::string> FreshDatabase();
  // A new empty database (no schema); its URI.
  Result<std::string> EmptyDatabase();
  // The URI of database `name` on this server.
  std::string Uri(const std::string& name) const;

  // Stop and Start the server (the same data and socket), for tests of an
  // outage. Stop is "fast": open connections are closed.
  Status Stop();
  Status Start();
  // Stops the server for good and removes its directory.
  void Shutdown();

 private:
  TestServer() = default;
  Status Init();
  // Runs `command` (a shell command line) as the server's user.
  Status RunAsOwner(const std::string& command);
  Result<std::string> CreateDatabase(const std::string& template_name);

  std::mutex mu_;
  std::string dir_;      // the temp directory: data/, the socket, log
  std::string owner_;    // "" (the current user) or "nobody"
  int next_db_ = 0;      // GUARDED_BY(mu_)
  bool running_ = false;
};

}  // namespace signet::storage::pg
