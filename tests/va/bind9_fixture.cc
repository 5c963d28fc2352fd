#include "bind9_fixture.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace signet::test_support {
namespace {

namespace fs = std::filesystem;

constexpr char kSoa[] =
    "$TTL 60\n@ SOA ns1.test. hostmaster.test. 1 3600 600 86400 60\n@ NS ns1.test.\n";

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int BindLoopback(int type, uint16_t port) {
  int fd = socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// A port free for both UDP and TCP on 127.0.0.1 right now.
uint16_t FreePort() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int udp = BindLoopback(SOCK_DGRAM, 0);
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    getsockname(udp, reinterpret_cast<sockaddr*>(&addr), &len);
    const uint16_t port = ntohs(addr.sin_port);
    int tcp = BindLoopback(SOCK_STREAM, port);
    close(udp);
    if (tcp >= 0) {
      close(tcp);
      return port;
    }
  }
  return 0;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

Bind9::~Bind9() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty() && std::getenv("SIGNET_KEEP_BIND9_DIR") == nullptr) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

std::string Bind9::Server() const { return "127.0.0.1:" + std::to_string(port_); }

bool Bind9::Run(const std::string& command) {
  const std::string full = "(" + command + ") >>" + dir_ + "/commands.log 2>&1";
  if (std::system(full.c_str()) == 0) return true;
  error_ = "command failed: " + command + "\n" + ReadFile(dir_ + "/commands.log");
  return false;
}

bool Bind9::WriteZones(const std::string& signed_txt) {
  const std::string d = dir_ + "/";
  std::string zones;
  auto zone = [&](const std::string& name, const std::string& file, bool dynamic) {
    zones += "zone \"" + name + ".\" { type primary; file \"" + d + file + "\";" +
             (dynamic ? " allow-update { 127.0.0.1; };" : "") + " };\n";
  };
  zone("test", "test.zone", false);
  zone("example.test", "example.test.zone", true);
  zone("other.test", "other.test.zone", true);
  zone("_acme-challenge.ns.example.test", "ns-child.zone", true);
  zone("signed.test", "signed.test.zone.signed", false);
  zone("broken.test", "broken.test.zone.signed", false);
  zone("servfail.test", "missing-file.zone", false);
  const std::string options =
      "options {\n"
      "  directory \"" + dir_ + "\";\n"
      "  pid-file \"" + d + "named.pid\";\n"
      "  session-keyfile \"" + d + "session.key\";\n"
      "  managed-keys-directory \"" + dir_ + "\";\n"
      "  listen-on port " + std::to_string(port_) + " { 127.0.0.1; };\n"
      "  listen-on-v6 { none; };\n"
      "  recursion no;\n"  // Authoritative only: never asks anyone else.
      "  dnssec-validation no;\n"
      "  notify no;\n"
      "  allow-query { 127.0.0.1; };\n"
      "  max-records-per-type 1000;\n"  // Above the VA's own limit, to test it.
      "};\n"
      "controls { };\n";
  return WriteFile(d + "named.conf", options + zones) &&
         WriteFile(d + "test.zone", std::string(kSoa) + "ns1 A 127.0.0.1\n") &&
         WriteFile(d + "example.test.zone",
                   std::string(kSoa) + "_acme-challenge.ns NS ns1.test.\n") &&
         WriteFile(d + "other.test.zone", kSoa) && WriteFile(d + "ns-child.zone", kSoa) &&
         WriteFile(d + "signed.test.zone", std::string(kSoa) +
                                               "_acme-challenge TXT " + Quoted(signed_txt) + "\n"
                                               "@ CAA 0 issue \"signet.test\"\n") &&
         WriteFile(d + "broken.test.zone",
                   std::string(kSoa) + "_acme-challenge TXT " + Quoted(signed_txt) + "\n");
}

