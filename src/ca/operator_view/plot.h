// A metric's last hour as a small inline SVG plot (no script, no external
// asset): a polyline over [now - window, now], the y axis from 0 to the
// largest value, with the metric's name and latest value as its caption.
#pragma once

#include <chrono>
#include <string>

#include "acme/objects.h"
#include "ca/operator_view/metric_history.h"

namespace signet::ca::operator_view {

// A <figure class="plot"> holding an <svg>; a series without points draws
// an empty frame saying "no data yet".
std::string RenderPlot(const Series& series, acme::TimePoint now, std::chrono::seconds window);

}  // namespace signet::ca::operator_view
