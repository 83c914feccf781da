#pragma once

#include <functional>

#include "shared/presentation/route_table.hpp"

namespace authd::http {

// GET /healthz (the process serves), GET /readyz (`ready()` is true: the database answers
// and migrations are current; else 503; also 503 while draining), GET /metrics (Prometheus).
// `ready` may throw; that counts as not ready.
void addHealthRoutes(RouteTable& routes, std::function<bool()> ready);

}  // namespace authd::http
