#include "config_files.h"

#include <cstdlib>
#include <map>
#include <set>

#include "base/files.h"
#include "cli_ini.h"

namespace signet::app {

using client::AgentOptions;

// The option an argument names ("--x", "--x=v", "-dV" -> -d), if any.
CLI::Option* OptionOfArg(CLI::App& app, const std::string& arg) {
  if (arg.size() < 2 || arg[0] != '-') return nullptr;
  std::string name = arg.substr(0, arg.find('='));
  if (name[1] != '-') name = name.substr(0, 2);
  return app.get_option_no_throw(name);
}

namespace {

// The last value of a path option on the command line (--config-dir, -c).
std::vector<std::string> ValuesOf(CLI::App& app, const std::vector<std::string>& args,
                                  const std::string& name) {
  CLI::Option* wanted = app.get_option_no_throw(name);
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (OptionOfArg(app, args[i]) != wanted) continue;
    size_t eq = args[i].find('=');
    if (eq != std::string::npos) out.push_back(args[i].substr(eq + 1));
    else if (args[i].rfind("--", 0) != 0 && args[i].size() > 2) out.push_back(args[i].substr(2));
    else if (i + 1 < args.size()) out.push_back(args[++i]);
  }
  return out;
}

// configargparse's files: CONFIG_DIR/cli.ini (signet reads the config dir
// in use; certbot always /etc/letsencrypt/cli.ini), then the user's, then
// each -c FILE; a later file wins over an earlier one.
std::vector<std::pair<std::string, bool>> ConfigFiles(CLI::App& app,
                                                      const std::vector<std::string>& args,
                                                      const AgentOptions& defaults) {
  std::vector<std::pair<std::string, bool>> files;  // path, must exist
  auto dirs = ValuesOf(app, args, "--config-dir");
  files.emplace_back((dirs.empty() ? defaults.config_dir : dirs.back()) + "/cli.ini", false);
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) files.emplace_back(std::string(xdg) + "/letsencrypt/cli.ini", false);
  else if (home && *home) files.emplace_back(std::string(home) + "/.config/letsencrypt/cli.ini", false);
  for (const auto& c : ValuesOf(app, args, "--config")) files.emplace_back(c, true);
  return files;
}

}  // namespace

// The command-line words that the configuration files stand for, to go
// before the command line (which wins). A setting whose option is on the
// command line is dropped, as configargparse does; renew ignores the files'
// domains (certbot's guard against renewing every lineage with them).
Result<std::vector<std::string>> ConfigFileArgs(CLI::App& app, const std::vector<std::string>& args,
                                                const AgentOptions& o) {
  std::set<CLI::Option*> on_command_line;
  for (const auto& a : args)
    if (CLI::Option* opt = OptionOfArg(app, a)) on_command_line.insert(opt);
  std::map<CLI::Option*, std::vector<std::string>> chosen;  // later files replace
  std::vector<CLI::Option*> order;
  for (const auto& [path, required] : ConfigFiles(app, args, o)) {
    auto text = ReadFile(path);
    if (!text.ok()) {
      if (required) return Error(ErrorCode::kMalformed, "cannot read the config file " + path);
      continue;
    }
    SIGNET_ASSIGN_OR_RETURN(std::vector<IniSetting> settings, ParseCliIni(*text, path));
    for (const auto& setting : settings) {
      CLI::Option* opt = app.get_option_no_throw("--" + setting.key);
      if (!opt)
        return Error(ErrorCode::kMalformed, path + " line " + std::to_string(setting.line) +
                                                ": unrecognized setting '" + setting.key + "'");
      if (on_command_line.count(opt) || opt->check_name("--config")) continue;
      if (o.verb == "renew" && opt->check_name("-d")) continue;
      SIGNET_ASSIGN_OR_RETURN(std::vector<std::string> words,
                              SettingToArgs(setting, opt->get_expected_max() > 0, path));
      if (!chosen.count(opt)) order.push_back(opt);
      chosen[opt] = std::move(words);
    }
  }
  std::vector<std::string> out;
  for (CLI::Option* opt : order) out.insert(out.end(), chosen[opt].begin(), chosen[opt].end());
  return out;
}

// Notes are for what the operator typed: a setting that does not apply in
// a cli.ini (Debian's sets max-log-backups and preconfigured-renewal) is
// ignored quietly. Every note starts with its option's name.
void DropConfigFileNotes(CLI::App& app, const std::vector<std::string>& args,
                         const std::vector<std::string>& all, AgentOptions& o) {
  std::set<CLI::Option*> typed;
  for (const auto& a : args)
    if (CLI::Option* opt = OptionOfArg(app, a)) typed.insert(opt);
  std::set<CLI::Option*> from_files;
  for (size_t i = 0; i + args.size() < all.size(); ++i)
    if (CLI::Option* opt = OptionOfArg(app, all[i]); opt && !typed.count(opt))
      from_files.insert(opt);
  o.notes.erase(std::remove_if(o.notes.begin(), o.notes.end(), [&](const std::string& note) {
                  std::string name = note.substr(0, note.find_first_of(" :"));
                  CLI::Option* opt = app.get_option_no_throw(name);
                  return opt && from_files.count(opt) > 0;
                }), o.notes.end());
}

}  // namespace signet::app
