#include "storage/postgres/test_server.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/postgres/pg.h"
#include "storage/postgres/postgres_store.h"

namespace signet::storage::pg {

namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin";
constexpr const char* kTemplate = "signet_template";
constexpr int kPort = 5432;  // names the socket file only: no TCP listener

std::mutex g_mu;
TestServer* g_server = nullptr;  // GUARDED_BY(g_mu)

// Stops the server, if a test started one, after the binary's last test.
class StopServer : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_server) g_server->Shutdown();
  }
};
[[maybe_unused]] ::testing::Environment* const kStopServer =
    ::testing::AddGlobalTestEnvironment(new StopServer);

std::string Quote(const std::string& s) { return "'" + s + "'"; }

}  // namespace

Result<TestServer*> TestServer::Get() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_server) return g_server;
  auto* server = new TestServer();
  Status s = server->Init();
  if (!s.ok()) {
    server->Shutdown();
    delete server;
    return std::move(s).error();
  }
  g_server = server;
  return server;
}

Status TestServer::RunAsOwner(const std::string& command) {
  std::string line = owner_.empty() ? command : "runuser -u " + owner_ + " -- " + command;
  line += " >>" + Quote(dir_ + "/commands.log") + " 2>&1";
  if (std::system(line.c_str()) != 0) {
    std::ifstream log(dir_ + "/commands.log");
    std::stringstream text;
    text << log.rdbuf();
    return Error(ErrorCode::kServerInternal, "test PostgreSQL: `" + command + "` failed:\n" +
                                                 text.str());
  }
  return OkStatus();
}

Status TestServer::Init() {
  if (!std::filesystem::exists(std::string(kBin) + "/initdb"))
    return Error(ErrorCode::kServerInternal,
                 "test PostgreSQL: no initdb in /usr/lib/postgresql/15/bin; install postgresql-15 "
                 "(scripts/install-deps.sh)");
  char tmpl[] = "/tmp/signet-pg.XXXXXX";
  if (!::mkdtemp(tmpl)) return Error(ErrorCode::kServerInternal, "test PostgreSQL: mkdtemp failed");
  dir_ = tmpl;
  if (::geteuid() == 0) {
    owner_ = "nobody";
    passwd* pw = ::getpwnam(owner_.c_str());
    if (!pw || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      return Error(ErrorCode::kServerInternal, "test PostgreSQL: cannot hand " + dir_ + " to nobody");
  }
  SIGNET_RETURN_IF_ERROR(RunAsOwner(std::string(kBin) + "/initdb -D " + Quote(dir_ + "/data") +
                                    " -U postgres --auth=trust --no-sync -E UTF8 --locale=C"));
  SIGNET_RETURN_IF_ERROR(Start());
  // The template: a database migrated once, with no connection left open
  // (CREATE DATABASE ... TEMPLATE needs it idle).
  {
    auto admin = Conn::Connect(Uri("postgres"), std::chrono::seconds(5), std::chrono::seconds(60));
    if (!admin.ok()) return std::move(admin).error();
    SIGNET_RETURN_IF_ERROR((*admin)->Run(std::string("CREATE DATABASE ") + kTemplate +
                                         " TEMPLATE template0"));
  }
  auto store = PostgresStore::Open(Uri(kTemplate));
  if (!store.ok()) return std::move(store).error();
  return OkStatus();
}

std::string TestServer::Uri(const std::string& name) const {
  return "postgresql:///" + name + "?host=" + dir_ + "&port=" + std::to_string(kPort) +
         "&user=postgres";
}

Status TestServer::Start() {
  SIGNET_RETURN_IF_ERROR(RunAsOwner(
      std::string(kBin) + "/pg_ctl -D " + Quote(dir_ + "/data") + " -l " + Quote(dir_ + "/log") +
      " -w -t 30 -o \"-k " + dir_ + " -p " + std::to_string(kPort) +
      " -c listen_addresses='' -c fsync=off -c full_page_writes=off"
      " -c max_connections=200\" start"));
  running_ = true;
  return OkStatus();
}

Status TestServer::Stop() {
  SIGNET_RETURN_IF_ERROR(RunAsOwner(std::string(kBin) + "/pg_ctl -D " + Quote(dir_ + "/data") +
                                    " -w -t 30 -m fast stop"));
  running_ = false;
  return OkStatus();
}

void TestServer::Shutdown() {
  if (dir_.empty()) return;
  if (running_) (void)Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
}

Result<std::string> TestServer::CreateDatabase(const std::string& template_name) {
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mu_);
    name = "t" + std::to_string(++next_db_);
  }
  auto admin = Conn::Connect(Uri("postgres"), std::chrono::seconds(5), std::chrono::seconds(60));
  if (!admin.ok()) return std::move(admin).error();
  SIGNET_RETURN_IF_ERROR(
      (*admin)->Run("CREATE DATABASE " + name + " TEMPLATE " + template_name));
  return Uri(name);
}

Result<std::string> TestServer::FreshDatabase() { return CreateDatabase(kTemplate); }
Result<std::string> TestServer::EmptyDatabase() { return CreateDatabase("template0"); }

}  // namespace signet::storage::pg
