#include "client/nginx/edits.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace signet::client::nginx {
namespace {

// The first server block of `text` (inside http) with its ServerBlock facts.
struct Parsed {
  std::vector<Directive> top;
  const Directive* block = nullptr;
  ServerBlock server;
};

Parsed ParseFirstServer(const std::string& text, size_t index = 0) {
  Parsed p;
  auto parsed = ParseConfig(text);
  EXPECT_TRUE(parsed.ok());
  p.top = *parsed;
  size_t seen = 0;
  for (const auto& d : p.top.at(0).children) {
    if (d.name() != "server" || seen++ != index) continue;
    p.block = &d;
    for (const auto& c : d.children) {
      if (c.name() == "listen") p.server.listens.push_back(ParseListen(c.args()));
      if (c.name() == "server_name") p.server.names = c.args();
    }
  }
  return p;
}

TlsDeploy Tls() {
  TlsDeploy t;
  t.fullchain = "/etc/le/live/a/fullchain.pem";
  t.key = "/etc/le/live/a/privkey.pem";
  t.options_conf = "/etc/le/options-ssl-nginx.conf";
  t.dhparams = "/etc/le/ssl-dhparams.pem";
  t.options_directives = {"ssl_protocols", "ssl_ciphers"};
  return t;
}

const char kPlain[] =
    "http {\n"
    "    server {\n"
    "        listen 80; # http\n"
    "        server_name a.example.test;\n"
    "        root /srv/a;\n"
    "    }\n"
    "}\n";

TEST(NginxEdits, DeployAddsCertbotsLinesAndKeepsEveryOtherByte) {
  std::string text = kPlain;
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, DeployEdits(text, *p.block, p.server, Tls()));
  EXPECT_EQ(out,
            "http {\n"
            "    server {\n"
            "        listen 80; # http\n"
            "        server_name a.example.test;\n"
            "        root /srv/a;\n"
            "\n"
            "        listen 443 ssl; # managed by Certbot\n"
            "        ssl_certificate /etc/le/live/a/fullchain.pem; # managed by Certbot\n"
            "        ssl_certificate_key /etc/le/live/a/privkey.pem; # managed by Certbot\n"
            "        include /etc/le/options-ssl-nginx.conf; # managed by Certbot\n"
            "        ssl_dhparam /etc/le/ssl-dhparams.pem; # managed by Certbot\n"
            "\n"
            "    }\n"
            "}\n");
  // Deploying again (a renewal's new paths) updates in place and adds nothing.
  Parsed again = ParseFirstServer(out);
  TlsDeploy next = Tls();
  next.fullchain = "/new/fullchain.pem";
  std::string twice = ApplyEdits(out, DeployEdits(out, *again.block, again.server, next));
  EXPECT_NE(twice.find("ssl_certificate /new/fullchain.pem; # managed by Certbot\n"),
            std::string::npos);
  EXPECT_EQ(twice.size(), out.size() - Tls().fullchain.size() + next.fullchain.size());
}

TEST(NginxEdits, ReplacedLineKeepsADirectiveThatFollowsOnIt) {
  // Found by the fuzzer: the comment after a replaced ssl_certificate
  // swallowed the next directive on the same line.
  std::string text = "http {\n server {\n  listen 443 ssl;\n  ssl_certificate /old; root /x;\n }\n}\n";
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, DeployEdits(text, *p.block, p.server, Tls()));
  EXPECT_NE(out.find("  ssl_certificate /etc/le/live/a/fullchain.pem; root /x;\n"), std::string::npos)
      << out;
  auto parsed = ParseConfig(out);
  ASSERT_TRUE(parsed.ok());
  Parsed again = ParseFirstServer(out);
  EXPECT_TRUE(std::any_of(again.block->children.begin(), again.block->children.end(),
                          [](const Directive& d) { return d.name() == "root"; }));
  // With a comment after it, certbot's comes first.
  std::string commented = "http {\n server {\n  ssl_certificate /old; # mine\n }\n}\n";
  Parsed c = ParseFirstServer(commented);
  std::string out2 = ApplyEdits(commented, DeployEdits(commented, *c.block, c.server, Tls()));
  EXPECT_NE(out2.find("ssl_certificate /etc/le/live/a/fullchain.pem; # managed by Certbot # mine\n"),
            std::string::npos)
      << out2;
}

TEST(NginxEdits, DeployIpv6AndImplicitListen) {
  std::string text = "http {\nserver {\nlisten [::]:80;\nlisten 80;\n}\nserver {\n}\n}\n";
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, DeployEdits(text, *p.block, p.server, Tls()));
  EXPECT_NE(out.find("listen [::]:443 ssl ipv6only=on; # managed by Certbot"), std::string::npos);
  EXPECT_NE(out.find("listen 443 ssl; # managed by Certbot"), std::string::npos);
  Parsed empty = ParseFirstServer(text, 1);
  std::string out2 = ApplyEdits(text, DeployEdits(text, *empty.block, empty.server, Tls()));
  EXPECT_NE(out2.find("server {\n\n    listen 80; # managed by Certbot\n    listen 443 ssl;"),
            std::string::npos)
      << out2;
}

