// Which server blocks answer a name, as nginx chooses (ngx_http_core_module,
// "server_name"): an exact name first, then the longest wildcard starting
// with `*` (or `.name`), then the longest ending with `*`, then the first
// regular expression (`~`) that matches; else the default server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/nginx/config.h"

namespace signet::client::nginx {

enum class NameMatch { kNone = 0, kRegex = 1, kWildcardEnd = 2, kWildcardStart = 3, kExact = 4 };

// How `name` (a server_name argument) matches `host`; `length` receives the
// length of the pattern for ranking wildcards.
NameMatch MatchServerName(const std::string& host, const std::string& name);

// The best match of `host` among `names` (kNone when none match).
NameMatch BestMatch(const std::string& host, const std::vector<std::string>& names,
                    size_t* length = nullptr);

// The block certbot's nginx plugin edits for `host`: the best name match
// over all blocks (listening on any port), a block already serving TLS
// winning over a plain one of the same rank; with `port` >= 0 only blocks
// listening on that port without TLS. nullopt when no name matches.
std::optional<size_t> ChooseServer(const std::vector<ServerBlock>& servers, const std::string& host,
                                   int port = -1);

// The block with `listen ... default_server` on `port` (without TLS), else
// the first block listening on it, as nginx picks for an unknown name.
std::optional<size_t> DefaultServer(const std::vector<ServerBlock>& servers, int port);

}  // namespace signet::client::nginx