// Signs DIR/ZONE.zone into DIR/ZONE.zone.signed with a fresh KSK and ZSK;
// with `corrupt`, alters the signature over the _acme-challenge TXT RRset.
bool Bind9::SignZone(const std::string& zone, bool corrupt) {
  const std::string keys = dir_ + "/keys-" + zone;
  fs::create_directories(keys);
  if (!Run("dnssec-keygen -q -K " + keys + " -a ECDSAP256SHA256 -f KSK -n ZONE " + zone) ||
      !Run("dnssec-keygen -q -K " + keys + " -a ECDSAP256SHA256 -n ZONE " + zone) ||
      !Run("dnssec-signzone -q -S -K " + keys + " -d " + keys + " -o " + zone + " -O full -f " +
           dir_ + "/" + zone + ".zone.signed " + dir_ + "/" + zone + ".zone")) {
    return false;
  }
  for (const auto& entry : fs::directory_iterator(keys)) {
    const std::string path = entry.path().string();
    if (path.ends_with(".key") && ReadFile(path).find("key-signing key") != std::string::npos) {
      if (zone == "broken.test") broken_key_file_ = path;
    }
  }
  if (zone == "signed.test") {
    std::istringstream ds(ReadFile(keys + "/dsset-" + zone + "."));
    for (std::string line; std::getline(ds, line);) {
      if (!line.empty()) ds_anchor_.push_back(line);
    }
  }
  if (!corrupt) return true;
  const std::string path = dir_ + "/" + zone + ".zone.signed";
  std::istringstream in(ReadFile(path));
  std::string out;
  bool done = false;
  for (std::string line; std::getline(in, line);) {
    if (!done && line.starts_with("_acme-challenge.") && line.find("RRSIG\tTXT") != std::string::npos) {
      char& c = line[line.size() - 10];  // Inside the base64 signature.
      c = c == 'A' ? 'B' : 'A';
      done = true;
    }
    out += line + "\n";
  }
  if (!done) error_ = "no RRSIG over TXT found in " + path;
  return done && WriteFile(path, out);
}

bool Bind9::WaitReady() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  const std::string probe = "dig +time=1 +tries=1 -p " + std::to_string(port_) +
                            " @127.0.0.1 test. SOA 2>/dev/null | grep -q 'status: NOERROR'";
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::system(probe.c_str()) == 0) return true;
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  error_ = "named did not answer on " + Server() + ":\n" + ReadFile(dir_ + "/named.log");
  return false;
}

bool Bind9::Start(const std::string& signed_txt) {
  char tmpl[] = "/tmp/signet-bind9-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    error_ = "mkdtemp failed";
    return false;
  }
  dir_ = tmpl;
  port_ = FreePort();
  if (!WriteZones(signed_txt)) {
    error_ = "cannot write the zones in " + dir_;
    return false;
  }
  if (!SignZone("signed.test", false) || !SignZone("broken.test", true)) return false;
  const std::string conf = dir_ + "/named.conf";
  const std::string log = dir_ + "/named.log";
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // Never outlive a crashed test.
    if (!freopen(log.c_str(), "w", stdout) || !freopen(log.c_str(), "a", stderr)) _exit(126);
    execlp("named", "named", "-g", "-n", "1", "-c", conf.c_str(), nullptr);
    _exit(127);
  }
  return WaitReady();
}

bool Bind9::Update(const std::string& zone, const std::vector<std::string>& commands) {
  std::string script = "server 127.0.0.1 " + std::to_string(port_) + "\nzone " + zone + "\n";
  for (const std::string& c : commands) script += c + "\n";
  script += "send\n";
  const std::string path = dir_ + "/update.txt";
  return WriteFile(path, script) && Run("nsupdate -t 5 " + path);
}

bool Bind9::SetTxt(const std::string& zone, const std::string& name,
                   const std::vector<std::string>& values) {
  std::vector<std::string> commands{"update delete " + name + " TXT"};
  for (const std::string& v : values) commands.push_back("update add " + name + " 60 TXT " + Quoted(v));
  return Update(zone, commands);
}

bool Bind9::SetCaa(const std::string& zone, const std::string& name,
                   const std::vector<std::string>& records) {
  std::vector<std::string> commands{"update delete " + name + " CAA"};
  for (const std::string& r : records) commands.push_back("update add " + name + " 60 CAA " + r);
  return Update(zone, commands);
}

}  // namespace signet::test_support