TEST(NginxEdits, OptionsIncludeLeftOutWhenTheBlockSetsItsOwn) {
  std::string text = "http {\n server {\n  listen 443 ssl;\n  ssl_protocols TLSv1.3;\n }\n}\n";
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, DeployEdits(text, *p.block, p.server, Tls()));
  EXPECT_EQ(out.find("include"), std::string::npos);
  EXPECT_EQ(out.find("listen 443 ssl; #"), std::string::npos);  // already listening
  EXPECT_NE(out.find("ssl_dhparam"), std::string::npos);
}

TEST(NginxEdits, RedirectSplitsABlockServingBoth) {
  std::string text = kPlain;
  Parsed p = ParseFirstServer(text);
  std::string deployed = ApplyEdits(text, DeployEdits(text, *p.block, p.server, Tls()));
  Parsed d = ParseFirstServer(deployed);
  std::string out =
      ApplyEdits(deployed, RedirectEdits(deployed, *d.block, d.server, "a.example.test", 80));
  EXPECT_EQ(out.find("listen 80; # http"), std::string::npos) << out;
  EXPECT_NE(out.find("    }\n"
                     "    server {\n"
                     "        if ($host = a.example.test) {\n"
                     "            return 301 https://$host$request_uri;\n"
                     "        } # managed by Certbot\n"
                     "\n\n"
                     "        listen 80;\n"
                     "        server_name a.example.test;\n"
                     "        return 404; # managed by Certbot\n"
                     "\n\n"
                     "    }\n"),
            std::string::npos)
      << out;
  // Idempotent: the redirect block now answers port 80 and has it already.
  Parsed second = ParseFirstServer(out, 1);
  EXPECT_TRUE(RedirectEdits(out, *second.block, second.server, "a.example.test", 80).empty());
}

TEST(NginxEdits, SplitCopiesListenAndServerNameAsWritten) {
  std::string text =
      "http {\n  server {\n    listen 127.0.0.1:80;\n    listen 443 ssl;\n"
      "    server_name ~^r[0-9]+\\.example\\.test$ 'q x';\n  }\n}\n";
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, RedirectEdits(text, *p.block, p.server, "r1.example.test", 80));
  EXPECT_NE(out.find("    listen 127.0.0.1:80;\n    server_name ~^r[0-9]+\\.example\\.test$ 'q x';\n"
                     "    return 404; # managed by Certbot\n"),
            std::string::npos)
      << out;
}

TEST(NginxEdits, RedirectAtTheTopOfAPlainBlockAndForWildcards) {
  std::string text = kPlain;
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, RedirectEdits(text, *p.block, p.server, "*.example.test", 80));
  EXPECT_NE(out.find("    server {\n"
                     "        if ($host ~ ^[^.]+\\.example\\.test$) {\n"
                     "            return 301 https://$host$request_uri;\n"
                     "        } # managed by Certbot\n"
                     "\n"
                     "        listen 80; # http\n"),
            std::string::npos)
      << out;
  EXPECT_TRUE(ParseConfig(out).ok());
}

TEST(NginxEdits, DuplicateDefaultDropsSingleUseListenOptions) {
  std::string text =
      "http {\n  server {\n    listen 80 default_server reuseport;\n    server_name _;\n"
      "    location / { return 200 \"hi\"; }\n  }\n}\n";
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, DuplicateForName(text, *p.block, "new.example.test"));
  Parsed copy = ParseFirstServer(out, 1);
  ASSERT_NE(copy.block, nullptr) << out;
  EXPECT_EQ(copy.server.names, (std::vector<std::string>{"new.example.test"}));
  ASSERT_EQ(copy.server.listens.size(), 1u);
  EXPECT_FALSE(copy.server.listens[0].default_server);
  EXPECT_NE(out.find("    location / { return 200 \"hi\"; }\n  }"), std::string::npos) << out;
}

TEST(NginxEdits, Hsts) {
  std::string text = "http {\nserver {\nlisten 443 ssl;\n}\n}\n";
  Parsed p = ParseFirstServer(text);
  std::string out = ApplyEdits(text, HstsEdits(text, *p.block));
  EXPECT_NE(out.find("add_header Strict-Transport-Security \"max-age=31536000\" always; # managed "
                     "by Certbot"),
            std::string::npos);
  Parsed again = ParseFirstServer(out);
  EXPECT_TRUE(HstsEdits(out, *again.block).empty());
}

}  // namespace
}  // namespace signet::client::nginx
