// redline serve RULEBOOK [--listen HOST:PORT] [--threads N] [--max-body BYTES]
//               [--max-features N] [--max-concurrent N] [--cors ORIGIN]
// The rulebook's layers are loaded and indexed once; then HTTP (SPEC §6.1).
#include "commands/commands.hpp"

#include "redline/error.hpp"
#include "serve/server.hpp"
#include "util/text.hpp"

namespace redline::commands {

namespace {

class ServeCommand final : public Command {
public:
    void setup(CLI::App& app) override
    {
        app.add_option("rulebook", m_rulebook, "rulebook YAML")->required();
        app.add_option("--listen", m_listen,
                       "HOST:PORT to listen on (default 127.0.0.1:8080: this machine only; port 0 = any free)");
        app.add_option("--threads", m_options.threads, "threads answering requests (default: every core)")
            ->check(CLI::Range(1, 256));
        app.add_option("--max-body", m_options.max_body, "largest request body in bytes (default 1048576)")
            ->check(CLI::Range(1, 1 << 30));
        app.add_option("--max-features", m_options.api.max_features,
                       "features of a FeatureCollection per request (default 1000)")
            ->check(CLI::Range(1, 1000000));
        app.add_option("--max-concurrent", m_options.max_concurrent,
                       "requests answered at once; more get 503 (default 64)")
            ->check(CLI::Range(1, 100000));
        app.add_option("--cors", m_options.cors_origin, "allow browser pages from ORIGIN (default: no CORS)");
    }

    int run(const GlobalOptions& global) override
    {
        const auto colon = m_listen.rfind(':');
        auto port = colon == std::string::npos ? std::nullopt : parse_int(m_listen.substr(colon + 1));
        if (!port || *port < 0 || *port > 65535 || colon == 0)
            throw UsageError("--listen takes HOST:PORT, e.g. 127.0.0.1:8080, not '" + m_listen + "'");
        m_options.host = m_listen.substr(0, colon);
        m_options.port = static_cast<std::uint16_t>(*port);
        m_options.quiet = global.quiet;
        serve::EngineHolder engines(m_rulebook); // loads and indexes once (exit 3 when it cannot)
        serve::run_server(engines, m_options);
        return 0;
    }

private:
    std::string m_rulebook;
    std::string m_listen = "127.0.0.1:8080";
    serve::ServerOptions m_options;
};

} // namespace

std::unique_ptr<Command> make_serve_command()
{
    return std::make_unique<ServeCommand>();
}

} // namespace redline::commands
