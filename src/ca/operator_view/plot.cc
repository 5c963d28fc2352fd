#include "ca/operator_view/plot.h"

#include <algorithm>
#include <cstdio>

#include "ca/operator_view/html.h"

namespace signet::ca::operator_view {
namespace {

constexpr double kWidth = 240;
constexpr double kHeight = 60;

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string Point(double x, double y) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f,%.1f", x, y);
  return buf;
}

}  // namespace

std::string RenderPlot(const Series& series, acme::TimePoint now, std::chrono::seconds window) {
  double top = 0;
  for (const auto& p : series.points) top = std::max(top, p.second);
  if (top <= 0) top = 1;
  std::string unit = series.counter ? " /min" : "";
  std::string latest = series.points.empty() ? "-" : Number(series.points.back().second) + unit;
  std::string name = HtmlEscape(series.name);
  std::string out = "<figure class=\"plot\"><figcaption><code>" + name + "</code> <b>" +
                    HtmlEscape(latest) + "</b></figcaption>";
  out += "<svg class=\"plot-svg\" width=\"" + Number(kWidth) + "\" height=\"" + Number(kHeight) +
         "\" viewBox=\"0 0 " + Number(kWidth) + " " + Number(kHeight) +
         "\" role=\"img\" aria-label=\"" + name + " over the last hour\">";
  out += "<rect x=\"0\" y=\"0\" width=\"" + Number(kWidth) + "\" height=\"" + Number(kHeight) +
         "\" fill=\"#f6f8fa\" stroke=\"#d0d7de\"/>";
  if (series.points.empty()) {
    out += "<text x=\"8\" y=\"34\" font-size=\"11\" fill=\"#57606a\">no data yet</text>";
  } else {
    double span = std::chrono::duration<double>(window).count();
    std::string points;
    for (const auto& [at, value] : series.points) {
      double age = std::chrono::duration<double>(now - at).count();
      double x = std::clamp(kWidth * (1 - age / span), 0.0, kWidth);
      double y = kHeight - 4 - (kHeight - 8) * value / top;
      if (!points.empty()) points += ' ';
      points += Point(x, y);
    }
    if (series.points.size() == 1) {  // one sample: a dot, so it shows
      out += "<circle cx=\"" + points.substr(0, points.find(',')) + "\" cy=\"" +
             points.substr(points.find(',') + 1) + "\" r=\"2\" fill=\"#0969da\"/>";
    }
    out += "<polyline fill=\"none\" stroke=\"#0969da\" stroke-width=\"1.5\" points=\"" + points +
           "\"/>";
    out += "<text x=\"4\" y=\"11\" font-size=\"9\" fill=\"#57606a\">max " + Number(top) +
           HtmlEscape(unit) + "</text>";
  }
  out += "</svg></figure>";
  return out;
}

}  // namespace signet::ca::operator_view
