// Internal: the HTTP API of `redline serve` (SPEC §6.1) as plain functions
// of a request — no sockets here (server.cpp carries them), so every route
// and error is testable without a network. The API never throws: every
// problem is a JSON problem object with its HTTP status.
#pragma once

#include "redline/engine.hpp"

#include <functional>
#include <memory>
#include <string>

namespace redline::serve {

struct Request {
    std::string method; ///< GET, POST...
    std::string target; ///< path and query, e.g. /v1/check?lang=en
    std::string body;
    std::string content_type;
    std::string accept; ///< the Accept header: a browser asking for / gets the map page
};

struct Response {
    int status = 200;
    std::string content_type = "application/json; charset=utf-8";
    std::string body;
    std::string allow; ///< for 405
};

struct ApiLimits {
    std::size_t max_features = 1000; ///< features of a FeatureCollection per request
    std::size_t max_layer_features = 20000; ///< features per /v1/layers answer
};

/// The engine currently served and the means to replace it (reload).
class EngineHolder {
public:
    explicit EngineHolder(std::string rulebook_path);
    std::shared_ptr<const Engine> get() const;
    /// Loads the rulebook again; on success the new engine serves every
    /// later request (requests running keep the one they started with). On
    /// failure the old engine keeps serving and the error is rethrown.
    void reload();
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
    mutable std::mutex m_mutex;
    std::shared_ptr<const Engine> m_engine;
};

/// Answers one request. `log_error` receives internal errors (logged by the server).
Response handle(const Request& request, EngineHolder& engines, const ApiLimits& limits);

/// A problem object (RFC 7807): {type, title, status, detail, instance[, field]}.
Response problem(int status, const std::string& title, const std::string& detail,
                 const std::string& instance, const std::string& field = {});

} // namespace redline::serve
