// Internal: the HTTP side of `redline serve` on Boost.Beast (asio, async):
// keep-alive connections cost no threads; every limit is explicit — body
// size (413), header size, a read timeout that also ends slow clients, an
// idle timeout, a cap on requests being answered at once (503) — and a
// request log line per request on stderr. The API itself is api.hpp.
#pragma once

#include "serve/api.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace redline::serve {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    unsigned threads = 0;              ///< I/O threads; 0 = one per core
    std::size_t max_body = 1 << 20;    ///< bytes; larger bodies get 413
    std::size_t max_header = 16 << 10; ///< bytes
    std::size_t max_concurrent = 64;   ///< requests answered at once; more get 503
    std::chrono::milliseconds read_timeout{10000}; ///< a whole request, headers and body
    std::chrono::milliseconds idle_timeout{30000}; ///< between keep-alive requests
    std::string cors_origin;           ///< Access-Control-Allow-Origin; "" = no CORS
    bool quiet = false;                ///< no request log
    ApiLimits api;
};

/// Listens and answers until SIGINT/SIGTERM; SIGHUP reloads the rulebook
/// (a broken one is refused and the old keeps serving). Prints the address
/// it listens on (the port chosen when `port` is 0) to stdout. Throws
/// UsageError when the address cannot be bound.
void run_server(EngineHolder& engines, const ServerOptions& options);

} // namespace redline::serve
