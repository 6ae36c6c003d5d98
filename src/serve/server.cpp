#include "serve/server.hpp"

#include "redline/error.hpp"
#include "redline/rulebook.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace redline::serve {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::mutex g_log_mutex;

void log_line(const std::string& line)
{
    std::lock_guard lock(g_log_mutex);
    std::cerr << line << "\n";
}

struct Shared {
    EngineHolder& engines;
    const ServerOptions& options;
    std::atomic<std::size_t> in_flight{0};
};

/// One connection: read a request (bounded in size and time), answer it,
/// and again while the client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, Shared& shared) : m_stream(std::move(socket)), m_shared(shared) {}

    void start() { read(m_shared.options.idle_timeout); }

private:
    void read(std::chrono::milliseconds timeout)
    {
        m_parser.emplace();
        m_parser->body_limit(m_shared.options.max_body);
        m_parser->header_limit(static_cast<std::uint32_t>(m_shared.options.max_header));
        m_stream.expires_after(timeout);
        http::async_read(m_stream, m_buffer, *m_parser,
                         beast::bind_front_handler(&Session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
            ec == net::error::connection_reset)
            return close();
        if (ec == http::error::body_limit) {
            m_keep_alive = false;
            return send(problem(413, "Payload Too Large",
                                "the body is larger than " + std::to_string(m_shared.options.max_body) +
                                    " bytes (--max-body)",
                                ""),
                        "?", "?", std::chrono::steady_clock::now());
        }
        if (ec == http::error::header_limit) {
            m_keep_alive = false;
            return send(problem(431, "Request Header Fields Too Large", "the request headers are too large", ""),
                        "?", "?", std::chrono::steady_clock::now());
        }
        if (ec) {
            m_keep_alive = false;
            return send(problem(400, "Bad Request", std::string("malformed HTTP request: ") + ec.message(), ""),
                        "?", "?", std::chrono::steady_clock::now());
        }
        answer(m_parser->release());
    }

    void answer(http::request<http::string_body> req)
    {
        const auto started = std::chrono::steady_clock::now();
        m_keep_alive = req.keep_alive();
        const std::string method(req.method_string());
        const std::string target(req.target());
        if (m_shared.in_flight.fetch_add(1) >= m_shared.options.max_concurrent) {
            m_shared.in_flight.fetch_sub(1);
            Response busy = problem(503, "Service Unavailable",
                                    "the server is answering " + std::to_string(m_shared.options.max_concurrent) +
                                        " requests already (--max-concurrent): try again",
                                    target);
            return send(busy, method, target, started, true);
        }
        Response res;
        if (req.method() == http::verb::options && !m_shared.options.cors_origin.empty()) {
            res.status = 204;
        } else {
            Request r{method, target, std::move(req.body()), std::string(req[http::field::content_type]),
                      std::string(req[http::field::accept])};
            res = handle(r, m_shared.engines, m_shared.options.api);
        }
        m_shared.in_flight.fetch_sub(1);
        send(res, method, target, started);
    }

    void send(const Response& res, const std::string& method, const std::string& target,
              std::chrono::steady_clock::time_point started, bool retry_after = false)
    {
        auto msg = std::make_shared<http::response<http::string_body>>(
            static_cast<http::status>(res.status), 11);
        msg->set(http::field::server, "redline");
        if (!res.body.empty() || res.status != 204)
            msg->set(http::field::content_type, res.content_type);
        if (!res.allow.empty())
            msg->set(http::field::allow, res.allow);
        if (retry_after)
            msg->set(http::field::retry_after, "1");
        if (!m_shared.options.cors_origin.empty()) {
            msg->set(http::field::access_control_allow_origin, m_shared.options.cors_origin);
            msg->set(http::field::access_control_allow_methods, "GET, POST, OPTIONS");
            msg->set(http::field::access_control_allow_headers, "Content-Type");
        }
        msg->keep_alive(m_keep_alive);
        msg->body() = res.body;
        msg->prepare_payload();
        if (!m_shared.options.quiet) {
            const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                                  started)
                                .count();
            log_line(method + " " + target + " " + std::to_string(res.status) + " " + std::to_string(us) + " µs");
        }
        m_stream.expires_after(m_shared.options.read_timeout);
        http::async_write(m_stream, *msg, [self = shared_from_this(), msg](beast::error_code ec, std::size_t) {
            if (ec || msg->need_eof())
                return self->close();
            self->read(self->m_shared.options.idle_timeout);
        });
    }

    void close()
    {
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Shared& m_shared;
    bool m_keep_alive = true;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, tcp::endpoint endpoint, Shared& shared)
        : m_ioc(ioc), m_acceptor(net::make_strand(ioc)), m_shared(shared)
    {
        beast::error_code ec;
        m_acceptor.open(endpoint.protocol(), ec);
        if (!ec)
            m_acceptor.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec)
            m_acceptor.bind(endpoint, ec);
        if (!ec)
            m_acceptor.listen(net::socket_base::max_listen_connections, ec);
        if (ec)
            throw UsageError("serve: cannot listen on " + endpoint.address().to_string() + ":" +
                             std::to_string(endpoint.port()) + ": " + ec.message());
    }

    tcp::endpoint endpoint() const { return m_acceptor.local_endpoint(); }
    void start() { accept(); }

private:
    void accept()
    {
        m_acceptor.async_accept(net::make_strand(m_ioc), beast::bind_front_handler(&Listener::on_accept,
                                                                                   shared_from_this()));
    }

    void on_accept(beast::error_code ec, tcp::socket socket)
    {
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            std::make_shared<Session>(std::move(socket), m_shared)->start();
        }
        if (m_acceptor.is_open())
            accept();
    }

    net::io_context& m_ioc;
    tcp::acceptor m_acceptor;
    Shared& m_shared;
};

} // namespace

void run_server(EngineHolder& engines, const ServerOptions& options)
{
    const unsigned threads = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    net::io_context ioc(static_cast<int>(threads));
    Shared shared{engines, options};
    beast::error_code ec;
    const auto address = net::ip::make_address(options.host, ec);
    if (ec)
        throw UsageError("serve: --listen: '" + options.host + "' is not an IP address");
    auto listener = std::make_shared<Listener>(ioc, tcp::endpoint(address, options.port), shared);
    listener->start();

    // SIGINT/SIGTERM stop; SIGHUP reloads on a thread of its own, so that
    // requests keep being answered by the old rulebook while the new loads.
    net::signal_set stop(ioc, SIGINT, SIGTERM);
    stop.async_wait([&](beast::error_code, int) { ioc.stop(); });
    net::signal_set hup(ioc, SIGHUP);
    std::function<void()> wait_hup = [&] {
        hup.async_wait([&](beast::error_code e, int) {
            if (e)
                return;
            std::thread([&engines, quiet = options.quiet] {
                try {
                    engines.reload();
                    log_line("redline serve: SIGHUP: rulebook reloaded");
                } catch (const std::exception& x) {
                    log_line(std::string("redline serve: SIGHUP: reload refused, the previous rulebook keeps "
                                         "serving: ") +
                             x.what());
                }
                (void)quiet;
            }).detach();
            wait_hup();
        });
    };
    wait_hup();

    const auto ep = listener->endpoint();
    std::cout << "redline serve: " << engines.get()->rulebook().name << " on http://" << ep.address().to_string()
              << ":" << ep.port() << "/ (" << threads << " threads)" << std::endl;
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& th : pool)
        th.join();
}

} // namespace redline::serve
