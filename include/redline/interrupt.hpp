// SIGINT / SIGTERM during a batch: the handler only records the signal; the
// batch loop polls interrupted(), stops, and throws Interrupted so that
// every owner unwinds normally (the OutputSet removes its temporary files,
// nothing appears under a final name). main() maps it to 128 + signal
// (130 for SIGINT, 143 for SIGTERM). A second signal gets the default
// action (immediate termination).
#pragma once

#include "redline/error.hpp"

namespace redline {

/// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_interrupt_handlers();
/// The signal received since install_interrupt_handlers(), or 0.
int interrupted();

class Interrupted : public Error {
public:
    explicit Interrupted(int signal);
    int signal() const { return m_signal; }
    int exit_status() const { return 128 + m_signal; }

private:
    int m_signal;
};

} // namespace redline
