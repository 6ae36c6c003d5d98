#include "util/interrupt.hpp"

#include "redline/pipeline.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <string>

namespace redline {

namespace {

std::atomic<CancelToken*> g_token{nullptr};

extern "C" void on_signal(int sig)
{
    // async-signal-safe: lock-free atomic loads and stores, nothing else
    if (CancelToken* t = g_token.load())
        t->cancel(sig);
}

} // namespace

void install_interrupt_handlers(CancelToken& token)
{
    g_token.store(&token);
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND; // a second signal terminates at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}


Interrupted::Interrupted(int signal)
    : Error(std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal") +
            ": no output written (temporary files removed; existing outputs left untouched)"),
      m_signal(signal)
{
}

} // namespace redline
