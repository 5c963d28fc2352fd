// update_symlinks: certbot's repair after archive/ was moved and the
// renewal conf's archive_dir edited (storage.RenewableCert._update_symlinks):
// each live link is pointed at the same file name under archive_dir.
#include <filesystem>

#include "client/agent/commands.h"
#include "client/agent/output.h"
#include "client/store/lineage.h"
#include "client/store/lock.h"
#include "client/store/renewal_conf.h"

namespace signet::client {
namespace {

namespace fs = std::filesystem;

// Replaces the symlink `link` by one to `target`, atomically (rename).
Status Relink(const fs::path& link, const fs::path& target) {
  fs::path tmp = link;
  tmp += ".signet-new";
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_symlink(target, tmp, ec);
  if (!ec) fs::rename(tmp, link, ec);
  if (ec) return Error(ErrorCode::kServerInternal, "cannot relink " + link.string() + ": " + ec.message());
  return OkStatus();
}

Status UpdateLineage(const StoreLayout& layout, const std::string& name) {
  SIGNET_ASSIGN_OR_RETURN(RenewalConf conf, RenewalConf::Load(layout.RenewalConfPath(name)));
  SIGNET_RETURN_IF_ERROR(conf.Validate());
  fs::path archive = fs::absolute(conf.archive_dir());
  for (const std::string& item : {conf.cert(), conf.privkey(), conf.chain(), conf.fullchain()}) {
    fs::path link(item);
    std::error_code ec;
    fs::path previous = fs::read_symlink(link, ec);
    if (ec) return Error(ErrorCode::kServerInternal, link.string() + " is not a symlink");
    fs::path dir = fs::absolute(link).parent_path();
    SIGNET_RETURN_IF_ERROR(Relink(link, archive.lexically_relative(dir) / previous.filename()));
  }
  return OkStatus();
}

}  // namespace

int UpdateSymlinks(const AgentOptions& o) {
  Output out(o.quiet, o.verbose);
  StoreLayout layout(o.config_dir);
  auto lock = StoreLock::LockDir(o.config_dir);
  if (!lock.ok()) return out.Fail("another instance of signet or certbot is running"), 1;
  int rc = 0;
  for (const auto& name : Lineage::ListNames(layout)) {
    Status s = UpdateLineage(layout, name);
    if (!s.ok()) {
      out.Fail("cannot update the links of " + name, s.error());
      rc = 1;
    }
  }
  return rc;
}

}  // namespace signet::client
