#include "redline/interrupt.hpp"

#include <csignal>
#include <cstring>
#include <string>

namespace redline {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int sig)
{
    g_signal = sig; // async-signal-safe: a flag, nothing else
}

} // namespace

void install_interrupt_handlers()
{
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND; // a second signal terminates at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int interrupted()
{
    return static_cast<int>(g_signal);
}

Interrupted::Interrupted(int signal)
    : Error(std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal") +
            ": no output written (temporary files removed; existing outputs left untouched)"),
      m_signal(signal)
{
}

} // namespace redline
